package ingest

import (
	"encoding/binary"
	"errors"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/sqlite"
	"github.com/eventscope/eventscope/store"
)

// fakeSchemas decodes wire-format values whose data is JSON, when up.
type fakeSchemas struct {
	mu      sync.Mutex
	up      bool
	waiting map[int32]time.Time
}

func (f *fakeSchemas) DecodeFramed(_ string, _ bool, b []byte) (event.Framed, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	id := int32(binary.BigEndian.Uint32(b[1:5]))
	if !f.up {
		f.waiting[id] = time.Now()
		return event.Framed{}, errors.New("registry down")
	}
	return event.Framed{JSON: b[5:], Format: "avro", ID: id}, nil
}

func (f *fakeSchemas) Waiting() []int32 {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []int32
	for id := range f.waiting {
		out = append(out, id)
	}
	slices.Sort(out)
	return out
}

func (f *fakeSchemas) Available(int32) bool { f.mu.Lock(); defer f.mu.Unlock(); return f.up }

func (f *fakeSchemas) Forget(id int32, since time.Time) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.waiting[id].After(since) {
		return false
	}
	delete(f.waiting, id)
	return true
}

func framed(id int32, json string) []byte {
	b := []byte{0, 0, 0, 0, 0}
	binary.BigEndian.PutUint32(b[1:], uint32(id))
	return append(b, json...)
}

// TestReindexJoinsFlows: records stored while their schema could not be
// had (IDs only inside the payload) are rewritten, redacted, into the
// flow their payload names once it can; the flows they were in are gone,
// and a restarted Reindexer finds records left from before from the store.
func TestReindexJoinsFlows(t *testing.T) {
	st, err := sqlite.OpenDSN(t.Context(), sqlite.MemoryDSN, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	fs := &fakeSchemas{waiting: map[int32]time.Time{}}
	dec := event.NewDecoder(event.Config{Schemas: fs})
	at := time.Unix(1_700_000_000, 0)
	records := []event.Record{
		{Topic: "orders", Offset: 1, Key: []byte("o-1"), Timestamp: at,
			Value: framed(7, `{"eventId":"e1","correlationId":"flow-1","email":"ada@example.com"}`)},
		{Topic: "payments", Offset: 1, Key: []byte("p-1"), Timestamp: at.Add(time.Second),
			Value: framed(8, `{"eventId":"e2","correlationId":"flow-1","causationId":"e1"}`)},
	}
	var evs []event.Event
	for _, r := range records {
		evs = append(evs, dec.Decode(r, at))
	}
	if err := st.Write(t.Context(), evs); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Flow(t.Context(), "flow-1"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("flow-1 before the schemas are known: %v", err)
	}
	redact := func(e *event.Event) {
		e.Payload = []byte(strings.ReplaceAll(string(e.Payload), "ada@example.com", "***"))
	}
	log := slog.New(slog.DiscardHandler)
	r := NewReindexer(ReindexConfig{Store: st, Decoder: dec, Schemas: fs, Redact: redact, Batch: 1, Grace: time.Nanosecond}, log)
	if n, err := r.Pass(t.Context()); n != 0 || err != nil {
		t.Fatalf("pass while down: %d, %v", n, err)
	}
	fs.mu.Lock()
	fs.up = true
	fs.mu.Unlock()
	if n, err := r.Pass(t.Context()); n != 2 || err != nil {
		t.Fatalf("pass once up: %d rewritten, %v; want 2", n, err)
	}
	flow, err := st.Flow(t.Context(), "flow-1")
	if err != nil || len(flow) != 2 || flow[1].CausationID != "e1" || strings.Contains(string(flow[0].Payload), "ada@") {
		t.Fatalf("flow-1 after the pass: %+v, %v", flow, err)
	}
	for _, old := range []string{"key:o-1", "key:p-1"} {
		if _, err := st.Flow(t.Context(), old); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("old flow %s: %v, want not found", old, err)
		}
	}
	if w := fs.Waiting(); len(w) != 0 {
		t.Errorf("still waiting for %v", w)
	}

	// A record left from before a restart: a new Reindexer seeds from the store.
	fs.mu.Lock()
	fs.up = false
	fs.mu.Unlock()
	left := dec.Decode(event.Record{Topic: "orders", Offset: 2, Key: []byte("o-2"), Timestamp: at,
		Value: framed(9, `{"eventId":"e3","correlationId":"flow-1","causationId":"e2"}`)}, at)
	if err := st.Write(t.Context(), []event.Event{left}); err != nil {
		t.Fatal(err)
	}
	fs.mu.Lock()
	fs.up, fs.waiting = true, map[int32]time.Time{}
	fs.mu.Unlock()
	r2 := NewReindexer(ReindexConfig{Store: st, Decoder: dec, Schemas: fs}, log)
	if n, err := r2.Pass(t.Context()); n != 1 || err != nil {
		t.Fatalf("pass after a restart: %d, %v; want 1", n, err)
	}
	if flow, _ := st.Flow(t.Context(), "flow-1"); len(flow) != 3 {
		t.Errorf("flow-1 has %d events, want 3", len(flow))
	}
}
