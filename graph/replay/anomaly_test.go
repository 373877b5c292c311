package replay_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/eventscope/eventscope/graph"
	"github.com/eventscope/eventscope/graph/replay"
)

// anomalyFlow shows every kind a prefix can show: e3 names e5 as its cause
// but is timestamped before it (orphan until e5, then out_of_order), e2 is
// published twice, e6 went to a dead-letter topic, e7's cause never comes.
func anomalyFlow() []eventT {
	e1 := ev("e1", "", "OrderPlaced", "o", 0, `{}`)
	e2 := ev("e2", "e1", "PizzaPrepared", "o", 10, `{}`)
	e2dup := ev("e2", "e1", "PizzaPrepared", "o", 15, `{}`)
	e3 := ev("e3", "e5", "Refund", "o", 20, `{}`)
	e5 := ev("e5", "e1", "PaymentAuthorized", "o", 30, `{}`)
	e6 := ev("e6", "e5", "PaymentAuthorized", "o", 40, `{}`)
	e6.Topic = "payments.DLT"
	e7 := ev("e7", "ghost", "PointsAwarded", "o", 50, `{}`)
	return []eventT{e1, e2, e2dup, e3, e5, e6, e7}
}

// brief renders anomalies as "kind:id,id".
func brief(as []graph.Anomaly) []string {
	out := []string{}
	for _, a := range as {
		out = append(out, a.Kind+":"+strings.Join(a.EventIDs, ","))
	}
	return out
}

func TestAnomaliesStepByStep(t *testing.T) {
	evs := anomalyFlow()
	tests := []struct {
		name     string
		arrival  func(evs []eventT) // sets IngestedAt; nil keeps time order
		order    replay.Order
		appeared [][]string
		resolved [][]string
		visible  [][]string
	}{{
		name:     "time order",
		appeared: [][]string{{}, {}, {"duplicate:e2"}, {"orphan:e3"}, {"out_of_order:e5,e3"}, {"dead_letter:e6"}, {"orphan:e7"}},
		resolved: [][]string{{}, {}, {}, {}, {"orphan:e3"}, {}, {}},
		visible: [][]string{{}, {}, {"duplicate:e2"}, {"orphan:e3", "duplicate:e2"}, {"duplicate:e2", "out_of_order:e5,e3"},
			{"duplicate:e2", "out_of_order:e5,e3", "dead_letter:e6"},
			{"orphan:e7", "duplicate:e2", "out_of_order:e5,e3", "dead_letter:e6"}},
	}, {
		name: "arrival order: the cause arrived first, no orphan",
		arrival: func(evs []eventT) {
			evs[4].IngestedAt = evs[3].IngestedAt.Add(-time.Millisecond) // e5 before e3
		},
		order:    replay.ByArrival,
		appeared: [][]string{{}, {}, {"duplicate:e2"}, {}, {"out_of_order:e5,e3"}, {"dead_letter:e6"}, {"orphan:e7"}},
		resolved: [][]string{{}, {}, {}, {}, {}, {}, {}},
		visible: [][]string{{}, {}, {"duplicate:e2"}, {"duplicate:e2"}, {"duplicate:e2", "out_of_order:e5,e3"},
			{"duplicate:e2", "out_of_order:e5,e3", "dead_letter:e6"},
			{"orphan:e7", "duplicate:e2", "out_of_order:e5,e3", "dead_letter:e6"}},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			evs := anomalyFlow()
			if tc.arrival != nil {
				tc.arrival(evs)
			}
			steps := replay.Steps(evs, replay.Options{Order: tc.order})
			var app, res, vis [][]string
			all := replay.VisibleAll(steps)
			for k, s := range steps {
				app = append(app, brief(s.Appeared))
				res = append(res, brief(s.Resolved))
				vis = append(vis, brief(replay.Visible(steps, k)))
				if !cmp.Equal(all[k], replay.Visible(steps, k)) {
					t.Errorf("VisibleAll at %d = %v, Visible %v", k, all[k], replay.Visible(steps, k))
				}
			}
			if diff := cmp.Diff(tc.appeared, app); diff != "" {
				t.Errorf("appeared (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.resolved, res); diff != "" {
				t.Errorf("resolved (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.visible, vis); diff != "" {
				t.Errorf("visible (-want +got):\n%s", diff)
			}
		})
	}
	// the last step shows what graph.Build finds in the whole flow
	steps := replay.Steps(evs, replay.Options{})
	want := brief(graph.Build(evs, graph.Options{}).Anomalies)
	got := brief(replay.Visible(steps, len(steps)-1))
	slices.Sort(want)
	slices.Sort(got)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("last step vs graph.Build (-want +got):\n%s", diff)
	}
}

func TestDuplicateCountsUp(t *testing.T) {
	evs := []eventT{ev("a", "", "T", "k", 0, `{}`), ev("a", "", "T", "k", 1, `{}`), ev("a", "", "T", "k", 2, `{}`)}
	steps := replay.Steps(evs, replay.Options{})
	vis := replay.Visible(steps, 2)
	if len(vis) != 1 || !strings.HasPrefix(vis[0].Detail, "published 3 times so far: t/0/0, t/0/1, t/0/2") {
		t.Errorf("visible at the third record: %+v", vis)
	}
	if vis := replay.Visible(steps, 1); len(vis) != 1 || !strings.HasPrefix(vis[0].Detail, "published 2 times") {
		t.Errorf("visible at the second record: %+v", vis)
	}
}

// TestWholeFlowAnomalies: a cycle appears when its last event does (and
// its closing edge is not also out_of_order), a stall at the last step.
func TestWholeFlowAnomalies(t *testing.T) {
	evs := []eventT{
		ev("p", "", "OrderPlaced", "k", 0, `{}`),
		ev("x", "y", "X", "k", 10, `{}`),
		ev("y", "x", "Y", "k", 20, `{}`),
		ev("self", "self", "Loop", "k", 30, `{}`),
		ev("z", "", "Z", "k", 40, `{}`),
	}
	opts := replay.Options{Graph: graph.WithRules(t0.Add(time.Hour),
		graph.StallRule{After: "OrderPlaced", Expect: []string{"Paid"}, Within: time.Second})}
	steps := replay.Steps(evs, opts)
	var app [][]string
	for _, s := range steps {
		app = append(app, brief(s.Appeared))
	}
	cycles := brief(graph.Build(evs, opts.Graph).Anomalies)
	want := [][]string{{}, {"orphan:x"}, {}, {}, {"stalled:p"}}
	for _, c := range cycles {
		switch {
		case strings.HasPrefix(c, "cycle:") && strings.Contains(c, "self"):
			want[3] = append(want[3], c)
		case strings.HasPrefix(c, "cycle:"):
			want[2] = append(want[2], c)
		}
	}
	if len(want[2]) != 1 || len(want[3]) != 1 {
		t.Fatalf("graph.Build found %v, want two cycles", cycles)
	}
	if diff := cmp.Diff(want, app); diff != "" {
		t.Errorf("appeared (-want +got):\n%s", diff)
	}
	if res := brief(steps[2].Resolved); !cmp.Equal(res, []string{"orphan:x"}) {
		t.Errorf("resolved at y: %v", res)
	}
}
