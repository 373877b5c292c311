package com.example.axonshop;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Command: place an order (starts a flow; commands are not on Kafka). */
public record PlaceOrder(@TargetAggregateIdentifier String orderId, String customer, double total) {}
