package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/eventscope/eventscope/event"
)

// topics of the synthetic shop: eight, one per kind of step.
var topics = []string{"orders", "payments", "kitchen", "delivery", "loyalty", "notifications", "inventory", "billing"}

const partitions = 12

// gen makes the same synthetic events every time for the same settings:
// flows of flowSize events (a causal chain), their times spread evenly over
// span, each with a 36-character correlation and event ID, a key, three
// headers and a JSON payload of payloadSize bytes.
type gen struct {
	flows, flowSize, payloadSize int
	start                        time.Time
	span                         time.Duration
	offsets                      map[string]int64
	pad                          string
}

func newGen(events, flowSize, payloadSize int, start time.Time, span time.Duration) *gen {
	return &gen{
		flows: (events + flowSize - 1) / flowSize, flowSize: flowSize, payloadSize: payloadSize,
		start: start, span: span, offsets: map[string]int64{},
		pad: strings.Repeat("x", payloadSize),
	}
}

// mix is splitmix64: cheap, deterministic pseudo-random bits.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

func uuid(a, b uint64) string {
	h, l := mix(a*1_000_003+b), mix(a*7_919+b+1)
	return fmt.Sprintf("%08x-%04x-4%03x-a%03x-%012x", h>>32, h>>16&0xffff, h&0xfff, l>>52, l&0xffffffffffff)
}

func (g *gen) correlationID(f int) string { return uuid(uint64(f), 1<<40) }
func (g *gen) eventID(f, i int) string    { return uuid(uint64(f), uint64(i)) }
func (g *gen) key(f int) string           { return fmt.Sprintf("order-%d", f) }

// flowStart spreads flow starts evenly over the span.
func (g *gen) flowStart(f int) time.Time {
	return g.start.Add(time.Duration(int64(g.span) / int64(g.flows) * int64(f)))
}

// flow returns the events of flow f.
func (g *gen) flow(f int) []event.Event {
	corr, key := g.correlationID(f), g.key(f)
	p := int32(mix(uint64(f)) % partitions)
	t := g.flowStart(f)
	trace := fmt.Sprintf("00-%016x%016x-%016x-01", mix(uint64(f)), mix(uint64(f)+1), mix(uint64(f)+2))
	out := make([]event.Event, g.flowSize)
	cause := ""
	for i := range out {
		topic := topics[i%len(topics)]
		coord := fmt.Sprintf("%s/%d", topic, p)
		off := g.offsets[coord]
		g.offsets[coord] = off + 1
		id := g.eventID(f, i)
		t = t.Add(time.Duration(5+mix(uint64(f*100+i))%45) * time.Millisecond)
		typ := fmt.Sprintf("%sStep%d", strings.ToUpper(topic[:1])+topic[1:], i/len(topics))
		payload := fmt.Sprintf(`{"orderId":%q,"eventId":%q,"type":%q,"amount":%d,"note":"`, key, id, typ, mix(uint64(i))%10000)
		if n := g.payloadSize - len(payload) - 2; n > 0 {
			payload += g.pad[:n]
		}
		payload += `"}`
		out[i] = event.Event{
			EventID: id, CorrelationID: corr, CausationID: cause, Type: typ, Version: "1",
			Source: topic + "-service", Time: t, Topic: topic, Partition: p, Offset: off, Key: key,
			KafkaTime: t, IngestedAt: t.Add(20 * time.Millisecond),
			Headers: []event.Header{
				{Key: "content-type", Value: "application/json"},
				{Key: "correlation-id", Value: corr},
				{Key: "traceparent", Value: trace},
			},
			Payload: []byte(payload), PayloadSize: len(payload),
			ContentType: "application/json", Convention: "headers",
		}
		cause = id
	}
	return out
}

// batches calls fn with consecutive batches of about size events, whole
// flows each, until every flow was made or fn fails.
func (g *gen) batches(size int, fn func([]event.Event) error) error {
	var b []event.Event
	for f := range g.flows {
		b = append(b, g.flow(f)...)
		if len(b) >= size {
			if err := fn(b); err != nil {
				return err
			}
			b = b[:0]
		}
	}
	if len(b) > 0 {
		return fn(b)
	}
	return nil
}
