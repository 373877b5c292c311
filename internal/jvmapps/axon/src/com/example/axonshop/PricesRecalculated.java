package com.example.axonshop;

/** Event published by the handler of MenuUpdated. */
public record PricesRecalculated(String menuId, int prices) {}
