package com.example.axonshop;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;

/** The payment aggregate: totals above the card limit are declined. */
public class Payment {
    static final double LIMIT = 100;

    @AggregateIdentifier
    private String paymentId;

    protected Payment() {
    }

    @CommandHandler
    public Payment(ChargePayment cmd) {
        if (cmd.amount() > LIMIT) {
            apply(new PaymentDeclined(cmd.paymentId(), cmd.orderId(), "card declined: over the limit"));
        } else {
            apply(new PaymentCharged(cmd.paymentId(), cmd.orderId(), cmd.amount()));
        }
    }

    @EventSourcingHandler
    void on(PaymentCharged e) {
        paymentId = e.paymentId();
    }

    @EventSourcingHandler
    void on(PaymentDeclined e) {
        paymentId = e.paymentId();
    }
}
