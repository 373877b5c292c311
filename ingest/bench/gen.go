package main

import (
	"fmt"
	mrand "math/rand/v2"
	"strings"
	"time"

	"github.com/IBM/sarama"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/internal/benchshop"
	"github.com/eventscope/eventscope/sim"
)

const (
	partitions = 3
	valueSize  = 300
	// activeFlows are the flows in progress at once: each record comes
	// from one of them at random, so a flow's events arrive interleaved
	// with hundreds of others, as a busy cluster delivers them.
	activeFlows = 500
)

// rec is one generated Kafka record.
type rec struct {
	topic   string // without the run's prefix
	key     string
	value   []byte
	headers []sarama.RecordHeader
	eventID string
}

// genFlow is a flow being generated.
type genFlow struct {
	id     string
	next   int // index of its next event
	lastID string
	lastAt time.Time
	svc0   int // which service its first event comes from
}

// generate returns n records: flows of flowSize events with random UUID
// IDs, spread over the 7 business topics (and their partitions, keyed by
// the flow's ID) and interleaved, event times over the 3 days before now,
// and the demo's anomaly mix: about 1% orphans (a cause never published),
// 1% out-of-order effects (timed before their cause), 0.5% duplicate
// publications of an event and 1% dead letters.
func generate(n, flowSize int, seed uint64) []rec {
	rnd := mrand.New(mrand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	pad := strings.Repeat("x", valueSize)
	now := time.Now().UTC()
	newFlow := func() *genFlow {
		return &genFlow{id: sim.NewUUID(), lastAt: now.Add(-time.Duration(rnd.Int64N(int64(72 * time.Hour)))),
			svc0: rnd.IntN(len(benchshop.Services))}
	}
	active := make([]*genFlow, activeFlows)
	for i := range active {
		active[i] = newFlow()
	}
	out := make([]rec, 0, n)
	for len(out) < n {
		i := rnd.IntN(len(active))
		f := active[i]
		svc := benchshop.Services[(f.svc0+f.next)%len(benchshop.Services)]
		topic := svc.Topic
		if rnd.IntN(100) == 0 {
			topic = benchshop.DLTTopic
		}
		id := sim.NewUUID()
		cause := f.lastID
		switch {
		case f.next > 0 && rnd.IntN(100) == 0:
			cause = sim.NewUUID() // an orphan: its cause is never published
		}
		at := f.lastAt.Add(time.Duration(10+rnd.IntN(490)) * time.Millisecond)
		if f.next > 0 && rnd.IntN(100) == 0 {
			at = f.lastAt.Add(-time.Second) // out of order
		}
		v := fmt.Sprintf(`{"eventId":"%s","eventType":"%s","producer":"%s","timestamp":"%s","data":{"orderId":"%s","step":%d,"pad":"`,
			id, svc.Type, svc.Source, at.Format(time.RFC3339Nano), f.id, f.next)
		v += pad[:max(0, valueSize-len(v)-3)] + `"}}`
		hs := []sarama.RecordHeader{
			{Key: []byte("content-type"), Value: []byte("application/json")},
			{Key: []byte("correlation-id"), Value: []byte(f.id)},
		}
		if cause != "" {
			hs = append(hs, sarama.RecordHeader{Key: []byte("causation-id"), Value: []byte(cause)})
		}
		r := rec{topic: topic, key: f.id, value: []byte(v), headers: hs, eventID: id}
		out = append(out, r)
		if rnd.IntN(200) == 0 && len(out) < n {
			out = append(out, r) // published twice
		}
		f.next++
		f.lastID, f.lastAt = id, at
		if f.next == flowSize {
			active[i] = newFlow()
		}
	}
	return out
}

// topics returns the full names of the run's topics.
func topics(prefix string) []string {
	out := []string{prefix + benchshop.DLTTopic}
	for _, s := range benchshop.Services {
		out = append(out, prefix+s.Topic)
	}
	return out
}

// decodeAll decodes the records as the tracer would see them, with the
// partitions the producer's hash partitioner gave them and offsets counted
// per partition: the rows of the raw inserts.
func decodeAll(recs []rec, prefix string) []event.Event {
	dec := event.NewDecoder(event.Config{})
	next := map[string]int64{}
	parts := map[string]sarama.Partitioner{}
	now := time.Now()
	out := make([]event.Event, len(recs))
	for i, r := range recs {
		topic := prefix + r.topic
		p, ok := parts[topic]
		if !ok {
			p = sarama.NewHashPartitioner(topic)
			parts[topic] = p
		}
		part, _ := p.Partition(&sarama.ProducerMessage{Key: sarama.StringEncoder(r.key)}, partitions)
		k := fmt.Sprintf("%s/%d", topic, part)
		hs := make([]event.Header, len(r.headers))
		for j, h := range r.headers {
			hs[j] = event.Header{Key: string(h.Key), Value: string(h.Value)}
		}
		out[i] = dec.Decode(event.Record{Topic: topic, Partition: part, Offset: next[k], Key: []byte(r.key),
			Value: r.value, Headers: hs, Timestamp: now}, now)
		next[k]++
	}
	return out
}
