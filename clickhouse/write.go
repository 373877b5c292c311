package clickhouse

import (
	"context"
	"fmt"
	"math"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/eventscope/eventscope/diagnose"
	"github.com/eventscope/eventscope/event"
)

// insertEvents names every column: clickhouse-go's PrepareBatch needs the
// list on 18.x servers, and it keeps writes stable when columns are added.
const insertEvents = `INSERT INTO events (flow_id, topic, kafka_partition, kafka_offset,
event_id, id_source, correlation_id, causation_id, type, version, source,
time_ns, event_time, kafka_time_ns, ingested_at_ns, key, header_keys, header_values,
payload, payload_size, truncated, content_type, convention, decode_error, dead_letter,
payload_raw, key_raw, internal)`

// insertClasses stores the diagnose classes of the records that have one
// (migrations/0009_event_classes.sql, 0010_failure_fields.sql).
const insertClasses = `INSERT INTO event_classes (flow_id, topic, kafka_partition, kafka_offset,
kafka_time_ns, class, reason, event_time, event_id, type, source, time_ns, internal)`

// Write stores events as one batch (one PrepareBatch, Append, Send) and,
// at the same time, the rows the read models gain from them (rollup.go);
// it returns nil only once the server acknowledged both, and the diagnose
// classes of the records that have one (event_classes). Writing a record
// again is harmless: copies collapse on merge, readers never return them,
// and every read-model state is idempotent.
func (s *Store) Write(ctx context.Context, events []event.Event) error {
	if len(events) == 0 {
		return nil
	}
	cfg, ver := s.diag.Current()
	classes := make([]diagnose.Class, len(events))
	k := cfg.Classifier()
	for i := range events {
		classes[i] = k.Classify(&events[i])
	}
	flows := flowsOf(events)
	s.pend.begin(flows)
	defer s.pend.end(flows)
	done := make(chan error, 1)
	go func() {
		if err := s.writeRollup(ctx, rollUp(events, classes)); err != nil {
			done <- fmt.Errorf("write %d events: read models: %w", len(events), err)
			return
		}
		done <- nil
	}()
	if err := s.writeEvents(ctx, events, classes); err != nil {
		<-done
		return err
	}
	if err := s.writeClasses(ctx, events, classes); err != nil {
		<-done
		return fmt.Errorf("write %d events: classes: %w", len(events), err)
	}
	s.fails.forget(events)
	if err := <-done; err != nil {
		return err
	}
	s.steps.add(ver, events, classes) // before end (deferred) marks the flows pending
	s.frozen.written(events)
	return nil
}

// touchFlows marks the flows of events as pending a verdict.
func (s *Store) touchFlows(events []event.Event) { s.pend.touch(flowsOf(events)) }

// flowsOf lists the flows of events, internal records left out (they have
// no verdict).
func flowsOf(events []event.Event) []string {
	var flows []string
	seen := map[string]bool{}
	for i := range events {
		if f := events[i].FlowID(); !events[i].Internal && !seen[f] {
			seen[f] = true
			flows = append(flows, f)
		}
	}
	return flows
}

// writeClasses stores the classes that are not empty.
func (s *Store) writeClasses(ctx context.Context, events []event.Event, classes []diagnose.Class) error {
	var idx []int
	for i := range events {
		if classes[i].Bits() != 0 || classes[i].Reason != "" {
			idx = append(idx, i)
		}
	}
	return insertRows(ctx, s.conn, insertClasses, len(idx), func(b driver.Batch) error {
		for _, i := range idx {
			e := &events[i]
			if err := b.Append(e.FlowID(), e.Topic, e.Partition, e.Offset, nanos(e.KafkaTime), classes[i].Bits(),
				classes[i].Reason, seconds(e.Time), e.EventID, e.Type, e.Source, nanos(e.Time), flag(e.Internal)); err != nil {
				return err
			}
		}
		return nil
	})
}

// writeEvents inserts the events table's rows, a column at a time (one
// typed slice per column instead of an interface value per cell: half
// the encoding's allocations).
func (s *Store) writeEvents(ctx context.Context, events []event.Event, classes []diagnose.Class) error {
	batch, err := s.conn.PrepareBatch(ctx, insertEvents)
	if err != nil {
		return fmt.Errorf("write %d events: prepare: %w", len(events), err)
	}
	if err := appendEvents(batch, events, classes); err != nil {
		_ = batch.Abort()
		return fmt.Errorf("write %d events: append: %w", len(events), err)
	}
	if err := batch.Send(); err != nil {
		return fmt.Errorf("write %d events: %w", len(events), err)
	}
	return nil
}

