package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/store"
)

// runMatchesEvent checks store.MatchesEvent (the live tail's filter)
// against the store's Flows on flows of one event each: for every query
// without anomaly terms, the flows Flows lists are those whose event
// MatchesEvent accepts.
func runMatchesEvent(t *testing.T, o Opener) {
	g := NewGen(insT0)
	var evs []event.Event
	for i, f := range []struct{ typ, src, topic, key, tenant, payload string }{
		{"OrderPlaced", "orders", "orders", "k1", "acme", `{"pizza":"margherita"}`},
		{"OrderPlaced", "orders", "orders.v2", "k2", "globex", `{"pizza":"funghi"}`},
		{"PaymentFailed", "payment", "payments.DLT", "k1", "acme", `{"error":"it's \"declined\""}`},
		{"Ping", "monitor", "health", "", "", `plain text`},
		{"", "", "misc", "k/3", "a=b", `ü 日本`},
	} {
		e := g.Event(f.topic, fmt.Sprintf("c%d", i), fmt.Sprintf("e%d", i), "", time.Duration(i)*time.Second)
		e.Type, e.Source, e.Key, e.Payload = f.typ, f.src, f.key, []byte(f.payload)
		e.Headers = []event.Header{{Key: "tenant", Value: f.tenant}}
		evs = append(evs, e)
	}
	s := o.with(t, evs)
	for _, q := range []string{
		"", "type:OrderPlaced", "type:Order*", "-type:Order*", "source:orders topic:orders*", "topic:orders",
		"key:k1", "-key:k1", "k1", "e3", "c2", "id:c*", "id:e*", "header:tenant=acme", "header:tenant=a*",
		"-header:tenant=acme", "header:tenant=a=b", `"pizza"`, `"\"declined\""`, `"日本"`, `-"pizza"`,
		"after:-1000000h", "type:OrderPlaced -source:orders", "source:*", "key:*", "-key:*",
		fmt.Sprintf("after:%s before:%s", insT0.Add(time.Second).Format(time.RFC3339), insT0.Add(3*time.Second).Format(time.RFC3339)),
	} {
		fq, err := store.ParseQuery(q, insT0)
		if err != nil {
			t.Fatalf("parse %q: %v", q, err)
		}
		want := []string{}
		for i := len(evs) - 1; i >= 0; i-- { // newest first
			if store.MatchesEvent(fq, &evs[i]) {
				want = append(want, evs[i].FlowID())
			}
		}
		fq.Limit = store.MaxLimit
		if got := flowIDs(mustFlows(t, s, fq)); !cmp.Equal(got, want) {
			t.Errorf("q=%q: Flows %q, MatchesEvent %q", q, got, want)
		}
	}
}
