package ui

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/google/go-cmp/cmp"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/store"
)

// namingStore names the flow in its not-found error, as the sqlite and
// ClickHouse stores do.
type namingStore struct{ *fakeStore }

func (s namingStore) Flow(ctx context.Context, id string) ([]event.Event, error) {
	evs, err := s.fakeStore.Flow(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("flow %q: %w", id, err)
	}
	return evs, nil
}

func TestNotFoundNamesTheFlowOnce(t *testing.T) {
	ts := newTestServer(t, Options{Store: namingStore{newFakeStore(allFixtures()...)}})
	for _, target := range []string{"/flows/nope", "/flows/nope/replay", "/api/flows/nope"} {
		rec := ts.get(t, target)
		if rec.Code != 404 {
			t.Errorf("%s: status %d, want 404", target, rec.Code)
		}
		body := rec.Body.String()
		if n := strings.Count(body, `flow "nope"`) + strings.Count(body, `flow \"nope\"`) + strings.Count(body, `flow &#34;nope&#34;`); n != 1 {
			t.Errorf("%s: the flow is named %d times, want once: %.400s", target, n, body)
		}
	}
}

func TestFaviconIsServed(t *testing.T) {
	ts := newTestServer(t, Options{})
	rec := ts.get(t, "/favicon.ico")
	if rec.Code != 200 || rec.Header().Get("Content-Type") != "image/svg+xml" || !strings.Contains(rec.Body.String(), "<svg") {
		t.Errorf("/favicon.ico: %d %q %.100s", rec.Code, rec.Header().Get("Content-Type"), rec.Body)
	}
	doc := parseHTML(t, ts.get(t, "/").Body.String())
	if href, _ := doc.Find(`link[rel=icon]`).Attr("href"); !strings.HasPrefix(href, "/static/favicon.") {
		t.Errorf("pages link the icon as %q", href)
	}
}

func TestTopicRatesShareOneUnit(t *testing.T) {
	topics := []store.TopicCount{{Topic: "fast", Events: 999}, {Topic: "slow", Events: 3}, {Topic: "idle", Events: 1}}
	series := []store.TopicSeries{
		{Topic: "fast", Step: 30 * time.Second, Counts: []int64{0, 360, 5}}, // 12/s
		{Topic: "slow", Step: 30 * time.Second, Counts: []int64{0, 1, 0}},   // 2/min
	}
	var got []string
	for _, r := range topicRows(topics, series, nil, true) {
		got = append(got, r.Topic+" "+r.Rate)
	}
	want := []string{"fast 12/s", "slow 0.03/s", "idle 0/s"}
	if !cmp.Equal(got, want) {
		t.Errorf("rates %q, want %q", got, want)
	}
	got = nil
	for _, r := range topicRows(topics[1:], series[1:], nil, true) {
		got = append(got, r.Topic+" "+r.Rate)
	}
	if want := []string{"slow 2.0/min", "idle 0/min"}; !cmp.Equal(got, want) {
		t.Errorf("slow topics only: rates %q, want %q", got, want)
	}
}

func TestReplayStepPastTheEndIsTheLast(t *testing.T) {
	ts := newReplayServer(t)
	for _, target := range []string{ReplayURL(replayFlowID) + "?step=7", ReplayURL(replayFlowID) + "?step=99"} {
		rec := ts.get(t, target)
		if rec.Code != 200 {
			t.Fatalf("%s: status %d: %.300s", target, rec.Code, rec.Body)
		}
		doc := parseHTML(t, rec.Body.String())
		if got := attrs(doc, `[data-testid="replay-frame"]`, "data-step"); !cmp.Equal(got, []string{"6"}) {
			t.Errorf("%s shows step %q, want the last, 6", target, got)
		}
	}
}

func TestLiveRowsInTimeOrderWithFlowLinks(t *testing.T) {
	ts := newTestServer(t, Options{Store: sqliteWith(t, allFixtures()...), Live: NewLive(4, 0)})
	doc := parseHTML(t, ts.get(t, "/live").Body.String())
	var last time.Time
	rows := doc.Find(`[data-testid="live-row"]`)
	if rows.Length() < 3 {
		t.Fatalf("%d rows", rows.Length())
	}
	rows.Each(func(i int, r *goquery.Selection) {
		iso, _ := r.Find("time").Attr("datetime")
		at, err := time.Parse(time.RFC3339Nano, iso)
		if err != nil {
			t.Fatalf("row %d: time %q: %v", i, iso, err)
		}
		if i > 0 && at.After(last) {
			t.Errorf("row %d at %s is after the row above it (%s): want newest event time first", i, at, last)
		}
		last = at
		flow := r.Find(`[data-testid="live-flow"]`)
		if href, _ := flow.Attr("href"); href != FlowURL(flow.Text()) {
			t.Errorf("row %d: flow %q links %q", i, flow.Text(), href)
		}
	})
}
