package io.eventscope.jvmapps;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.ListenerExecutionFailedException;

/**
 * springdlt BOOTSTRAP TOPIC DLT FLOW: what a Spring Kafka listener whose
 * error handler gives up does. It produces one PaymentRequested record of
 * flow FLOW to TOPIC, reads it back from the broker (real coordinates and
 * timestamp), and hands it, with the exception a failing @KafkaListener
 * raises (a ListenerExecutionFailedException around the cause), to Spring
 * Kafka's DeadLetterPublishingRecoverer, which publishes it to DLT with its
 * kafka_dlt-* headers (original topic, partition and offset as binary
 * ints, exception class, message and stack trace).
 */
final class DeadLetter {
    private DeadLetter() {}

    static void spring(String bootstrap, String topic, String dlt, String flow) throws Exception {
        String id = flow + "-pay";
        RecordHeaders hs = new RecordHeaders();
        hs.add("correlationId", flow.getBytes(StandardCharsets.UTF_8));
        hs.add("eventId", id.getBytes(StandardCharsets.UTF_8));
        hs.add("eventType", "PaymentRequested".getBytes(StandardCharsets.UTF_8));
        hs.add("source", "checkout".getBytes(StandardCharsets.UTF_8));
        byte[] value = ("{\"orderId\":\"" + flow + "\",\"amount\":42.5,\"card\":\"4111\"}").getBytes(StandardCharsets.UTF_8);
        try (KafkaProducer<byte[], byte[]> p = Main.producer(bootstrap)) {
            p.send(new ProducerRecord<>(topic, null, ("ord-" + flow).getBytes(StandardCharsets.UTF_8), value, hs)).get();
        }
        ConsumerRecord<byte[], byte[]> failed = readBack(bootstrap, topic, id);
        Map<String, Object> props = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all");
        DefaultKafkaProducerFactory<byte[], byte[]> pf =
            new DefaultKafkaProducerFactory<>(props, new ByteArraySerializer(), new ByteArraySerializer());
        try {
            KafkaTemplate<byte[], byte[]> template = new KafkaTemplate<>(pf);
            DeadLetterPublishingRecoverer recoverer =
                new DeadLetterPublishingRecoverer(template, (cr, e) -> new TopicPartition(dlt, -1));
            Exception cause = new IllegalStateException("card 4111 declined by gateway 42");
            recoverer.accept(failed, new ListenerExecutionFailedException("Listener failed", "payments-listener", cause));
            template.flush();
        } finally {
            pf.destroy();
        }
    }

    /** readBack reads TOPIC from the start until the record whose eventId header is id. */
    static ConsumerRecord<byte[], byte[]> readBack(String bootstrap, String topic, String id) {
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (KafkaConsumer<byte[], byte[]> consumer =
                 new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            for (PartitionInfo pi : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
                parts.add(new TopicPartition(topic, pi.partition()));
            }
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            long deadline = System.currentTimeMillis() + 60_000;
            while (System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    Header h = r.headers().lastHeader("eventId");
                    if (h != null && id.equals(new String(h.value(), StandardCharsets.UTF_8))) {
                        return r;
                    }
                }
            }
        }
        throw new IllegalStateException("record " + id + " not read back from " + topic + " in 60 s");
    }
}
