package com.example.axonshop;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;

/** The order aggregate (event sourced). */
public class Order {
    @AggregateIdentifier
    private String orderId;

    protected Order() {
    }

    @CommandHandler
    public Order(PlaceOrder cmd) {
        apply(new OrderPlaced(cmd.orderId(), cmd.customer(), cmd.total()));
    }

    @CommandHandler
    public void handle(CancelOrder cmd) {
        apply(new OrderCancelled(cmd.orderId(), cmd.reason()));
    }

    @CommandHandler
    public void handle(ShipOrder cmd) {
        apply(new OrderShipped(cmd.orderId()));
    }

    @EventSourcingHandler
    void on(OrderPlaced e) {
        orderId = e.orderId();
    }
}
