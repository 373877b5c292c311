package com.example.axonshop;

/** Event: an order was placed. */
public record OrderPlaced(String orderId, String customer, double total) {}
