package com.example.axonshop;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Command: ship a paid order. */
public record ShipOrder(@TargetAggregateIdentifier String orderId) {}
