package com.example.axonshop;

/** Event: a payment went through. */
public record PaymentCharged(String paymentId, String orderId, double amount) {}
