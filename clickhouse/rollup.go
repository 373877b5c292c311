package clickhouse

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
	"github.com/go-faster/city"

	"github.com/eventscope/eventscope/diagnose"
	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/store"
)

// The read models' granularity (migrations/0007_read_models.sql).
const (
	topicBucket = 10 * time.Second // topic_buckets: arrival time
	typeMinute  = time.Minute      // type_minutes: arrival time
	valueMinute = time.Minute      // value_minutes: event time
	// typeSampleFirst and typeSampleEvery choose the events of a write
	// whose payload field set type_minutes records, per (type, version,
	// minute): the first few, then one in typeSampleEvery.
	typeSampleFirst = 4
	typeSampleEvery = 16
)

// hashString is ClickHouse's cityHash64 of s: the hash of IDs in
// flow_summary, the same in Go (Write) and SQL (the backfill).
func hashString(s string) uint64 { return city.CH64([]byte(s)) }

// idTopicHash hashes a record's (event ID, topic) pair, the duplicate
// rule's unit, as idTopicHashSQL does.
func idTopicHash(e *event.Event) uint64 {
	b := make([]byte, 0, len(e.EventID)+1+len(e.Topic))
	return city.CH64(append(append(append(b, e.EventID...), 0), e.Topic...))
}

const idTopicHashSQL = `cityHash64(concat(event_id, '\0', topic))`

// recordHash hashes a record's identity (topic, partition, offset, Kafka
// time) as recordHashSQL does.
func recordHash(e *event.Event) uint64 {
	var buf [128]byte
	b := append(append(buf[:0], e.Topic...), 0)
	b = append(strconv.AppendInt(b, int64(e.Partition), 10), ':')
	b = append(strconv.AppendInt(b, e.Offset, 10), ':')
	b = strconv.AppendInt(b, nanos(e.KafkaTime), 10)
	return city.CH64(b)
}

// recordHashSQL is recordHash on a row of events.
const recordHashSQL = `cityHash64(concat(topic, '\0', toString(kafka_partition), ':', toString(kafka_offset), ':', toString(kafka_time_ns)))`

// Bits of flow_rows.w_flags: what one write shows of a flow on its own. A
// flow can only show an orphan if some write had flagCauseOutside, and an
// out-of-order effect if some write had flagCauseOutside or
// flagLateInWrite (an effect and its cause in one write, in order there,
// stay in order: the cause's earliest record can only be earlier
// elsewhere): anomaly searches merge the arrays of flagged flows only.
// Higher bits are room for per-event classifications.
const (
	flagDeadLetter   = 1 // a record on a dead-letter topic
	flagCauseOutside = 2 // a causation ID no record of the write has as event ID
	flagLateInWrite  = 4 // an effect before its cause's earliest record in the write
	flagCausal       = flagCauseOutside | flagLateInWrite
)

// flowRow is one flow's share of one write (table flow_rows).
type flowRow struct {
	flow                    string
	lastTime                time.Time
	first, last             int64
	records                 []uint64
	ids, causes             []uint64
	idTopics                []uint64 // idTopicHash per record
	idTimes, causeTimes     []int64
	services, types, topics set
	deadLetter              uint8
	flags                   uint64
}

// setFlags computes f.flags from its records.
func (f *flowRow) setFlags() {
	if f.deadLetter != 0 {
		f.flags |= flagDeadLetter
	}
	if len(f.causes) == 0 {
		return
	}
	earliest := make(map[uint64]int64, len(f.ids))
	for i, id := range f.ids {
		if t, ok := earliest[id]; !ok || f.idTimes[i] < t {
			earliest[id] = f.idTimes[i]
		}
	}
	for i, c := range f.causes {
		t, ok := earliest[c]
		switch {
		case !ok:
			f.flags |= flagCauseOutside
		case f.causeTimes[i] < t:
			f.flags |= flagLateInWrite
		}
	}
}

