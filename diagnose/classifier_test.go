package diagnose_test

import (
	"testing"

	"github.com/eventscope/eventscope/diagnose"
	"github.com/eventscope/eventscope/event"
)

// TestClassifierIsClassify: the per-flow Classifier answers as Classify
// for every event, asked again and in any order (its topic and type
// answers are kept; the payload's and headers' are not).
func TestClassifierIsClassify(t *testing.T) {
	cfg := diagnose.Default()
	evs := []event.Event{
		{EventID: "a", Type: "OrderPlaced", Topic: "orders"},
		{EventID: "b", Type: "OrderPlaced", Topic: "payments.DLT", Headers: []event.Header{{Key: "dlt-exception-message", Value: "gateway timeout"}}},
		{EventID: "c", Type: "PaymentFailed", Topic: "payments", Payload: []byte(`{"failureReason":"card declined"}`)},
		{EventID: "d", Type: "PaymentAuthorized", Topic: "payments", Payload: []byte(`{"error":"late"}`)},
		{EventID: "e", Type: "OrderCancelled", Topic: "orders", CausationID: "c"},
		{EventID: "f", Type: "PaymentAuthorized", Topic: "payments"},
		{EventID: "g", Type: "OrderPlaced", Topic: "payments.DLT"},
	}
	k := cfg.Classifier()
	for round := range 2 {
		for i := range evs {
			e := &evs[len(evs)-1-i] // the second round in the other order
			if round == 0 {
				e = &evs[i]
			}
			if got, want := k.Classify(e), cfg.Classify(e); got != want {
				t.Errorf("round %d, %s: Classifier %+v, Classify %+v", round, e.EventID, got, want)
			}
		}
	}
	if c := k.Classify(&evs[1]); !c.DeadLetter || !c.Failure || c.Reason != "gateway timeout" {
		t.Errorf("dead letter: %+v", c)
	}
	if c := k.Classify(&evs[3]); !c.Failure {
		t.Errorf("a failure field on a healthy type: %+v", c)
	}
}
