package ui

import (
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/graph"
)

// TestFlowPageCaps: a flow with many anomalies of one kind lists 20 and
// says how many more; an event with many effects links 50 and counts the
// rest.
func TestFlowPageCaps(t *testing.T) {
	evs := []event.Event{ev("root", "caps", "", "Root", "s", "t", 0, 0, 0)}
	for i := 1; i <= 60; i++ {
		evs = append(evs, ev(fmt.Sprintf("e%02d", i), "caps", "root", "Effect", "s", "t", 0, int64(i), i))
	}
	for i := 1; i <= 25; i++ {
		evs = append(evs, ev(fmt.Sprintf("o%02d", i), "caps", fmt.Sprintf("ghost%02d", i), "Orphan", "s", "t", 0, int64(100+i), 100+i))
	}
	v := buildFlowPage(graph.Build(newFakeStore(evs...).events, graph.Options{}), flowParams{FlowID: "caps", Event: "root"})
	doc := parseHTML(t, renderComp(t, flowPage(pageMeta{Title: "caps"}, v)))
	if n := doc.Find(`[data-testid="anomaly"][data-kind="orphan"]`).Length(); n != maxAnomaliesPerKind {
		t.Errorf("%d orphans listed, want %d", n, maxAnomaliesPerKind)
	}
	if got := texts(doc, `[data-testid="anomalies-omitted"]`); len(got) != 1 || got[0] != "5 more anomalies not listed here; all are in the flow's JSON." {
		t.Errorf("omitted note = %q", got)
	}
	if n := doc.Find(`[data-testid="detail-effects"] a`).Length(); n != maxEffectLinks {
		t.Errorf("%d effect links, want %d", n, maxEffectLinks)
	}
	if got := texts(doc, `[data-testid="detail-more-effects"]`); !cmp.Equal(got, []string{"and 10 more"}) {
		t.Errorf("more effects = %q", got)
	}
	if got := texts(doc, `[data-testid="flow-anomaly-count"]`); !cmp.Equal(got, []string{"25"}) {
		t.Errorf("header counts %q anomalies, want all 25", got)
	}
}
