package ui

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestTimelineSection(t *testing.T) {
	v := pizzaPage(flowParams{Event: "e4", Lanes: true})
	doc := parseHTML(t, renderComp(t, timelineSection(v.Timeline)))
	if got := texts(doc, `[data-testid="timeline-lane"] .lane-label`); !cmp.Equal(got, []string{"order-service", "payment", "kitchen", "loyalty"}) {
		t.Errorf("lanes = %q", got)
	}
	if got := attrs(doc, `[data-testid="timeline-lane"]`, "data-count"); !cmp.Equal(got, []string{"2", "1", "2", "1"}) {
		t.Errorf("lane counts = %q", got)
	}
	// one mark per record, in time order, each a link selecting its event
	if got := attrs(doc, `.timeline-svg a.mark`, "data-event-id"); !cmp.Equal(got, []string{"e1", "e3", "e2", "e2", "e4", "e6"}) {
		t.Errorf("marks = %q", got)
	}
	if got := attrs(doc, `.timeline-svg a.mark.selected`, "data-event-id"); !cmp.Equal(got, []string{"e4"}) {
		t.Errorf("selected marks = %q", got)
	}
	if got := attrs(doc, `.timeline-svg a.mark[data-event-id="e3"]`, "href"); !cmp.Equal(got, []string{"/flows/ord-1?event=e3&timeline=lanes#event-e3"}) {
		t.Errorf("mark link = %q", got)
	}
	// arrows: e1→e3, e1→e2 (both records), e3→e4
	if n := doc.Find(`.timeline-svg line.arrow`).Length(); n != 4 {
		t.Errorf("%d arrows, want 4", n)
	}
	ticks := texts(doc, `.timeline-svg .tick text`)
	if len(ticks) < 4 || ticks[0] != "0" && !strings.HasPrefix(ticks[0], "-") {
		t.Errorf("ticks = %q", ticks)
	}
	if got := texts(doc, `[data-testid="timeline-window"]`); !cmp.Equal(got, []string{"-50 ms … +350 ms"}) {
		t.Errorf("window = %q", got)
	}
	if doc.Find(`[data-testid="zoom-reset"]`).Length() != 0 {
		t.Error("whole-flow link shown while not zoomed")
	}
	// zoom in halves the window around its centre and keeps the selection
	in, _ := doc.Find(`[data-testid="zoom-in"]`).Attr("hx-get")
	u, err := url.Parse(in)
	if err != nil {
		t.Fatal(err)
	}
	if got := u.Query(); got.Get("event") != "e4" || got.Get("from") != "2026-11-23T10:00:00.05Z" || got.Get("to") != "2026-11-23T10:00:00.25Z" {
		t.Errorf("zoom-in link = %s", in)
	}
}

func TestTimelineZoomWindow(t *testing.T) {
	from, to := t0.Add(100*time.Millisecond), t0.Add(250*time.Millisecond)
	v := pizzaPage(flowParams{From: from, To: to, Lanes: true})
	doc := parseHTML(t, renderComp(t, timelineSection(v.Timeline)))
	// e2 at 120 and 130, e4 at 200 are inside; e1 (0), e3 (80) and e6 (300) not
	if got := attrs(doc, `.timeline-svg a.mark`, "data-event-id"); !cmp.Equal(got, []string{"e2", "e2", "e4"}) {
		t.Errorf("marks = %q", got)
	}
	if got := texts(doc, `[data-testid="timeline-outside"]`); !cmp.Equal(got, []string{"3 events outside this window"}) {
		t.Errorf("outside = %q", got)
	}
	reset, _ := doc.Find(`[data-testid="zoom-reset"]`).Attr("href")
	if reset != "/flows/ord-1?timeline=lanes#flow-timeline" {
		t.Errorf("reset link = %q", reset)
	}
	later, _ := doc.Find(`[data-testid="pan-later"]`).Attr("hx-get")
	if u, _ := url.Parse(later); u.Query().Get("from") != "2026-11-23T10:00:00.175Z" {
		t.Errorf("pan-later link = %s", later)
	}
}

// TestFlowZoomParams: the page takes from/to, rejects bad ones with 400,
// and answers an htmx request for the timeline with just the timeline.
func TestFlowZoomParams(t *testing.T) {
	ts := newTestServer(t, Options{})
	for _, tc := range []struct {
		query string
		code  int
	}{
		{"", 200},
		{"?from=2026-11-23T10:00:00.1Z&to=2026-11-23T10:00:00.25Z", 200},
		{"?from=2026-11-23T10:00:00Z", 400},
		{"?to=2026-11-23T10:00:00Z", 400},
		{"?from=yesterday&to=2026-11-23T10:00:00Z", 400},
		{"?from=2026-11-23T10:00:00Z&to=soon", 400},
		{"?from=2026-11-23T10:00:01Z&to=2026-11-23T10:00:00Z", 400},
		{"?from=2026-11-23T10:00:00Z&to=2026-11-23T10:00:00Z", 400},
		{"?expand=kitchen", 400},
		{"?expand=group:kitchen/PizzaPrepared", 200},
	} {
		rec := ts.get(t, "/flows/ord-1"+tc.query)
		if rec.Code != tc.code {
			t.Errorf("%s: %d, want %d: %.200s", tc.query, rec.Code, tc.code, rec.Body)
		}
		if tc.code == 400 && !strings.Contains(rec.Body.String(), `data-testid="error-page"`) {
			t.Errorf("%s: no error page", tc.query)
		}
	}
	rec := ts.get(t, "/flows/ord-1?from=2026-11-23T10:00:00.1Z&to=2026-11-23T10:00:00.25Z",
		"HX-Request", "true", "HX-Target", "flow-timeline")
	body := rec.Body.String()
	if rec.Code != 200 || strings.Contains(body, "<html") || !strings.HasPrefix(body, `<section id="flow-timeline"`) {
		t.Fatalf("timeline fragment: %d %.300s", rec.Code, body)
	}
	if n := parseHTML(t, body).Find(`.timeline-svg a.mark`).Length(); n != 3 {
		t.Errorf("fragment has %d marks, want 3", n)
	}
}
