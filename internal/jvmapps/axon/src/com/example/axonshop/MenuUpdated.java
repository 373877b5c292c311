package com.example.axonshop;

/** Event published outside any handler (no trace): a root. */
public record MenuUpdated(String menuId, int items) {}