// appendEvents appends the rows of events to a batch of insertEvents,
// column by column in its order.
func appendEvents(batch driver.Batch, events []event.Event, classes []diagnose.Class) error {
	n := len(events)
	str := func(f func(e *event.Event) string) []string {
		out := make([]string, n)
		for i := range events {
			out[i] = f(&events[i])
		}
		return out
	}
	i64 := func(f func(e *event.Event) int64) []int64 {
		out := make([]int64, n)
		for i := range events {
			out[i] = f(&events[i])
		}
		return out
	}
	u8 := func(f func(i int) bool) []uint8 {
		out := make([]uint8, n)
		for i := range events {
			out[i] = flag(f(i))
		}
		return out
	}
	parts, secs := make([]int32, n), make([]time.Time, n)
	hks, hvs := make([][]string, n), make([][]string, n)
	for i := range events {
		e := &events[i]
		parts[i], secs[i] = e.Partition, seconds(e.Time)
		hks[i], hvs[i] = splitHeaders(e.Headers)
	}
	cols := []any{
		str(func(e *event.Event) string { return e.FlowID() }),
		str(func(e *event.Event) string { return e.Topic }),
		parts,
		i64(func(e *event.Event) int64 { return e.Offset }),
		str(func(e *event.Event) string { return e.EventID }),
		str(func(e *event.Event) string { return e.IDSource }),
		str(func(e *event.Event) string { return e.CorrelationID }),
		str(func(e *event.Event) string { return e.CausationID }),
		str(func(e *event.Event) string { return e.Type }),
		str(func(e *event.Event) string { return e.Version }),
		str(func(e *event.Event) string { return e.Source }),
		i64(func(e *event.Event) int64 { return nanos(e.Time) }),
		secs,
		i64(func(e *event.Event) int64 { return nanos(e.KafkaTime) }),
		i64(func(e *event.Event) int64 { return nanos(e.IngestedAt) }),
		str(func(e *event.Event) string { return e.Key }),
		hks, hvs,
		bytesColumn(func(e *event.Event) []byte { return e.Payload }),
		i64(func(e *event.Event) int64 { return int64(e.PayloadSize) }),
		u8(func(i int) bool { return events[i].Truncated }),
		str(func(e *event.Event) string { return e.ContentType }),
		str(func(e *event.Event) string { return e.Convention }),
		str(func(e *event.Event) string { return e.DecodeError }),
		u8(func(i int) bool { return classes[i].DeadLetter }),
		bytesColumn(func(e *event.Event) []byte { return e.PayloadRaw }),
		str(func(e *event.Event) string { return e.KeyRaw }),
		u8(func(i int) bool { return events[i].Internal }),
	}
	for c, v := range cols {
		col := batch.Column(c)
		switch v := v.(type) {
		case bytesColumn:
			for i := range events {
				if err := col.AppendRow(payloadBytes(v(&events[i]))); err != nil {
					return fmt.Errorf("column %d, %s: %w", c, events[i].Coordinates(), err)
				}
			}
		case [][]string: // row by row: Append of [][]string reflects on every element
			for i := range v {
				if err := col.AppendRow(v[i]); err != nil {
					return fmt.Errorf("column %d, %s: %w", c, events[i].Coordinates(), err)
				}
			}
		default:
			if err := col.Append(v); err != nil {
				return fmt.Errorf("column %d: %w", c, err)
			}
		}
	}
	return nil
}

// bytesColumn is a String column appended row by row from []byte (a
// []string would copy every payload once more).
type bytesColumn func(e *event.Event) []byte

func splitHeaders(hs []event.Header) (keys, values []string) {
	keys = make([]string, len(hs))
	values = make([]string, len(hs))
	for i, h := range hs {
		keys[i], values[i] = h.Key, h.Value
	}
	return keys, values
}

func joinHeaders(keys, values []string) []event.Header {
	if len(keys) == 0 {
		return nil
	}
	hs := make([]event.Header, len(keys))
	for i := range keys {
		hs[i] = event.Header{Key: keys[i]}
		if i < len(values) {
			hs[i].Value = values[i]
		}
	}
	return hs
}

func payloadBytes(p []byte) []byte {
	if p == nil {
		return []byte{}
	}
	return p
}

func flag(b bool) uint8 {
	if b {
		return 1
	}
	return 0
}

// zeroNanos stands for the zero time.Time, which has no UnixNano.
const zeroNanos = math.MinInt64

// nanos is t as Int64 nanoseconds since the epoch (zeroNanos for the zero
// time), the form every time column takes.
func nanos(t time.Time) int64 {
	if t.IsZero() {
		return zeroNanos
	}
	return t.UnixNano()
}

// timeOf reverses nanos.
func timeOf(ns int64) time.Time {
	if ns == zeroNanos {
		return time.Time{}
	}
	return time.Unix(0, ns).UTC()
}

// seconds is t for a DateTime column (whole seconds, 1970 to 2106):
// outside that range it is clamped, which only moves the event's partition.
func seconds(t time.Time) time.Time {
	s := t.Unix()
	if t.IsZero() || s < 0 {
		s = 0
	}
	if s > math.MaxUint32 {
		s = math.MaxUint32
	}
	return time.Unix(s, 0).UTC()
}
