// Package redrive re-publishes dead-lettered records to the topic they
// were dead-lettered from: it reads the original topic from the
// dead-letter headers the common producers write, and builds the record to
// produce (the stored key, value and headers, plus where it came from and
// who redrove it). Producing is left to a Producer the binary wires (a
// sarama producer with the consumer's TLS and SASL settings).
package redrive

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/eventscope/eventscope/diagnose"
	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/store"
)

// The audit log's action of a redrive and the result of one that
// produced its record.
const (
	Action   = "redrive"
	ResultOK = "ok"
)

// Headers a redriven record gains.
const (
	// HeaderFrom is the dead-letter record's "topic/partition/offset".
	HeaderFrom = diagnose.RedriveHeader
	// HeaderBy is the user (or "token") who redrove it.
	HeaderBy = "eventscope-redriven-by"
)

// OriginHeaders are the dead-letter headers that name the original topic,
// tried in order: Spring Kafka's DeadLetterPublishingRecoverer, Kafka
// Connect's errors.deadletterqueue.context.headers.enable, and the plain
// convention of hand-written dead-letter producers.
var OriginHeaders = []string{"kafka_dlt-original-topic", "__connect.errors.topic", "dlt-original-topic"}

// Record is what a redrive produces.
type Record struct {
	Topic   string         `json:"topic"`
	Key     []byte         `json:"key"`
	Value   []byte         `json:"value"`
	Headers []event.Header `json:"headers"`
	// From is the dead-letter record; OriginHeader the header that named
	// Topic.
	From         store.Coord `json:"from"`
	OriginHeader string      `json:"origin_header"`
}

// Producer produces one record and returns where it landed.
type Producer interface {
	Produce(ctx context.Context, r Record) (store.Coord, error)
}

// ErrNoOrigin: the record names no original topic.
var ErrNoOrigin = errors.New("the record has no dead-letter header naming its original topic")

// Plan builds the record that redrives e for user with the built-in
// origin headers (see Origins.Plan).
func Plan(e *event.Event, user string) (Record, error) { return Origins(nil).Plan(e, user) }

// Plan builds the record that redrives e for user: e's key, value and
// headers (a redrive header e already carries is replaced) to its original
// topic, named by the headers o gives for e's topic. It refuses a record
// without an original topic, one whose payload was truncated when stored,
// and one that would go back to its own topic.
func (o Origins) Plan(e *event.Event, user string) (Record, error) {
	topic, header := o.Origin(e.Topic, e.Headers)
	if topic == "" {
		return Record{}, fmt.Errorf("%w (%s)", ErrNoOrigin, strings.Join(o.Headers(e.Topic), ", "))
	}
	if topic == e.Topic {
		return Record{}, fmt.Errorf("the original topic %q is the record's own topic", topic)
	}
	if e.Truncated {
		return Record{}, fmt.Errorf("the stored value was truncated (%d bytes): it cannot be produced again", e.PayloadSize)
	}
	from := store.Coord{Topic: e.Topic, Partition: e.Partition, Offset: e.Offset}
	r := Record{Topic: topic, From: from, OriginHeader: header, Key: []byte(e.Key), Value: e.Payload}
	if e.KeyRaw != "" {
		r.Key = []byte(e.KeyRaw)
	}
	if e.PayloadRaw != nil {
		r.Value = e.PayloadRaw
	}
	for _, h := range e.Headers {
		if !strings.EqualFold(h.Key, HeaderFrom) && !strings.EqualFold(h.Key, HeaderBy) {
			r.Headers = append(r.Headers, h)
		}
	}
	r.Headers = append(r.Headers, event.Header{Key: HeaderFrom, Value: from.String()}, event.Header{Key: HeaderBy, Value: user})
	return r, nil
}
