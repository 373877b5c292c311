package clickhouse

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/eventscope/eventscope/store"
)

// backfills run after a migration's statements and before it is recorded:
// they fill new tables from what the database already holds.
//
// The read models of 0007 are backfilled after 0008, which added
// flow_rows.w_id_topics that the backfill fills: an upgrade from before
// 0007 runs both, then the backfill. (backfill_done keeps the name
// 0007_read_models, so a database that ran it at 0007 skips it.)
var backfills = map[uint32]func(ctx context.Context, conn driver.Conn, log *slog.Logger) error{
	8:  backfillReadModels,
	12: backfillVerdicts,
	13: backfillPayloadFields,
	14: addTextIndex,
}

// backfillDoneTable records the partitions each backfill has done.
const backfillDoneTable = `CREATE TABLE IF NOT EXISTS backfill_done (
    name String, part UInt32, done_at DateTime
) ENGINE = ReplacingMergeTree ORDER BY (name, part)`

// floorSQL is intDiv rounding down, like floorDiv.
func floorSQL(col string, d time.Duration) string {
	n := fmt.Sprint(int64(d))
	return "(intDiv(" + col + ", " + n + ") - (" + col + " % " + n + " < 0))"
}

// backfillReadModels fills the read models of migration 0005 from events,
// one day partition at a time, recording each partition done in
// backfill_done: a run stopped half way resumes at the first partition not
// done, and one done twice only repeats idempotent states.
func backfillReadModels(ctx context.Context, conn driver.Conn, log *slog.Logger) error {
	const name = "0007_read_models"
	// events.summary (0001) fed the summaries that flow_summary now holds:
	// every write paid for it. 18.16 has no DROP COLUMN IF EXISTS.
	var has uint64
	if err := conn.QueryRow(ctx, `SELECT count() FROM system.columns
WHERE database = currentDatabase() AND table = 'events' AND name = 'summary'`).Scan(&has); err != nil {
		return fmt.Errorf("backfill: %w", err)
	}
	if has > 0 {
		if err := conn.Exec(ctx, "ALTER TABLE events DROP COLUMN summary"); err != nil {
			return fmt.Errorf("drop events.summary: %w", err)
		}
	}
	if err := conn.Exec(ctx, backfillDoneTable); err != nil {
		return fmt.Errorf("backfill: %w", err)
	}
	parts, err := queryCol[uint32](ctx, conn, `SELECT DISTINCT toUInt32(partition) AS p FROM system.parts
WHERE database = currentDatabase() AND table = 'events' AND active
AND p NOT IN (SELECT part FROM backfill_done WHERE name = ?)
ORDER BY p`, name)
	if err != nil {
		return fmt.Errorf("backfill: list partitions: %w", err)
	}
	if len(parts) > 0 {
		log.Info("backfilling read models from events", "partitions", len(parts))
	}
	for i, p := range parts {
		start := time.Now()
		if err := backfillPartition(ctx, conn, p); err != nil {
			return fmt.Errorf("backfill partition %d: %w", p, err)
		}
		if err := markBackfilled(ctx, conn, name, p); err != nil {
			return err
		}
		log.Info("backfilled read models", "partition", p, "done", i+1, "of", len(parts),
			"took", time.Since(start).Round(time.Millisecond).String())
	}
	return nil
}

// backfillPartition adds one day of events to the read models.
func backfillPartition(ctx context.Context, conn driver.Conn, p uint32) error {
	where := " FROM events WHERE toYYYYMMDD(event_time) = ? AND internal = 0"
	stmts := []string{
		`INSERT INTO flow_rows (flow_id, w_last_time, w_first_ns, w_last_ns, w_records, w_ids, w_id_times,
w_causes, w_cause_times, w_services, w_types, w_topics, w_dead_letter, w_flags, w_id_topics)
SELECT flow_id, lt, fn, ln, recs, ids, its, cs, cts, svcs, typs, tops, dl,
  bitOr(bitOr(if(dl = 1, ` + fmt.Sprint(flagDeadLetter) + `, 0), if(` + orphanSQL + `, ` + fmt.Sprint(flagCauseOutside) + `, 0)),
    if(` + outOfOrderSQL + `, ` + fmt.Sprint(flagLateInWrite) + `, 0)), idts
FROM (
  SELECT flow_id, max(event_time) AS lt, min(time_ns) AS fn, max(time_ns) AS ln, groupArray(` + recordHashSQL + `) AS recs,
    groupArray(cityHash64(event_id)) AS ids, groupArray(time_ns) AS its,
    groupArrayIf(cityHash64(causation_id), causation_id != '') AS cs, groupArrayIf(time_ns, causation_id != '') AS cts,
    groupUniqArray(source) AS svcs, groupUniqArray(type) AS typs, groupUniqArray(topic) AS tops, max(dead_letter) AS dl,
    groupArray(` + idTopicHashSQL + `) AS idts,
    arrayMap((i, t) -> (i, t), ids, its) AS it, arrayMap((i, t) -> (i, t), cs, cts) AS ct` +
			where + ` GROUP BY flow_id
)`,
		`INSERT INTO topic_rows (topic, bucket, w_last_time, w_records)
SELECT topic, ` + floorSQL("kafka_time_ns", topicBucket) + ` AS b, toDateTime(max(intDiv(kafka_time_ns, 1000000000))),
groupArray(` + recordHashSQL + `)` + where + " GROUP BY topic, b",
		`INSERT INTO value_minutes (field, value, minute, last_time)
SELECT tupleElement(f, 1) AS field, tupleElement(f, 2) AS value, ` + floorSQL("time_ns", valueMinute) + ` AS m, max(event_time)
FROM events ARRAY JOIN [('type', type), ('source', source), ('topic', topic)] AS f
WHERE toYYYYMMDD(event_time) = ? AND internal = 0 GROUP BY field, value, m`,
	}
	for _, st := range stmts {
		if err := conn.Exec(ctx, st, p); err != nil {
			return err
		}
	}
	return backfillTypes(ctx, conn, p)
}

// backfillTypes samples typeSampleFirst events per (type, version) and
// minute of arrival of one day of events for type_minutes.
func backfillTypes(ctx context.Context, conn driver.Conn, p uint32) error {
	rows, err := conn.Query(ctx, `SELECT type, version, payload, kafka_time_ns, `+recordHashSQL+`
FROM events WHERE toYYYYMMDD(event_time) = ? AND internal = 0
LIMIT ? BY type, version, `+floorSQL("kafka_time_ns", typeMinute), p, typeSampleFirst)
	if err != nil {
		return err
	}
	defer rows.Close()
	r := &rollup{types: map[typeKey]*typeAgg{}}
	for rows.Next() {
		var typ, version, payload string
		var kt int64
		var rec uint64
		if err := rows.Scan(&typ, &version, &payload, &kt, &rec); err != nil {
			return err
		}
		k := typeKey{typ, version, strings.Join(store.FieldSet([]byte(payload)), ","), floorDiv(kt, int64(typeMinute))}
		r.types[k] = addAgg(r.types[k], seconds(timeOf(kt)), kt, rec)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return insertTypes(ctx, conn, r)
}

// queryCol runs a query selecting one column of T.
func queryCol[T any](ctx context.Context, conn driver.Conn, query string, args ...any) ([]T, error) {
	rows, err := conn.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		var v T
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