// set is a small insertion-ordered set of strings.
type set struct {
	vals []string
}

func (s *set) add(v string) {
	for _, x := range s.vals {
		if x == v {
			return
		}
	}
	s.vals = append(s.vals, v)
}

func (s *set) list() []string {
	if s.vals == nil {
		return []string{}
	}
	return s.vals
}

type topicKey struct {
	topic  string
	bucket int64
}

type typeKey struct {
	typ, version, fields string
	minute               int64
}

type typeAgg struct {
	lastTime    time.Time
	first, last int64
	records     []uint64
}

type valueKey struct {
	field, value string
	minute       int64
}

// rollup is what one write adds to the read models.
type rollup struct {
	flows  []*flowRow
	topics map[topicKey]*typeAgg
	types  map[typeKey]*typeAgg
	values map[valueKey]time.Time
	// payload: the payload field read model's rows (payload_model.go)
	payload *payloadRows
}

// rollUp computes the read-model rows of a batch. Internal records
// (Event.Internal) are left out, as from every summary and count.
func rollUp(events []event.Event, classes []diagnose.Class) *rollup {
	r := &rollup{topics: map[topicKey]*typeAgg{}, types: map[typeKey]*typeAgg{}, values: map[valueKey]time.Time{}}
	byFlow := map[string]*flowRow{}
	seen := map[typeKey]int{} // (type, version, minute) -> events of this write
	for i := range events {
		e := &events[i]
		if e.Internal { // no part of summaries, searches or counts
			continue
		}
		flow := e.FlowID()
		sec, t, kt := seconds(e.Time), nanos(e.Time), nanos(e.KafkaTime)
		rec := recordHash(e)
		f := byFlow[flow]
		if f == nil {
			f = &flowRow{flow: flow, lastTime: sec, first: t, last: t}
			byFlow[flow] = f
			r.flows = append(r.flows, f)
		}
		f.lastTime = maxTime(f.lastTime, sec)
		f.first, f.last = min(f.first, t), max(f.last, t)
		f.records = append(f.records, rec)
		f.ids, f.idTimes = append(f.ids, hashString(e.EventID)), append(f.idTimes, t)
		f.idTopics = append(f.idTopics, idTopicHash(e))
		if e.CausationID != "" {
			f.causes, f.causeTimes = append(f.causes, hashString(e.CausationID)), append(f.causeTimes, t)
		}
		f.services.add(e.Source)
		f.types.add(e.Type)
		f.topics.add(e.Topic)
		if classes != nil && classes[i].DeadLetter || classes == nil && diagnose.IsDeadLetterTopic(e.Topic) {
			f.deadLetter = 1
		}
		ksec := seconds(e.KafkaTime)
		tk := topicKey{e.Topic, floorDiv(kt, int64(topicBucket))}
		r.topics[tk] = addAgg(r.topics[tk], ksec, kt, rec)
		sk := typeKey{typ: e.Type, version: e.Version, minute: floorDiv(kt, int64(typeMinute))}
		if n := seen[sk]; n < typeSampleFirst || n%typeSampleEvery == 0 {
			tk := sk
			tk.fields = strings.Join(store.FieldSet(e.Payload), ",")
			r.types[tk] = addAgg(r.types[tk], ksec, kt, rec)
		}
		seen[sk]++
		m := floorDiv(t, int64(valueMinute))
		for _, v := range [...]valueKey{{"type", e.Type, m}, {"source", e.Source, m}, {"topic", e.Topic, m}} {
			r.values[v] = maxTime(r.values[v], sec)
		}
	}
	for _, f := range r.flows {
		f.setFlags()
	}
	r.payload = payloadRollUp(events)
	return r
}

