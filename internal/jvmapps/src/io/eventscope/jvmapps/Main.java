package io.eventscope.jvmapps;

import com.example.shop.OrderPlaced;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.storage.SimpleHeaderConverter;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.springframework.kafka.support.serializer.JacksonJsonSerializer;

/**
 * Real JVM producers for eventscope's integration tests (issue 24). Each
 * mode writes records with the real library so that the tests check
 * eventscope against the bytes those libraries produce, not hand-typed ones:
 *
 *   connect BOOTSTRAP TOPIC FLOW   records serialised by Kafka Connect's JsonConverter
 *   spring  BOOTSTRAP TOPIC FLOW   a record serialised by Spring Kafka's JSON serializer
 *   springdlt BOOTSTRAP TOPIC DLT FLOW  a record dead-lettered by Spring Kafka's DeadLetterPublishingRecoverer (DeadLetter.java)
 *   connectdlq BOOTSTRAP TOPIC DLQ FLOW PORT  a Kafka Connect worker that dead-letters a record (ConnectDlq.java)
 *   streams BOOTSTRAP APP IN OUT N a Kafka Streams topology, run until it processed N records
 */
public final class Main {
    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "connect" -> connect(args[1], args[2], args[3]);
            case "spring" -> spring(args[1], args[2], args[3]);
            case "springdlt" -> DeadLetter.spring(args[1], args[2], args[3], args[4]);
            case "connectdlq" -> ConnectDlq.run(args[1], args[2], args[3], args[4], args[5]);
            case "streams" -> streams(args[1], args[2], args[3], args[4], Integer.parseInt(args[5]));
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        }
    }

    static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    static JsonConverter converter(boolean schemas, boolean isKey) {
        JsonConverter c = new JsonConverter();
        c.configure(Map.of("schemas.enable", Boolean.toString(schemas)), isKey);
        return c;
    }

    /**
     * What a Debezium outbox pipeline with Connect's JsonConverter (schemas
     * on) writes: the key an envelope around the aggregate ID, the value an
     * envelope around the business payload, which is a struct, a string
     * holding JSON (io.debezium.data.Json), an array or a scalar; the event
     * IDs in headers written by Connect's SimpleHeaderConverter. The last
     * record has schemas off: its key is a JSON string.
     */
    static void connect(String bootstrap, String topic, String flow) throws Exception {
        JsonConverter keys = converter(true, true), values = converter(true, false);
        JsonConverter plainKeys = converter(false, true);
        SimpleHeaderConverter hc = new SimpleHeaderConverter();
        hc.configure(Map.of());
        Schema payment = SchemaBuilder.struct().name("shop.PaymentProcessed")
            .field("paymentId", Schema.STRING_SCHEMA).field("orderId", Schema.STRING_SCHEMA)
            .field("card", SchemaBuilder.struct().field("number", Schema.STRING_SCHEMA).build())
            .field("amount", Schema.FLOAT64_SCHEMA).build();
        Struct card = new Struct(payment.field("card").schema()).put("number", "4111111111111111");
        Struct pay = new Struct(payment).put("paymentId", "pay-123").put("orderId", "ord-1")
            .put("card", card).put("amount", 42.5);
        Schema json = SchemaBuilder.string().name("io.debezium.data.Json").version(1).build();
        String receipt = "{\"receiptId\":\"rcpt-9\",\"paymentId\":\"pay-123\",\"card\":{\"number\":\"4111111111111111\"}}";
        Schema lines = SchemaBuilder.array(Schema.STRING_SCHEMA).build();
        Object[][] recs = {
            // key schema, key, value schema, value, event ID, cause, type
            {Schema.STRING_SCHEMA, "pay-123", payment, pay, flow + "-pay", flow + "-order", "PaymentProcessed"},
            {Schema.STRING_SCHEMA, "pay-123", json, receipt, flow + "-receipt", flow + "-pay", "ReceiptIssued"},
            {Schema.STRING_SCHEMA, "pay-123", lines, List.of("pizza", "cola"), flow + "-lines", flow + "-pay", "LinesBilled"},
            {Schema.STRING_SCHEMA, "pay-123", Schema.INT64_SCHEMA, 42L, flow + "-points", flow + "-pay", "PointsAwarded"},
        };
        try (KafkaProducer<byte[], byte[]> p = producer(bootstrap)) {
            for (Object[] r : recs) {
                byte[] k = keys.fromConnectData(topic, (Schema) r[0], r[1]);
                byte[] v = values.fromConnectData(topic, (Schema) r[2], r[3]);
                p.send(new ProducerRecord<>(topic, null, k, v, headers(hc, topic, flow, r))).get();
            }
            Object[] plain = {null, null, null, null, flow + "-refund", flow + "-pay", "RefundRequested"};
            byte[] k = plainKeys.fromConnectData(topic, Schema.STRING_SCHEMA, "pay-123");
            byte[] v = converter(false, false).fromConnectData(topic, payment, pay);
            p.send(new ProducerRecord<>(topic, null, k, v, headers(hc, topic, flow, plain))).get();
        }
    }

    static Headers headers(SimpleHeaderConverter hc, String topic, String flow, Object[] r) {
        RecordHeaders hs = new RecordHeaders();
        String[][] kv = {{"id", (String) r[4]}, {"correlationId", flow}, {"causationId", (String) r[5]}, {"eventType", (String) r[6]}};
        for (String[] h : kv) {
            hs.add(h[0], hc.fromConnectHeader(topic, h[0], Schema.STRING_SCHEMA, h[1]));
        }
        return hs;
    }

    /** A record as Spring Kafka's JacksonJsonSerializer writes it: type headers added by the serializer. */
    static void spring(String bootstrap, String topic, String flow) throws Exception {
        try (JacksonJsonSerializer<Object> vs = new JacksonJsonSerializer<>();
             JacksonJsonSerializer<Object> ks = new JacksonJsonSerializer<>();
             KafkaProducer<byte[], byte[]> p = producer(bootstrap)) {
            vs.configure(Map.of(), false);
            ks.configure(Map.of(), true);
            RecordHeaders hs = new RecordHeaders();
            hs.add("correlationId", flow.getBytes(StandardCharsets.UTF_8));
            hs.add("eventId", (flow + "-spring").getBytes(StandardCharsets.UTF_8));
            byte[] k = ks.serialize(topic, hs, "ord-1");
            byte[] v = vs.serialize(topic, hs, new OrderPlaced("ord-1", "ada", 42.5));
            p.send(new ProducerRecord<>(topic, null, k, v, hs)).get();
        }
    }

    /**
     * An enrichment topology: orders are copied, enriched, to OUT
     * (mapValues: the output record keeps the input's headers), and counted
     * per customer after a re-key (a -repartition and a -changelog topic).
     * It stops once N input records went through and were committed.
     */
    static void streams(String bootstrap, String app, String in, String out, int n) throws Exception {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, app);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        p.put(StreamsConfig.STATE_DIR_CONFIG, System.getProperty("java.io.tmpdir") + "/eventscope-streams-" + app);
        p.put(StreamsConfig.consumerPrefix("auto.offset.reset"), "earliest");
        p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
        p.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
        p.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
        StreamsBuilder b = new StreamsBuilder();
        AtomicInteger seen = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(1);
        var orders = b.stream(in, Consumed.with(Serdes.String(), Serdes.String()));
        orders.mapValues(v -> "{\"enriched\":true,\"order\":" + v + "}")
            .to(out, Produced.with(Serdes.String(), Serdes.String()));
        orders.selectKey((k, v) -> v.contains("\"customer\":\"ada\"") ? "ada" : "other")
            .groupByKey()
            .count(Materialized.as("orders-per-customer"))
            .toStream()
            .foreach((k, v) -> {
                if (seen.incrementAndGet() >= n) {
                    done.countDown();
                }
            });
        try (KafkaStreams s = new KafkaStreams(b.build(), p)) {
            s.setStateListener((now, before) -> {
                System.err.println("streams: " + before + " -> " + now);
                if (now == KafkaStreams.State.ERROR) {
                    done.countDown(); // fail fast: seen stays below n
                }
            });
            s.setUncaughtExceptionHandler(e -> {
                e.printStackTrace();
                return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
            });
            s.start();
            if (!done.await(90, TimeUnit.SECONDS) || seen.get() < n) {
                throw new IllegalStateException("streams: " + seen.get() + " of " + n + " records in 90 s");
            }
            s.close(Duration.ofSeconds(30));
            s.cleanUp();
        }
    }
}
