package io.eventscope.jvmapps;

import java.io.File;
import java.io.FileWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.connect.cli.ConnectStandalone;

/**
 * connectdlq BOOTSTRAP TOPIC DLQ FLOW PORT: a real Kafka Connect worker
 * (standalone, REST on 127.0.0.1:PORT) runs a sink connector (NullSink)
 * on TOPIC with JsonConverter values (schemas on), errors.tolerance=all
 * and a dead-letter queue DLQ with context headers. One record of flow
 * FLOW whose value is not JSON is produced to TOPIC: the converter fails
 * and the worker writes the record to DLQ with its __connect.errors.*
 * headers. It exits once the dead letter can be read back from DLQ (or
 * fails after 150 s).
 */
final class ConnectDlq {
    private ConnectDlq() {}

    static void run(String bootstrap, String topic, String dlq, String flow, String port) throws Exception {
        File dir = Files.createTempDirectory("eventscope-connect").toFile();
        Properties w = new Properties();
        w.put("bootstrap.servers", bootstrap);
        w.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        w.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        w.put("value.converter.schemas.enable", "true");
        w.put("offset.storage.file.filename", new File(dir, "offsets").getPath());
        w.put("offset.flush.interval.ms", "1000");
        w.put("listeners", "http://127.0.0.1:" + port);
        w.put("plugin.discovery", "only_scan");
        Properties c = new Properties();
        c.put("name", "eventscope-null-sink");
        c.put("connector.class", "io.eventscope.jvmapps.NullSink");
        c.put("tasks.max", "1");
        c.put("topics", topic);
        c.put("consumer.override.auto.offset.reset", "earliest");
        c.put("errors.tolerance", "all");
        c.put("errors.deadletterqueue.topic.name", dlq);
        c.put("errors.deadletterqueue.topic.replication.factor", "1");
        c.put("errors.deadletterqueue.context.headers.enable", "true");
        File wf = write(dir, "worker.properties", w), cf = write(dir, "sink.properties", c);

        RecordHeaders hs = new RecordHeaders();
        hs.add("correlationId", flow.getBytes(StandardCharsets.UTF_8));
        hs.add("eventId", (flow + "-ship").getBytes(StandardCharsets.UTF_8));
        hs.add("eventType", "ShipmentBooked".getBytes(StandardCharsets.UTF_8));
        try (KafkaProducer<byte[], byte[]> p = Main.producer(bootstrap)) {
            byte[] bad = "shipment 7 booked, not JSON".getBytes(StandardCharsets.UTF_8);
            p.send(new ProducerRecord<>(topic, null, ("ship-" + flow).getBytes(StandardCharsets.UTF_8), bad, hs)).get();
        }
        Thread worker = new Thread(() -> {
            try {
                ConnectStandalone.main(new String[] {wf.getPath(), cf.getPath()});
            } catch (Exception e) {
                e.printStackTrace();
                System.exit(2);
            }
        });
        worker.setDaemon(true);
        worker.start();
        long deadline = System.currentTimeMillis() + 150_000;
        while (System.currentTimeMillis() < deadline) {
            if (hasPartitions(bootstrap, dlq)) {
                DeadLetter.readBack(bootstrap, dlq, flow + "-ship");
                System.err.println("connectdlq: dead letter on " + dlq);
                System.exit(0);
            }
            Thread.sleep(500);
        }
        System.err.println("connectdlq: no dead letter on " + dlq + " in 150 s");
        System.exit(3);
    }

    /** hasPartitions reports whether topic exists (without creating it). */
    static boolean hasPartitions(String bootstrap, String topic) throws Exception {
        Properties a = new Properties();
        a.put("bootstrap.servers", bootstrap);
        try (Admin admin = Admin.create(a)) {
            return admin.listTopics().names().get().contains(topic);
        }
    }

    static File write(File dir, String name, Properties p) throws IOException {
        File f = new File(dir, name);
        try (FileWriter out = new FileWriter(f, StandardCharsets.UTF_8)) {
            p.store(out, null);
        }
        return f;
    }
}
