package io.eventscope.axonapp;

import com.example.axonshop.MenuUpdated;
import com.example.axonshop.Order;
import com.example.axonshop.Payment;
import com.example.axonshop.PlaceOrder;
import com.example.axonshop.Policies;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.axonframework.config.Configuration;
import org.axonframework.config.Configurer;
import org.axonframework.config.DefaultConfigurer;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.axonframework.eventsourcing.eventstore.inmemory.InMemoryEventStorageEngine;
import org.axonframework.extensions.kafka.eventhandling.DefaultKafkaMessageConverter;
import org.axonframework.extensions.kafka.eventhandling.producer.ConfirmationMode;
import org.axonframework.extensions.kafka.eventhandling.producer.DefaultProducerFactory;
import org.axonframework.extensions.kafka.eventhandling.producer.KafkaEventPublisher;
import org.axonframework.extensions.kafka.eventhandling.producer.KafkaPublisher;
import org.axonframework.serialization.json.JacksonSerializer;

/**
 * A small Axon Framework application for eventscope's tests (issue 13): an
 * order and a payment aggregate, a policy that charges placed orders and
 * cancels or ships them, all wired with Axon's configuration API; Axon's
 * Kafka extension (KafkaEventPublisher, DefaultKafkaMessageConverter,
 * Jackson serializer) publishes every event to one topic, as an Axon
 * application does.
 *
 *   BOOTSTRAP TOPIC PREFIX   places order PREFIX-declined (total 120: the
 *                            payment is declined, the order cancelled),
 *                            order PREFIX-ok (total 42: charged, shipped),
 *                            and publishes MenuUpdated PREFIX-menu outside
 *                            any handler (a root without a trace)
 */
public final class Main {
    public static void main(String[] args) {
        String bootstrap = args[0], topic = args[1], prefix = args[2];
        JacksonSerializer serializer = JacksonSerializer.defaultSerializer();
        DefaultProducerFactory<String, byte[]> producers = DefaultProducerFactory.<String, byte[]>builder()
            .configuration(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))
            .confirmationMode(ConfirmationMode.WAIT_FOR_ACK)
            .build();
        KafkaPublisher<String, byte[]> publisher = KafkaPublisher.<String, byte[]>builder()
            .producerFactory(producers)
            .messageConverter(DefaultKafkaMessageConverter.builder().serializer(serializer).build())
            .topicResolver(m -> Optional.of(topic))
            .build();
        KafkaEventPublisher<String, byte[]> kafka = KafkaEventPublisher.<String, byte[]>builder()
            .kafkaPublisher(publisher).build();
        String group = kafka.getProcessingGroup();

        Configurer configurer = DefaultConfigurer.defaultConfiguration()
            .configureEmbeddedEventStore(c -> new InMemoryEventStorageEngine())
            .configureSerializer(c -> serializer)
            .configureEventSerializer(c -> serializer)
            .configureMessageSerializer(c -> serializer)
            .configureAggregate(Order.class)
            .configureAggregate(Payment.class);
        configurer.eventProcessing(ep -> ep
            .usingSubscribingEventProcessors()
            .registerEventHandler(c -> new Policies(c.commandGateway(), c.eventGateway()))
            .registerEventHandler(c -> kafka)
            .registerListenerInvocationErrorHandler(group, c -> PropagatingErrorHandler.instance())
            .registerListenerInvocationErrorHandler("policies", c -> PropagatingErrorHandler.instance())
            .assignHandlerTypesMatching(group, clazz -> clazz.isAssignableFrom(KafkaEventPublisher.class)));
        Configuration axon = configurer.buildConfiguration();
        axon.start();
        try {
            axon.commandGateway().sendAndWait(new PlaceOrder(prefix + "-declined", "ada", 120));
            axon.commandGateway().sendAndWait(new PlaceOrder(prefix + "-ok", "grace", 42));
            axon.eventGateway().publish(new MenuUpdated(prefix + "-menu", 12));
        } finally {
            axon.shutdown();
            publisher.shutDown();
            producers.shutDown();
        }
    }
}
