package com.example.shop;

/** The business event the Spring producer sends (a plain bean for Jackson). */
public class OrderPlaced {
    public String orderId;
    public String customer;
    public double total;

    public OrderPlaced() {}

    public OrderPlaced(String orderId, String customer, double total) {
        this.orderId = orderId;
        this.customer = customer;
        this.total = total;
    }
}
