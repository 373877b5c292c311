package clickhouse

import (
	"strings"
	"testing"
)

// TestClusterRewrite: every statement of every embedded migration (and of
// migrations added later in the same style) has a cluster form, and the
// forms are the ones docs/DEPLOY.md describes.
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
			if err != nil {
				t.Errorf("%s: %v", m.name, err)
				continue
			}
			for _, o := range out {
				if !strings.Contains(o, " ON CLUSTER es ") && !strings.HasPrefix(o, eachHost) {
					t.Errorf("%s: not ON CLUSTER: %s", m.name, o)
				}
			}
			all = append(all, out...)
		}
	}
	text := strings.Join(all, "\n;\n")
	for _, want := range []string{
		eachHost + "CREATE TABLE IF NOT EXISTS `db`.events_local (",
		"ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/db/events_local', '{replica}', ingested_at_ns)",
		"CREATE TABLE IF NOT EXISTS `db`.events ON CLUSTER es AS `db`.events_local ENGINE = Distributed(es, db, events_local, cityHash64(flow_id))",
		"ENGINE = ReplicatedAggregatingMergeTree('/clickhouse/tables/{shard}/db/flow_summary_local', '{replica}')",
		"CREATE MATERIALIZED VIEW IF NOT EXISTS `db`.flow_summary_mv ON CLUSTER es TO `db`.flow_summary_local AS",
		"FROM `db`.flow_rows_local\nGROUP BY flow_id",
		"FROM `db`.events_local",
		eachHost + "CREATE TABLE IF NOT EXISTS `db`.flow_rows_local (",
		") ENGINE = Null",
		"Distributed(es, db, topic_rows_local, cityHash64(topic))",
		"Distributed(es, db, topic_buckets_local, cityHash64(bucket, topic))",
		"Distributed(es, db, positions_local, cityHash64(topic, kafka_partition, grp, at_ns))",
		eachHost + "ALTER TABLE `db`.flow_rows_local ADD COLUMN w_id_topics Array(UInt64)",
		"ALTER TABLE `db`.event_classes_local ON CLUSTER es ADD COLUMN event_id String",
		"DROP TABLE IF EXISTS `db`.flow_rows ON CLUSTER es",
		"DROP TABLE IF EXISTS `db`.flow_summary_mv ON CLUSTER es",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("no %q in\n%s", want, text)
		}
	}

	for st, want := range map[string]string{
		"CREATE DATABASE IF NOT EXISTS `x`":              "CREATE DATABASE IF NOT EXISTS `x` ON CLUSTER es ",
		"ALTER TABLE events DROP PARTITION ?":            "ALTER TABLE `db`.events_local ON CLUSTER es DROP PARTITION ?",
		"TRUNCATE TABLE flow_times":                      "TRUNCATE TABLE `db`.flow_times_local ON CLUSTER es ",
		"SELECT 1 FROM events":                           "SELECT 1 FROM events",
		"INSERT INTO events (flow_id) SELECT '' AS flow": "INSERT INTO events (flow_id) SELECT '' AS flow",
	} {
		out, err := c.rewrite(st)
		if err != nil || len(out) != 1 || out[0] != want {
			t.Errorf("rewrite(%q) = %q, %v; want %q", st, out, err, want)
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
