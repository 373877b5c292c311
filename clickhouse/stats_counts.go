package clickhouse

import (
	"context"
	"fmt"
	"maps"
	"math"
	"sync"
	"time"

	"github.com/eventscope/eventscope/event"
)

// statsFreeze: the topic_buckets of arrival older than this are counted
// once per process and kept (frozenCounts); Stats reads only the newer.
const statsFreeze = 10 * time.Minute

// frozenCounts keeps the per-topic distinct-record counts of the
// topic_buckets before upTo. A record written later into one of them (a
// Kafka time that old: a consumer reading from far back) lowers low, and
// the next Stats counts from scratch; retention does the same. (A record
// written by another process into a frozen bucket is counted after this
// process restarts.)
type frozenCounts struct {
	mu     sync.Mutex // held while counting
	upTo   int64
	topics map[string]int64

	lowMu sync.Mutex
	low   int64 // lowest bucket written since the last count
}

// written notes the buckets of events just stored.
func (f *frozenCounts) written(events []event.Event) {
	low := int64(math.MaxInt64)
	for i := range events {
		low = min(low, floorDiv(nanos(events[i].KafkaTime), int64(topicBucket)))
	}
	f.lower(low)
}

// lower notes that buckets from low on changed.
func (f *frozenCounts) lower(low int64) {
	f.lowMu.Lock()
	f.low = min(f.low, low)
	f.lowMu.Unlock()
}

// topicCounts returns the distinct records per topic, from the frozen
// counts and the buckets after them.
func (s *Store) topicCounts(ctx context.Context) (map[string]int64, error) {
	f := &s.frozen
	f.mu.Lock()
	defer f.mu.Unlock()
	f.lowMu.Lock()
	low := f.low
	f.low = math.MaxInt64
	f.lowMu.Unlock()
	if f.topics == nil || low < f.upTo {
		f.topics, f.upTo = map[string]int64{}, math.MinInt64
	}
	if want := floorDiv(time.Now().Add(-statsFreeze).UnixNano(), int64(topicBucket)); want > f.upTo {
		add, err := s.bucketCounts(ctx, f.upTo, want)
		if err != nil {
			f.lower(low) // count these again next time
			return nil, err
		}
		for t, n := range add {
			f.topics[t] += n
		}
		f.upTo = want
	}
	out := maps.Clone(f.topics)
	tail, err := s.bucketCounts(ctx, f.upTo, math.MaxInt64)
	if err != nil {
		return nil, err
	}
	for t, n := range tail {
		out[t] += n
	}
	return out, nil
}

// bucketCounts counts the distinct records per topic of the buckets in
// [from, to) (a range of topic_buckets' primary key).
func (s *Store) bucketCounts(ctx context.Context, from, to int64) (map[string]int64, error) {
	rows, err := s.conn.Query(ctx, `SELECT topic, sum(c) FROM (
  SELECT topic, bucket, uniqExactArrayMerge(records) AS c FROM topic_buckets WHERE bucket >= ? AND bucket < ?
  GROUP BY topic, bucket
) GROUP BY topic`, from, to)
	if err != nil {
		return nil, fmt.Errorf("count topic buckets: %w", err)
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var t string
		var n uint64
		if err := rows.Scan(&t, &n); err != nil {
			return nil, fmt.Errorf("count topic buckets: %w", err)
		}
		out[t] = int64(n)
	}
	return out, rows.Err()
}
