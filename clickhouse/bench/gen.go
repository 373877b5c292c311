package main

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/internal/benchshop"
	"github.com/eventscope/eventscope/sim"
)

const (
	partitions = 12
	// activeFlows are the flows in progress at once: each event comes from
	// one of them at random, so a flow's events are interleaved with
	// hundreds of others and spread over several writes.
	activeFlows = 500
	// faultRate is the per-flow probability of each anomaly, the demo's
	// (sim.DefaultFaults: 4% duplicate, out of order, orphan, dead letter).
	faultRate = 0.04
	// sampleSize bounds the known IDs kept for the reads.
	sampleSize = 4096
)

// gen makes events shaped like production: random UUIDs, flows of flowSize
// events (a causal chain over the seven services, keyed by the flow's ID)
// interleaved with activeFlows others, event times spread over span, JSON
// payloads of payloadSize bytes, and the demo's anomaly mix. It keeps a
// sample of the IDs it made for the reads.
type gen struct {
	events, flows, flowSize, payloadSize int
	start                                time.Time
	span                                 time.Duration
	rnd                                  *rand.Rand
	offsets                              map[string]int64
	pad                                  string

	made   int // events made
	nflows int // flows started
	known  known
	// until, when set, ends batches after the first batch that finishes
	// past it (a load cut short by -load-for); made then says how many
	// events were written, and a -reads-only run given -events made
	// regenerates the same IDs.
	until time.Time
}

// known is what the reads look up: a reservoir sample of flows and events.
type known struct {
	flows, events, keys []string
	seen                int
}

type genFlow struct {
	id, lastID    string
	next          int
	lastAt        time.Time
	partition     int32
	faults        [4]int // step of each fault (-1: none): duplicate, out of order, orphan, dead letter
	dupOf         *event.Event
	firstEventIDs []string
}

func newGen(events, flowSize, payloadSize int, start time.Time, span time.Duration) *gen {
	return &gen{
		events: events, flows: (events + flowSize - 1) / flowSize, flowSize: flowSize, payloadSize: payloadSize,
		start: start, span: span, rnd: rand.New(rand.NewPCG(12, 100)), offsets: map[string]int64{},
		pad: strings.Repeat("x", payloadSize),
	}
}

func (g *gen) uuid() string {
	var b [16]byte
	a, c := g.rnd.Uint64(), g.rnd.Uint64()
	for i := range 8 {
		b[i], b[8+i] = byte(a>>(8*i)), byte(c>>(8*i))
	}
	return sim.FormatUUID(b)
}

func (g *gen) newFlow() *genFlow {
	f := &genFlow{id: g.uuid(), partition: int32(g.rnd.IntN(partitions))}
	for k := range f.faults {
		f.faults[k] = -1
		if g.rnd.Float64() < faultRate {
			f.faults[k] = 1 + g.rnd.IntN(g.flowSize-1)
		}
	}
	g.nflows++
	return f
}

// clock is the event time of the made-th event: evenly over the span.
func (g *gen) clock() time.Time {
	return g.start.Add(time.Duration(float64(g.span) * float64(g.made) / float64(max(g.events, 1))))
}

func (g *gen) record(f *genFlow, topic, source, typ, id, cause string, at time.Time) event.Event {
	coord := fmt.Sprintf("%s/%d", topic, f.partition)
	off := g.offsets[coord]
	g.offsets[coord] = off + 1
	v := fmt.Sprintf(`{"eventId":%q,"eventType":%q,"producer":%q,"data":{"orderId":%q,"step":%d,"note":"`,
		id, typ, source, f.id, f.next)
	v += g.pad[:max(0, g.payloadSize-len(v)-3)] + `"}}`
	return event.Event{
		EventID: id, CorrelationID: f.id, CausationID: cause, Type: typ, Version: "1",
		Source: source, Time: at, Topic: topic, Partition: f.partition, Offset: off, Key: f.id,
		KafkaTime: at, IngestedAt: at.Add(20 * time.Millisecond),
		Headers: []event.Header{
			{Key: "content-type", Value: "application/json"},
			{Key: "correlation-id", Value: f.id},
			{Key: "causation-id", Value: cause},
		},
		Payload: []byte(v), PayloadSize: len(v), ContentType: "application/json", Convention: "headers",
	}
}

// next makes the next event(s) of a random active flow.
func (g *gen) next(active []*genFlow, out []event.Event) []event.Event {
	i := g.rnd.IntN(len(active))
	f := active[i]
	svc := benchshop.Services[f.next%len(benchshop.Services)]
	topic := svc.Topic
	at := g.clock()
	id, cause := g.uuid(), f.lastID
	switch f.next {
	case f.faults[1]:
		at = f.lastAt.Add(-time.Second) // before its cause
	case f.faults[2]:
		cause = g.uuid() // a cause never published
	case f.faults[3]:
		topic = benchshop.DLTTopic
	}
	e := g.record(f, topic, svc.Source, svc.Type, id, cause, at)
	out = append(out, e)
	g.sample(f.id, id)
	g.made++
	if f.next == f.faults[0] { // published twice: same event, another record
		d := g.record(f, topic, svc.Source, svc.Type, id, cause, at.Add(time.Millisecond))
		out = append(out, d)
		g.made++
	}
	f.next++
	f.lastID, f.lastAt = id, at
	if f.next == g.flowSize {
		active[i] = g.newFlow()
	}
	return out
}

// sample keeps a uniform sample of the flows and events made.
func (g *gen) sample(flow, id string) {
	k := &g.known
	k.seen++
	if len(k.events) < sampleSize {
		k.events, k.flows, k.keys = append(k.events, id), append(k.flows, flow), append(k.keys, flow)
		return
	}
	if j := g.rnd.IntN(k.seen); j < sampleSize {
		k.events[j], k.flows[j], k.keys[j] = id, flow, flow
	}
}

// batches calls fn with consecutive batches of size events until events
// were made or fn fails.
func (g *gen) batches(size int, fn func([]event.Event) error) error {
	active := make([]*genFlow, activeFlows)
	for i := range active {
		active[i] = g.newFlow()
	}
	b := make([]event.Event, 0, size+1)
	for g.made < g.events {
		b = g.next(active, b)
		if len(b) >= size {
			if err := fn(b); err != nil {
				return err
			}
			b = b[:0]
			if !g.until.IsZero() && time.Now().After(g.until) {
				return nil
			}
		}
	}
	if len(b) > 0 {
		return fn(b)
	}
	return nil
}
