package com.example.axonshop;

/** Event: a payment was declined, with the reason. */
public record PaymentDeclined(String paymentId, String orderId, String reason) {}
