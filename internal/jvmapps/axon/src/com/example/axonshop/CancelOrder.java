package com.example.axonshop;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Command: cancel an order whose payment was declined. */
public record CancelOrder(@TargetAggregateIdentifier String orderId, String reason) {}
