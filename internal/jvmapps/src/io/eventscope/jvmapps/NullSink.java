package io.eventscope.jvmapps;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;

/**
 * A sink connector that drops what it gets: the Connect worker's own
 * converter and error handling (not the connector) dead-letter records.
 */
public final class NullSink extends SinkConnector {
    private Map<String, String> props;

    @Override public String version() { return "1"; }
    @Override public void start(Map<String, String> props) { this.props = props; }
    @Override public Class<? extends Task> taskClass() { return NullTask.class; }
    @Override public List<Map<String, String>> taskConfigs(int max) { return List.of(props); }
    @Override public void stop() {}
    @Override public ConfigDef config() { return new ConfigDef(); }

    /** The task of NullSink. */
    public static final class NullTask extends SinkTask {
        @Override public String version() { return "1"; }
        @Override public void start(Map<String, String> props) {}
        @Override public void put(Collection<SinkRecord> records) {}
        @Override public void stop() {}
    }
}
