package ingest

import (
	"bytes"
	"log/slog"
	"strings"
	"sync/atomic"
	"time"

	"github.com/IBM/sarama"

	"github.com/eventscope/eventscope/event"
)

// handler is the sarama ConsumerGroupHandler of one Run: it decodes claimed
// records into the pipeline and flushes it whenever partitions are let go.
type handler struct {
	client        sarama.Client
	dec           *event.Decoder
	pipe          *pipeline
	met           *metrics
	st            *state
	log           *slog.Logger
	group         string
	fromBeginning bool
	known         map[tp]bool  // partitions that existed when Run started (nil: unknown)
	start         map[tp]int64 // their newest offsets then (nil: unknown)
	stopping      *atomic.Bool
}

var _ sarama.ConsumerGroupHandler = (*handler)(nil)

// Setup runs before any claim consumes. Without FromBeginning, a claimed
// partition with no committed offset starts where it ended when Run started,
// or at its oldest offset when it appeared later (all of it is new). With
// FromBeginning sarama's oldest applies to every such partition.
func (h *handler) Setup(sess sarama.ConsumerGroupSession) error {
	claims := sess.Claims()
	n := 0
	for _, ps := range claims {
		n += len(ps)
	}
	if !h.fromBeginning && h.known != nil {
		h.setStarts(sess, claims)
	}
	h.st.ready.Store(true)
	h.log.Info("consumer group session started", "member", sess.MemberID(),
		"generation", sess.GenerationID(), "partitions", n)
	return nil
}

// setStarts marks the start offset of claimed partitions the group has no
// committed offset for. Marking one is safe only then: MarkOffset moves
// forward, and would skip records past a lower committed offset.
func (h *handler) setStarts(sess sarama.ConsumerGroupSession, claims map[string][]int32) {
	committed, err := committedOffsets(h.client, h.group, claims)
	if err != nil {
		h.log.Warn("start offsets unknown: uncommitted partitions start at the newest offset", "err", err)
		return
	}
	for t, ps := range claims {
		for _, p := range ps {
			k := tp{t, p}
			if _, ok := committed[k]; ok {
				continue
			}
			if off, ok := h.start[k]; ok {
				sess.MarkOffset(t, p, off, "")
				continue
			}
			if h.known[k] {
				continue // no recorded start: sarama's newest
			}
			oldest, err := h.client.GetOffset(t, p, sarama.OffsetOldest)
			if err != nil {
				h.log.Warn("oldest offset of a new partition", "topic", t, "partition", p, "err", err)
				continue
			}
			sess.MarkOffset(t, p, oldest, "")
		}
	}
}

// Cleanup runs after every claim has ended: flush (normally a no-op, each
// claim flushed on its way out) and commit the marked offsets synchronously
// before the partitions go to another member.
func (h *handler) Cleanup(sess sarama.ConsumerGroupSession) error {
	h.pipe.flush(h.reason())
	sess.Commit()
	h.log.Info("consumer group session ended", "generation", sess.GenerationID())
	return nil
}

func (h *handler) reason() string {
	if h.stopping.Load() {
		return ReasonShutdown
	}
	return ReasonRebalance
}

// ConsumeClaim decodes one partition's records into the pipeline. Before it
// returns (rebalance, revocation or shutdown) it waits until everything it
// sent is written and marked, so marked offsets are exactly the written ones.
func (h *handler) ConsumeClaim(sess sarama.ConsumerGroupSession, claim sarama.ConsumerGroupClaim) error {
	topic, part := claim.Topic(), claim.Partition()
	ts := h.st.topic(topic)
	ps := h.st.partition(topic, part)
	ps.owned.Store(true)
	ps.hwm.Store(claim.HighWaterMarkOffset())
	if off := claim.InitialOffset(); off >= 0 {
		ps.next.Store(off) // everything before it is stored, by us or another member
	}
	consumed := h.met.consumed.WithLabelValues(topic)
	defer func() {
		h.pipe.flush(h.reason())
		ps.owned.Store(false)
	}()
	stop := sess.Context().Done()
	msgs := claim.Messages()
	var chunk []event.Event
	// hand over sends the chunk: when full, or when no more records are
	// waiting, so a lone record is not held back.
	handOver := func() bool {
		if len(chunk) == 0 {
			return true
		}
		consumed.Add(float64(len(chunk)))
		ts.consumed.Add(int64(len(chunk)))
		ok := h.pipe.send(item{evs: chunk, m: sess}, stop)
		chunk = nil
		return ok
	}
	for {
		select {
		case msg, ok := <-msgs:
			if !ok {
				handOver()
				return nil
			}
			ps.next.CompareAndSwap(-1, msg.Offset)
			ps.hwm.Store(claim.HighWaterMarkOffset())
			if chunk == nil {
				chunk = make([]event.Event, 0, chunkSize)
			}
			chunk = append(chunk, h.dec.Decode(toRecord(msg), time.Now()))
			detach(&chunk[len(chunk)-1])
			if (len(chunk) == chunkSize || len(msgs) == 0) && !handOver() {
				return nil
			}
		case <-stop:
			return nil
		}
	}
}

// toRecord converts a sarama message, keeping headers in order (duplicates
// included) and a nil value (tombstone) nil. All header names and values
// are copied into one string, sliced per header: one allocation, not two
// per header.
func toRecord(m *sarama.ConsumerMessage) event.Record {
	var hs []event.Header
	if len(m.Headers) > 0 {
		size := 0
		for _, h := range m.Headers {
			if h != nil {
				size += len(h.Key) + len(h.Value)
			}
		}
		var sb strings.Builder
		sb.Grow(size)
		for _, h := range m.Headers {
			if h != nil {
				sb.Write(h.Key)
				sb.Write(h.Value)
			}
		}
		all := sb.String()
		hs = make([]event.Header, 0, len(m.Headers))
		for _, h := range m.Headers {
			if h == nil {
				continue
			}
			k, v := len(h.Key), len(h.Value)
			hs = append(hs, event.Header{Key: all[:k], Value: all[k : k+v]})
			all = all[k+v:]
		}
	}
	return event.Record{
		Topic:     m.Topic,
		Partition: m.Partition,
		Offset:    m.Offset,
		Key:       m.Key,
		Value:     m.Value,
		Headers:   hs,
		Timestamp: m.Timestamp,
	}
}

// detach copies the payload an event kept from the fetch buffer (at most the
// decoder's cap), so the buffer can be freed while the event waits.
func detach(e *event.Event) {
	if e.Payload != nil {
		e.Payload = bytes.Clone(e.Payload)
	}
}
