package storetest

import (
	"slices"
	"testing"
	"time"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/store"
)

// Hostile are values that break stores which build queries by
// concatenation or treat pattern characters specially: SQL and LIKE
// metacharacters, near-misses they would wrongly match, unicode, NUL bytes
// and invalid UTF-8. Every one must be stored and matched literally.
var Hostile = []string{
	`'`, `"`, `\`, `\'`, `''`, `'; DROP TABLE events; --`, `"); DROP TABLE events; --`,
	`%`, `_`, `*`, `?`, `$1`, `:name`, `@p`, "`", `{x}`, `[a]`, `^a$`, `a.b`, `(x)`,
	`a%b`, `a_b`, `a*b`, `ab`, `aXb`, `A%B`, `a\b`, `a'b`, `a\%b`, `a%`, `a_`,
	"日本語", "é", "e\u0301", "🍕", "nul\x00byte", "nul", "\x00", "\xff\xfe", "a\xffb",
	"line\nbreak", "tab\t", " lead", "trail ",
}

// hostileEvents returns one flow per hostile value: one record whose every
// string field, header name and value, and payload hold the value.
func hostileEvents() []event.Event {
	evs := make([]event.Event, len(Hostile))
	for i, v := range Hostile {
		e := MakeEvent(v, int32(i), 0, v, v, v, Base.Add(time.Duration(i)*time.Second))
		e.Type, e.Source, e.Key, e.Version = v, v, v, v
		e.Headers = []event.Header{{Key: v, Value: v}, {Key: "h", Value: v}}
		e.Payload = []byte("<<" + v + ">>")
		e.PayloadSize = len(e.Payload)
		e.ContentType, e.Convention, e.DecodeError = v, v, v
		evs[i] = e
	}
	return evs
}

func runInjection(t *testing.T, o Opener) {
	evs := hostileEvents()
	s := o.with(t, evs)
	t.Run("RoundTrip", func(t *testing.T) {
		for i, v := range Hostile {
			CheckEvents(t, "Flow("+quote(v)+")", evs[i:i+1], mustFlow(t, s, v))
			got, err := s.EventsByID(ctx(t), v)
			if err != nil {
				t.Fatalf("EventsByID(%q): %v", v, err)
			}
			CheckEvents(t, "EventsByID("+quote(v)+")", evs[i:i+1], got)
			r, err := s.Resolve(ctx(t), v)
			if want := (store.Resolution{FlowID: v, Match: store.MatchFlow}); err != nil || r != want {
				t.Errorf("Resolve(%q) = %+v, %v; want %+v", v, r, err, want)
			}
		}
	})
	fields := []store.Field{store.FieldID, store.FieldType, store.FieldSource, store.FieldTopic, store.FieldKey, store.FieldHeader, store.FieldText}
	for _, f := range fields {
		t.Run("Term_"+string(f), func(t *testing.T) {
			for _, v := range Hostile {
				for _, tm := range []store.Term{
					{Field: f, Value: v}, {Field: f, Value: v, Prefix: true},
					{Field: f, Value: v, Negate: true}, {Field: f, Value: v, Prefix: true, Negate: true},
					{Field: f, Name: "h", Value: v}, {Field: f, Name: v, Value: v}, {Field: f, Name: v, Value: "<<", Prefix: true},
				} {
					if f != store.FieldHeader && tm.Name != "" {
						continue
					}
					q := store.FlowQuery{Terms: []store.Term{tm}, Limit: store.MaxLimit}
					want := refFlows(evs, q)
					got := flowIDs(mustFlows(t, s, q))
					if !slices.Equal(got, want) {
						t.Errorf("Flows(%s) = %q, want %q", fmtTerms(q.Terms), got, want)
					}
				}
			}
		})
	}
	t.Run("EmptyValues", func(t *testing.T) {
		// Empty values are values too: an empty key, type or header value
		// is matched exactly; an empty prefix matches everything.
		g := NewGen(Base)
		blank := g.Event("t", "blank", "b1", "", 0)
		blank.Key, blank.Type, blank.Source, blank.Payload = "", "", "", nil
		blank.Headers = []event.Header{{Key: "h", Value: ""}}
		full := g.Event("t", "full", "f1", "", time.Second)
		s := o.with(t, []event.Event{blank, full})
		for _, f := range fields {
			for _, tm := range []store.Term{
				{Field: f, Name: "h"}, {Field: f, Name: "h", Prefix: true},
				{Field: f, Name: "h", Negate: true}, {Field: f, Name: "h", Prefix: true, Negate: true},
			} {
				q := store.FlowQuery{Terms: []store.Term{tm}}
				want := refFlows([]event.Event{blank, full}, q)
				if got := flowIDs(mustFlows(t, s, q)); !slices.Equal(got, want) {
					t.Errorf("Flows(%s) = %q, want %q", fmtTerms(q.Terms), got, want)
				}
			}
		}
	})
	t.Run("AnomalyTerm", func(t *testing.T) {
		for _, v := range Hostile {
			q := store.FlowQuery{Terms: []store.Term{{Field: store.FieldAnomaly, Value: v, Prefix: true}}}
			if got := mustFlows(t, s, q); len(got.Flows) != 0 {
				t.Errorf("anomaly prefix %q matched %v", v, flowIDs(got))
			}
		}
	})
	t.Run("StoreIntact", func(t *testing.T) {
		extra := MakeEvent("after", 0, 0, "after", "after", "", Base)
		if err := s.Write(ctx(t), []event.Event{extra}); err != nil {
			t.Fatalf("write after hostile queries: %v", err)
		}
		if st := mustStats(t, s); st.Events != int64(len(evs)+1) || st.Flows != int64(len(evs)+1) {
			t.Errorf("Stats = %d events, %d flows; want %d of each", st.Events, st.Flows, len(evs)+1)
		}
	})
}
