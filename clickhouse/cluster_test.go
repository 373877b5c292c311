package clickhouse

import (
	"strings"
	"testing"
)

// TestClusterRewrite: every statement of every embedded migration (and of
// migrations added later in the same style) has a cluster form, and the
// forms are the ones docs/DEPLOY.md describes.
var hostSetNames = map[hostSet]string{onAll: "all", onReplicas: "replicas", onShards: "shards"}

func TestClusterRewrite(t *testing.T) {
	c, err := newClusterDDL("es", "db")
	if err != nil {
		t.Fatal(err)
	}
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	var all []string
	for _, m := range ms {
		for _, st := range append(m.statements(false), m.statements(true)...) {
			out, err := c.rewrite(st)
			if err != nil || out == nil {
				t.Errorf("%s: %v, %v for %.60q", m.name, out, err, st)
				continue
			}
			for _, o := range out {
				if strings.Contains(o.sql, "ON CLUSTER") {
					t.Errorf("%s: ON CLUSTER: %s", m.name, o.sql)
				}
				all = append(all, hostSetNames[o.hosts]+" "+o.table+": "+o.sql)
			}
		}
	}
	text := strings.Join(all, "\n;\n")
	for _, want := range []string{
		"replicas : CREATE TABLE IF NOT EXISTS `db`.events_local (",
		"ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/db/events_local', '{replica}', ingested_at_ns)",
		"all : CREATE TABLE IF NOT EXISTS `db`.events AS `db`.events_local ENGINE = Distributed(es, db, events_local, cityHash64(flow_id))",
		"ENGINE = ReplicatedAggregatingMergeTree('/clickhouse/tables/{shard}/db/flow_summary_local', '{replica}')",
		"all : CREATE MATERIALIZED VIEW IF NOT EXISTS `db`.flow_summary_mv TO `db`.flow_summary_local AS",
		"FROM `db`.flow_rows_local\nGROUP BY flow_id",
		"FROM `db`.events_local",
		"all : CREATE TABLE IF NOT EXISTS `db`.flow_rows_local (",
		") ENGINE = Null",
		"Distributed(es, db, topic_rows_local, cityHash64(topic))",
		"Distributed(es, db, topic_buckets_local, cityHash64(bucket, topic))",
		"Distributed(es, db, positions_local, cityHash64(topic, kafka_partition, grp, at_ns))",
		"all : ALTER TABLE `db`.flow_rows_local ADD COLUMN w_id_topics Array(UInt64)",
		"shards event_classes_local: ALTER TABLE `db`.event_classes_local ADD COLUMN event_id String",
		"all : DROP TABLE IF EXISTS `db`.flow_rows\n",
		"all : DROP TABLE IF EXISTS `db`.flow_summary_mv\n",
	} {
		if !strings.Contains(text+"\n", want) {
			t.Errorf("no %q in\n%s", want, text)
		}
	}

	for st, want := range map[string]string{
		"CREATE DATABASE IF NOT EXISTS `x`":   "all : CREATE DATABASE IF NOT EXISTS `x` ",
		"DROP DATABASE IF EXISTS `x`":         "all : DROP DATABASE IF EXISTS `x`",
		"ALTER TABLE events DROP PARTITION ?": "shards events_local: ALTER TABLE `db`.events_local DROP PARTITION ?",
		"TRUNCATE TABLE flow_times":           "shards flow_times_local: TRUNCATE TABLE `db`.flow_times_local",
	} {
		out, err := c.rewrite(st)
		if err != nil || len(out) != 1 || hostSetNames[out[0].hosts]+" "+out[0].table+": "+out[0].sql != want {
			t.Errorf("rewrite(%q) = %v, %v; want %q", st, out, err, want)
		}
	}
	for _, st := range []string{"SELECT 1 FROM events", "INSERT INTO events (flow_id) SELECT '' AS flow"} {
		if out, err := c.rewrite(st); out != nil || err != nil {
			t.Errorf("rewrite(%q) = %v, %v; want nil: not DDL", st, out, err)
		}
	}
	for q, want := range map[string]string{
		"SELECT 1 FROM events WHERE flow_id IN (SELECT flow_id FROM flow_times) AND p NOT IN (\n  SELECT x FROM y)": "SELECT 1 FROM events WHERE flow_id GLOBAL IN (SELECT flow_id FROM flow_times) AND p GLOBAL NOT IN (SELECT x FROM y)",
		"SELECT 1 WHERE a GLOBAL IN (SELECT 1) AND b IN ? AND c IN (1, 2)":                                          "SELECT 1 WHERE a GLOBAL IN (SELECT 1) AND b IN ? AND c IN (1, 2)",
	} {
		if got := globalIn(q); got != want {
			t.Errorf("globalIn(%q) = %q, want %q", q, got, want)
		}
	}
	if _, err := c.rewrite("CREATE TABLE t (a Int8) ENGINE = Memory"); err == nil {
		t.Error("a Memory table got a cluster form")
	}
	if _, err := c.rewrite("RENAME TABLE a TO b"); err == nil {
		t.Error("RENAME got a cluster form")
	}
}