func addAgg(a *typeAgg, sec time.Time, ns int64, rec uint64) *typeAgg {
	if a == nil {
		return &typeAgg{lastTime: sec, first: ns, last: ns, records: []uint64{rec}}
	}
	a.lastTime = maxTime(a.lastTime, sec)
	a.first, a.last = min(a.first, ns), max(a.last, ns)
	a.records = append(a.records, rec)
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// floorDiv is a / b rounded down (b > 0).
func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && a < 0 {
		q--
	}
	return q
}

// writeRollup inserts a write's read-model rows, one batch per table, all
// at once.
func (s *Store) writeRollup(ctx context.Context, r *rollup) error {
	inserts := []func(context.Context, driver.Conn, *rollup) error{insertFlows, insertTopics, insertTypes, insertValues,
		insertPayloadPaths, insertPayloadValues}
	errs := make(chan error, len(inserts))
	for _, ins := range inserts {
		go func() { errs <- ins(ctx, s.conn, r) }()
	}
	var first error
	for range inserts {
		if err := <-errs; err != nil && first == nil {
			first = err
		}
	}
	return first
}

// insertFlows inserts the flow_rows of r.
func insertFlows(ctx context.Context, conn driver.Conn, r *rollup) error {
	return insertRows(ctx, conn, `INSERT INTO flow_rows (flow_id, w_last_time, w_first_ns, w_last_ns, w_records,
w_ids, w_id_times, w_causes, w_cause_times, w_services, w_types, w_topics, w_dead_letter, w_flags, w_id_topics)`, len(r.flows), func(b driver.Batch) error {
		for _, f := range r.flows {
			if err := b.Append(f.flow, f.lastTime, f.first, f.last, f.records, f.ids, f.idTimes, f.causes, f.causeTimes,
				f.services.list(), f.types.list(), f.topics.list(), f.deadLetter, f.flags, f.idTopics); err != nil {
				return err
			}
		}
		return nil
	})
}

// insertTopics inserts the topic_rows of r.
func insertTopics(ctx context.Context, conn driver.Conn, r *rollup) error {
	return insertRows(ctx, conn, "INSERT INTO topic_rows (topic, bucket, w_last_time, w_records)", len(r.topics), func(b driver.Batch) error {
		for k, a := range r.topics {
			if err := b.Append(k.topic, k.bucket, a.lastTime, a.records); err != nil {
				return err
			}
		}
		return nil
	})
}

// insertValues inserts the value_minutes of r.
func insertValues(ctx context.Context, conn driver.Conn, r *rollup) error {
	return insertRows(ctx, conn, "INSERT INTO value_minutes (field, value, minute, last_time)", len(r.values), func(b driver.Batch) error {
		for k, t := range r.values {
			if err := b.Append(k.field, k.value, k.minute, t); err != nil {
				return err
			}
		}
		return nil
	})
}

// insertTypes inserts the type_rows of r.
func insertTypes(ctx context.Context, conn driver.Conn, r *rollup) error {
	return insertRows(ctx, conn, `INSERT INTO type_rows (type, version, fields, minute, w_last_time, w_first_ns, w_last_ns, w_records)`,
		len(r.types), func(b driver.Batch) error {
			for k, a := range r.types {
				if err := b.Append(k.typ, k.version, k.fields, k.minute, a.lastTime, a.first, a.last, a.records); err != nil {
					return err
				}
			}
			return nil
		})
}

// insertRows sends one batch of n rows that fill appends.
func insertRows(ctx context.Context, conn driver.Conn, query string, n int, fill func(driver.Batch) error) error {
	if n == 0 {
		return nil
	}
	table := strings.Fields(query)[2]
	b, err := conn.PrepareBatch(ctx, query)
	if err != nil {
		return fmt.Errorf("%s: prepare: %w", table, err)
	}
	if err := fill(b); err != nil {
		_ = b.Abort()
		return fmt.Errorf("%s: append: %w", table, err)
	}
	if err := b.Send(); err != nil {
		return fmt.Errorf("%s: send %s rows: %w", table, strconv.Itoa(n), err)
	}
	return nil
}
