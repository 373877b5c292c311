package com.example.axonshop;

/** Event: an order was shipped. */
public record OrderShipped(String orderId) {}
