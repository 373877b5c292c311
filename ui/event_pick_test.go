package ui

import (
	"context"
	"testing"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/sqlite"
	"github.com/eventscope/eventscope/store"
)

// pickerStore is the embedded store with store.FlowPicker answered by its
// reference (Pick.Matches on the whole flow), counting the calls.
type pickerStore struct {
	*sqlite.Store
	picks int
}

func (p *pickerStore) FlowRecords(ctx context.Context, flowID string, pk store.Pick) ([]event.Event, error) {
	p.picks++
	flow, err := p.Flow(ctx, flowID)
	if err != nil {
		return []event.Event{}, nil
	}
	return pk.Matches(flow), nil
}

// The event page and API show the same event, causes, effects, duplicates
// and payload diff from the records FlowPicker picks as from the whole
// flow, derived copies ("ID@topic") included.
func TestEventPageFromPickedRecords(t *testing.T) {
	a := ev("a", "f", "f", "OrderPlaced", "order-service", "orders", 0, 1, 0)
	a.Key, a.Payload = "k1", []byte(`{"n":1}`)
	copyA := ev("a", "f", "f", "OrderPlaced", "enricher", "orders.enriched", 0, 1, 5) // a derived copy: a@orders.enriched
	copyA.Payload = []byte(`{"n":1,"extra":true}`)
	b := ev("b", "f", "a", "PaymentTaken", "payment-service", "payments", 0, 1, 10)
	b2 := b // published twice
	b2.Offset = 2
	c := ev("c", "f", "a@orders.enriched", "Shipped", "shipping", "shipping", 0, 1, 20)
	d := ev("d", "f", "b", "OrderPlaced", "order-service", "orders", 0, 2, 30) // same key and type as a: the diff's previous
	d.Key, d.Payload = "k1", []byte(`{"n":2}`)
	other := ev("z", "g", "", "Other", "x", "orders", 1, 1, 40)
	evs := []event.Event{a, copyA, b, b2, c, d, other}
	plain := newTestServer(t, Options{Store: sqliteWith(t, evs...)})
	ps := &pickerStore{Store: sqliteWith(t, evs...)}
	picked := newTestServer(t, Options{Store: ps})
	for _, id := range []string{"a", "a@orders.enriched", "b", "c", "d", "z"} {
		for _, path := range []string{"/api/events/" + id, "/events/" + id} {
			want, got := plain.get(t, path), picked.get(t, path)
			if want.Code != 200 || got.Code != want.Code || got.Body.String() != want.Body.String() {
				t.Errorf("%s: whole flow %d, picked records %d; bodies equal: %v\n%s", path, want.Code, got.Code,
					got.Body.String() == want.Body.String(), got.Body.String())
			}
		}
	}
	if ps.picks == 0 {
		t.Error("the event pages did not use FlowPicker")
	}
}
