package ui

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/eventscope/eventscope/sqlite"
	"github.com/eventscope/eventscope/store"
)

// overviewStore is the embedded store with store.Overview answered from
// Flows (its reference definition), counting the calls.
type overviewStore struct {
	*sqlite.Store
	kinds, statuses int
}

func (o *overviewStore) KindFlows(ctx context.Context, since time.Time, n int) (map[string][]store.FlowSummary, error) {
	o.kinds++
	out := map[string][]store.FlowSummary{}
	for _, k := range store.AnomalyKinds {
		p, err := o.Flows(ctx, store.FlowQuery{From: since, Limit: n, Terms: []store.Term{{Field: store.FieldAnomaly, Value: k}}})
		if err != nil {
			return nil, err
		}
		if len(p.Flows) > 0 {
			out[k] = p.Flows
		}
	}
	return out, nil
}

func (o *overviewStore) StatusCounts(ctx context.Context, since time.Time, n int) (store.StatusCounts, error) {
	o.statuses++
	p, err := o.Flows(ctx, store.FlowQuery{From: since, Limit: n})
	return store.StatusCountsOf(p.Flows), err
}

// The dashboard shows the same status counts, failure groups and anomaly
// groups whether it asks store.Overview or Flows.
func TestDashboardOverviewSameAsFlows(t *testing.T) {
	sections := func(st store.Store) map[string][]string {
		doc := parseHTML(t, newTestServer(t, Options{Store: st}).get(t, "/").Body.String())
		return map[string][]string{
			"statuses": texts(doc, `[data-testid="status-count"]`),
			"kinds":    attrs(doc, `[data-testid="anomaly-group"]`, "data-kind"),
			"flows":    attrs(doc, `[data-testid="anomaly-group"] [data-testid="flow-row"]`, "data-flow-id"),
		}
	}
	evs := allFixtures()
	plain := sqliteWith(t, evs...)
	ov := &overviewStore{Store: sqliteWith(t, evs...)}
	want, got := sections(plain), sections(ov)
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("dashboard with Overview differs (-Flows +Overview):\n%s", d)
	}
	if len(want["kinds"]) == 0 || len(want["statuses"]) == 0 {
		t.Errorf("fixture shows no anomaly groups or statuses: %v", want)
	}
	if ov.kinds != 1 || ov.statuses != 1 {
		t.Errorf("Overview asked %d times for kinds and %d for statuses, want once each", ov.kinds, ov.statuses)
	}
}
