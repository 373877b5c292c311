package com.example.axonshop;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Command: charge an order's payment. */
public record ChargePayment(@TargetAggregateIdentifier String paymentId, String orderId, double amount) {}
