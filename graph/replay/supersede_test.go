package replay_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/eventscope/eventscope/graph/replay"
)

// TestFailureMembersDoNotOutliveTheFailure: the demo's retried payment.
// A dead-lettered record sets error and attempts; PizzaPrepared (sets none
// of the failure's members) leaves them; PaymentAuthorized sets the
// paymentStatus the failure set, so error and attempts go and the status
// the failure changed is the new one. A member the failure changed and the
// successor does not set goes back to its value before the failure.
func TestFailureMembersDoNotOutliveTheFailure(t *testing.T) {
	dlt := ev("d", "o", "OrderPlaced", "k", 2, `{"orderId":"o1","paymentStatus":"dead_lettered","error":"payment gateway timeout","attempts":3,"stage":"charging"}`)
	dlt.Topic = "payments.DLT"
	evs := []eventT{
		ev("o", "", "OrderPlaced", "k", 1, `{"orderId":"o1","stage":"placed"}`),
		dlt,
		ev("p", "o", "PizzaPrepared", "k", 3, `{"orderId":"o1","kitchenStatus":"prepared"}`),
		ev("a", "o", "PaymentAuthorized", "k", 4, `{"orderId":"o1","paymentStatus":"authorized"}`),
	}
	steps := replay.Steps(evs, replay.Options{})
	if got := state(t, steps[2]); !strings.Contains(got, `"error":"payment gateway timeout"`) {
		t.Errorf("after PizzaPrepared the failure is not superseded yet: %s", got)
	}
	want := `{"kitchenStatus":"prepared","orderId":"o1","paymentStatus":"authorized","stage":"placed"}`
	if got := state(t, steps[3]); got != want {
		t.Errorf("after PaymentAuthorized:\n got %s\nwant %s", got, want)
	}
	gotCh := changes(t, steps[3])
	wantCh := []string{
		`changed paymentStatus "dead_lettered"->"authorized"`,
		`removed attempts 3->null`,
		`removed error "payment gateway timeout"->null`,
		`changed stage "charging"->"placed"`,
	}
	if !slices.Equal(gotCh, wantCh) {
		t.Errorf("changes:\n got %q\nwant %q", gotCh, wantCh)
	}
	for _, c := range steps[3].Changes[1:] {
		if c.Why != "set by the failure OrderPlaced at step 2; PaymentAuthorized superseded it" {
			t.Errorf("%s: why %q", c.Path, c.Why)
		}
	}
	if steps[3].Changes[0].Why != "" {
		t.Errorf("the payload's own change has a why: %q", steps[3].Changes[0].Why)
	}
}

// TestFailureTypeStandsUntilSuperseded: a PaymentFailed's reason stays
// while only unrelated events follow, and in another entity's state
// nothing changes.
func TestFailureTypeStandsUntilSuperseded(t *testing.T) {
	evs := []eventT{
		ev("f", "", "PaymentFailed", "k", 1, `{"paymentStatus":"failed","failureReason":"card declined"}`),
		ev("x", "f", "PaymentAuthorized", "other", 2, `{"paymentStatus":"authorized"}`),
		ev("c", "f", "OrderCancelled", "k", 3, `{"orderStatus":"cancelled"}`),
	}
	steps := replay.Steps(evs, replay.Options{})
	want := `{"failureReason":"card declined","orderStatus":"cancelled","paymentStatus":"failed"}`
	if got := state(t, steps[2]); got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}
