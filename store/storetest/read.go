package storetest

import (
	"testing"
	"time"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/store"
)

func runRead(t *testing.T, o Opener) {
	t.Run("FlowInTimeThenCoordinateOrder", func(t *testing.T) {
		at := Base.Add(time.Second)
		mk := func(topic string, p int32, off int64, id string, tm time.Time) event.Event {
			return MakeEvent(topic, p, off, id, "c1", "", tm)
		}
		want := []event.Event{
			mk("z", 0, 0, "early", Base),
			mk("a", 0, 9, "a-0-9", at), // same time: topic, then partition, then offset (numerically)
			mk("a", 0, 10, "a-0-10", at),
			mk("a", 2, 1, "a-2-1", at),
			mk("a", 10, 0, "a-10-0", at),
			mk("b", 0, 0, "b-0-0", at),
			mk("a", 0, 11, "ns-later", at.Add(time.Nanosecond)),
		}
		s := o.with(t, Reversed(want[:4]), Reversed(want[4:]))
		CheckEvents(t, "Flow", want, mustFlow(t, s, "c1"))
	})
	t.Run("EventsByIDInFlowOrder", func(t *testing.T) {
		g := NewGen(Base)
		a := g.Event("x", "c1", "dup", "", 2*time.Second)
		b := g.Event("x", "c2", "dup", "", time.Second)
		c := g.Event("w", "c1", "dup", "", 2*time.Second)
		other := g.Event("x", "c1", "other", "", 0)
		s := o.with(t, []event.Event{a, other, b, c})
		got, err := s.EventsByID(ctx(t), "dup")
		if err != nil {
			t.Fatalf("EventsByID: %v", err)
		}
		CheckEvents(t, "EventsByID", []event.Event{b, c, a}, got)
	})
	t.Run("FlowIDFallback", func(t *testing.T) {
		g := NewGen(Base)
		k1 := g.Event("t", "", "e1", "", 0)
		k1.Key = "order-7"
		k2 := g.Event("t", "", "e2", "", time.Second)
		k2.Key = "order-7"
		bare := g.Event("t", "", "e3", "", 2*time.Second)
		bare.Key = ""
		withCorr := g.Event("t", "corr", "e4", "", 3*time.Second)
		withCorr.Key = "order-7"
		s := o.with(t, []event.Event{k1, k2, bare, withCorr})
		CheckEvents(t, `Flow("key:order-7")`, []event.Event{k1, k2}, mustFlow(t, s, "key:order-7"))
		CheckEvents(t, `Flow("event:e3")`, []event.Event{bare}, mustFlow(t, s, "event:e3"))
		CheckEvents(t, `Flow("corr")`, []event.Event{withCorr}, mustFlow(t, s, "corr"))
		for _, id := range []string{"key:order-7", "event:e3", "corr"} {
			summaryOf(t, s, id)
		}
		if st := mustStats(t, s); st.Flows != 3 {
			t.Errorf("Stats.Flows = %d, want 3", st.Flows)
		}
	})
	t.Run("UnknownIDsAreNotFound", func(t *testing.T) {
		empty := o.fresh(t)
		full := o.with(t, NewGen(Base).Chain("t", "c1", 3, 0, time.Second))
		for name, s := range map[string]store.Store{"empty": empty, "nonempty": full} {
			for _, id := range []string{"nope", "", "c1-", "C1", "c1-0 ", "key:nope"} {
				_, err := s.Flow(ctx(t), id)
				checkNotFound(t, name+" Flow("+quote(id)+")", err)
				_, err = s.EventsByID(ctx(t), id)
				checkNotFound(t, name+" EventsByID("+quote(id)+")", err)
				_, err = s.Resolve(ctx(t), id)
				checkNotFound(t, name+" Resolve("+quote(id)+")", err)
			}
		}
	})
}

func runResolve(t *testing.T, o Opener) {
	g := NewGen(Base)
	// "tok" is the flow ID of one flow, an event ID in another and a key
	// in a third: the flow ID wins. "ev" is an event ID and a key: the
	// event ID wins.
	flowTok := g.Event("t", "tok", "f1", "", 0)
	evTok := g.Event("t", "other", "tok", "", time.Second)
	keyTok := g.Event("t", "third", "k1", "", 2*time.Second)
	keyTok.Key = "tok"
	ev := g.Event("t", "evflow", "ev", "", 3*time.Second)
	evKey := g.Event("t", "evkeyflow", "x1", "", 4*time.Second)
	evKey.Key = "ev"
	// A key on events of two flows: the newest event's flow.
	oldK := g.Event("t", "old", "o1", "", 5*time.Second)
	oldK.Key = "shared"
	newK := g.Event("t", "new", "n1", "", 6*time.Second)
	newK.Key = "shared"
	// An event ID on records of two flows: the first in Flow order.
	dupLate := g.Event("t", "late", "dupid", "", 8*time.Second)
	dupEarly := g.Event("t", "early", "dupid", "", 7*time.Second)
	fallback := g.Event("t", "", "fb", "", 9*time.Second)
	fallback.Key = "fbkey"
	s := o.with(t, []event.Event{flowTok, evTok, keyTok, ev}, []event.Event{evKey, newK, oldK, dupLate, dupEarly, fallback})

	tests := []struct {
		token string
		want  store.Resolution
	}{
		{"tok", store.Resolution{FlowID: "tok", Match: store.MatchFlow}},
		{"ev", store.Resolution{FlowID: "evflow", Match: store.MatchEvent, EventID: "ev"}},
		{"f1", store.Resolution{FlowID: "tok", Match: store.MatchEvent, EventID: "f1"}},
		{"k-f1", store.Resolution{FlowID: "tok", Match: store.MatchKey}},
		{"ev ", store.Resolution{}}, // no trimming: not found
		{"shared", store.Resolution{FlowID: "new", Match: store.MatchKey}},
		{"dupid", store.Resolution{FlowID: "early", Match: store.MatchEvent, EventID: "dupid"}},
		{"key:fbkey", store.Resolution{FlowID: "key:fbkey", Match: store.MatchFlow}},
		{"fbkey", store.Resolution{FlowID: "key:fbkey", Match: store.MatchKey}},
		{"fb", store.Resolution{FlowID: "key:fbkey", Match: store.MatchEvent, EventID: "fb"}},
	}
	for _, tt := range tests {
		t.Run(quote(tt.token), func(t *testing.T) {
			got, err := s.Resolve(ctx(t), tt.token)
			if tt.want == (store.Resolution{}) {
				checkNotFound(t, "Resolve("+quote(tt.token)+")", err)
				return
			}
			if err != nil {
				t.Fatalf("Resolve: %v", err)
			}
			if got != tt.want {
				t.Errorf("Resolve(%q) = %+v, want %+v", tt.token, got, tt.want)
			}
		})
	}
}
