package ingest

import (
	"errors"
	"testing"
	"time"

	"github.com/eventscope/eventscope/event"
)

// TestWriteHealth: WriteHealth is an error while every write fails and nil
// again once one succeeds (issue 17 F10: /readyz follows it).
func TestWriteHealth(t *testing.T) {
	w := newMemStore()
	w.setFailAll(true)
	pp := newTestPipe(t, Config{BatchSize: 1}, w)
	in := &Ingester{st: pp.p.st}
	if err := in.WriteHealth(); err != nil {
		t.Fatalf("before any write: %v", err)
	}
	m := &marks{w: w, got: map[tp]int64{}}
	pp.p.send(item{evs: []event.Event{ev("t", 0, 0)}, m: m}, nil)
	eventually(t, 5*time.Second, "a failing write", func() bool { return in.WriteHealth() != nil })
	var f *WriteFailure
	if err := in.WriteHealth(); !errors.As(err, &f) || f.Attempts < 1 || f.Since.IsZero() {
		t.Errorf("WriteHealth = %v, want a *WriteFailure", err)
	}
	eventually(t, 5*time.Second, "attempts counted", func() bool {
		return errors.As(in.WriteHealth(), &f) && f.Attempts >= 3
	})
	w.setFailAll(false)
	eventually(t, 5*time.Second, "healthy after a good write", func() bool { return in.WriteHealth() == nil })
}
