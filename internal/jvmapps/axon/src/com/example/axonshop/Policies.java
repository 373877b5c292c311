package com.example.axonshop;

import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.gateway.EventGateway;

/**
 * The shop's process: a placed order is charged, a declined payment
 * cancels the order (compensation), a charged one ships it; a menu update
 * recalculates prices (an event published from an event handler).
 */
@ProcessingGroup("policies")
public class Policies {
    private final CommandGateway commands;
    private final EventGateway events;

    public Policies(CommandGateway commands, EventGateway events) {
        this.commands = commands;
        this.events = events;
    }

    @EventHandler
    void on(OrderPlaced e) {
        commands.sendAndWait(new ChargePayment("pay-" + e.orderId(), e.orderId(), e.total()));
    }

    @EventHandler
    void on(PaymentDeclined e) {
        commands.sendAndWait(new CancelOrder(e.orderId(), e.reason()));
    }

    @EventHandler
    void on(PaymentCharged e) {
        commands.sendAndWait(new ShipOrder(e.orderId()));
    }

    @EventHandler
    void on(MenuUpdated e) {
        events.publish(new PricesRecalculated(e.menuId(), e.items() * 3));
    }
}
