package com.example.axonshop;

/** Event: an order was cancelled (the compensation of a declined payment). */
public record OrderCancelled(String orderId, String reason) {}
