package main

import (
	"bytes"
	"context"
	"errors"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/sqlite"
	"github.com/eventscope/eventscope/ui"
)

// flowFixture is one order: placed, then prepared and paid in parallel,
// prepared then boxed, plus an event whose cause was never seen.
func flowFixture() []event.Event {
	t0 := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	ev := func(id, cause, typ, src, topic string, off int64, ms int) event.Event {
		at := t0.Add(time.Duration(ms) * time.Millisecond)
		return event.Event{EventID: id, CorrelationID: "ord-1", CausationID: cause, Type: typ, Source: src,
			Topic: topic, Offset: off, Key: "ord-1", Time: at, KafkaTime: at, IngestedAt: at}
	}
	return []event.Event{
		ev("e1", "", "OrderPlaced", "order-service", "orders", 0, 0),
		ev("e2", "e1", "PizzaPrepared", "kitchen-service", "kitchen", 0, 120),
		ev("e3", "e1", "PaymentAuthorized", "payment-service", "payments", 0, 80),
		ev("e4", "e2", "PizzaBoxed", "kitchen-service", "kitchen", 1, 1500),
		ev("e5", "ghost", "PointsAdded", "loyalty-service", "loyalty", 0, 2000),
	}
}

const wantFlowTree = `flow ord-1: 5 events, 2026-11-23 10:00:00.000 → 10:00:02.000 (2 s)
TYPE                  SOURCE           TOPIC     TIME (UTC)    HOP      ANOMALIES
OrderPlaced           order-service    orders    10:00:00.000
├─ PaymentAuthorized  payment-service  payments  10:00:00.080  +80 ms
└─ PizzaPrepared      kitchen-service  kitchen   10:00:00.120  +120 ms
   └─ PizzaBoxed      kitchen-service  kitchen   10:00:01.500  +1.38 s
PointsAdded           loyalty-service  loyalty   10:00:02.000           orphan
1 anomalies:
  orphan: caused by ghost, which was not seen [e5]
`

func tempStore(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "events.db")
	st, err := sqlite.Open(t.Context(), path, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.Write(t.Context(), flowFixture()); err != nil {
		t.Fatal(err)
	}
	return "sqlite://" + path
}

func TestFlowCommandFromStore(t *testing.T) {
	dsn := tempStore(t)
	for _, args := range [][]string{{"ord-1", "--store", dsn}, {"--store", dsn, "ord-1"}} {
		var out, errOut bytes.Buffer
		if err := runFlow(t.Context(), args, &out, &errOut); err != nil {
			t.Fatalf("%q: %v (%s)", args, err, errOut.String())
		}
		checkTree(t, out.String())
	}
	var out bytes.Buffer
	err := runFlow(t.Context(), []string{"nope", "--store", dsn}, &out, &out)
	if err == nil || !strings.Contains(err.Error(), `flow "nope": not found`) {
		t.Errorf("unknown flow: %v", err)
	}
}

func TestFlowCommandFromURL(t *testing.T) {
	st, err := sqlite.OpenDSN(context.Background(), tempStore(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	srv := httptest.NewServer(ui.New(ui.Options{Store: st}))
	defer srv.Close()
	var out, errOut bytes.Buffer
	if err := runFlow(t.Context(), []string{"--url", srv.URL + "/", "ord-1"}, &out, &errOut); err != nil {
		t.Fatalf("%v (%s)", err, errOut.String())
	}
	checkTree(t, out.String())
	err = runFlow(t.Context(), []string{"--url", srv.URL, "no/such flow"}, &out, &out)
	if err == nil || !strings.Contains(err.Error(), "404 Not Found") || !strings.Contains(err.Error(), "not found") {
		t.Errorf("unknown flow: %v", err)
	}
}

func TestFlowCommandUsage(t *testing.T) {
	for _, args := range [][]string{{}, {"ord-1"}, {"ord-1", "--store", "sqlite://x", "--url", "http://y"}} {
		var out bytes.Buffer
		if err := runFlow(t.Context(), args, &out, &out); !errors.Is(err, errUsage) {
			t.Errorf("%q: err %v, want usage", args, err)
		}
	}
}

func checkTree(t *testing.T, got string) {
	t.Helper()
	lines := strings.Split(got, "\n")
	for i := range lines {
		lines[i] = strings.TrimRight(lines[i], " ")
	}
	if got = strings.Join(lines, "\n"); got != wantFlowTree {
		t.Errorf("tree:\n%s\nwant:\n%s", got, wantFlowTree)
	}
}
