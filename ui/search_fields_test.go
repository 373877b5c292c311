package ui

import (
	"context"
	"strings"
	"testing"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/store"
)

// TestSearchFieldSuggestions: after a type: term the search page lists
// that type's payload fields as links (no script), and following one
// searches with has:payload.PATH.
func TestSearchFieldSuggestions(t *testing.T) {
	mk := func(off int64, id, typ, payload string) event.Event {
		e := event.Event{Topic: "payments", Offset: off, EventID: id, CorrelationID: "f-" + id, Type: typ,
			Time: t0, KafkaTime: t0, Payload: []byte(payload)}
		e.PayloadSize = len(e.Payload)
		return e
	}
	ts := newTestServer(t, Options{Store: sqliteWith(t,
		mk(1, "a", "PaymentAuthorized", `{"amount":12.5,"card":{"last4":"4242"}}`),
		mk(2, "b", "PaymentAuthorized", `{"amount":600}`),
		mk(3, "c", "Other", `{"zzz":1}`))})
	rec := ts.get(t, "/search?q=type%3APaymentAuthorized")
	body := rec.Body.String()
	if rec.Code != 200 || !strings.Contains(body, `data-testid="field-suggestions"`) {
		t.Fatalf("status %d, no suggestions: %s", rec.Code, body)
	}
	for _, want := range []string{`data-term="payload.amount"`, `data-term="payload.card.last4"`,
		`href="/search?q=type%3APaymentAuthorized+has%3Apayload.card"`} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	if strings.Contains(body, "payload.zzz") {
		t.Errorf("page suggests another type's field")
	}
	rec = ts.get(t, "/search?q=type%3APaymentAuthorized+has%3Apayload.card")
	if body := rec.Body.String(); rec.Code != 200 || !strings.Contains(body, "f-a") || strings.Contains(body, "f-b") {
		t.Errorf("following the suggestion: status %d, want flow f-a only", rec.Code)
	}
	rec = ts.get(t, "/search?q=type%3APaymentAuthorized+payload.amount%3E500")
	if body := rec.Body.String(); rec.Code != 200 || !strings.Contains(body, "f-b") || strings.Contains(body, "f-a") {
		t.Errorf("payload.amount>500: status %d, want flow f-b only", rec.Code)
	}
}

// TestSearchSaysTruncated: a payload search that finds a flow by a
// payload cut at the size limit says so, on the page and in /api/flows;
// other searches do not.
func TestSearchSaysTruncated(t *testing.T) {
	mk := func(off int64, id, payload string, cut bool) event.Event {
		e := event.Event{Topic: "orders", Offset: off, EventID: id, CorrelationID: "f-" + id, Type: "OrderPlaced",
			Time: t0, KafkaTime: t0, Payload: []byte(payload), Truncated: cut}
		e.PayloadSize = len(e.Payload)
		if cut {
			e.PayloadSize = 1 << 20
		}
		return e
	}
	ts := newTestServer(t, Options{Store: sqliteWith(t,
		mk(1, "a", `{"customer":{"id":"cus-1"},"items":[{"sku":"A`, true),
		mk(2, "b", `{"customer":{"id":"cus-2"}}`, false))})
	rec := ts.get(t, "/search?q=payload.customer.id%3Acus-*")
	body := rec.Body.String()
	if rec.Code != 200 || strings.Count(body, `data-testid="truncated-badge"`) != 1 ||
		!strings.Contains(body, `data-testid="search-truncated"`) || !strings.Contains(body, "1 of these flows holds a payload cut") {
		t.Errorf("payload search: status %d, want one truncated badge and the note: %s", rec.Code, body)
	}
	rec = ts.get(t, "/search?q=type%3AOrderPlaced")
	if body := rec.Body.String(); strings.Contains(body, "truncated-badge") || strings.Contains(body, "search-truncated") {
		t.Errorf("type search marks truncated flows")
	}
	rec = ts.get(t, "/api/flows?q=%22cus-%22")
	if body := rec.Body.String(); rec.Code != 200 || strings.Count(body, `"payload_truncated":true`) != 1 {
		t.Errorf("/api/flows text search: status %d, want one payload_truncated: %s", rec.Code, body)
	}
}

// cutStore answers every search as a store that stopped at its time
// budget (store.FlowPage.ScanCut) after the flows it found.
type cutStore struct {
	store.Store
	next string
}

func (c cutStore) Flows(ctx context.Context, q store.FlowQuery) (store.FlowPage, error) {
	p, err := c.Store.Flows(ctx, q)
	p.ScanCut, p.NextCursor = true, c.next
	return p, err
}

// TestSearchSaysScanCut: a search the store cut short says so on /search
// (with what was found and Next →, or how to narrow it when it got
// nowhere) and in /api/flows, with status 200.
func TestSearchSaysScanCut(t *testing.T) {
	e := event.Event{Topic: "orders", EventID: "a", CorrelationID: "f-a", Type: "OrderPlaced", Time: t0, KafkaTime: t0,
		Payload: []byte(`{"n":1}`), PayloadSize: 7}
	base := sqliteWith(t, e)
	cursor := store.EncodeCursor(store.Cursor{LastTime: t0, FlowID: "f-a"})
	ts := newTestServer(t, Options{Store: cutStore{base, cursor}})
	rec := ts.get(t, "/search?q=payload.n%3E0")
	body := rec.Body.String()
	if rec.Code != 200 || !strings.Contains(body, `data-testid="search-cut"`) || !strings.Contains(body, "the matches found so far") ||
		!strings.Contains(body, `data-testid="next-page"`) || strings.Contains(body, "search-empty") {
		t.Errorf("cut search with a match: status %d, want the note, the flow and Next: %s", rec.Code, body)
	}
	rec = ts.get(t, "/api/flows?q=payload.n%3E0")
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"scan_cut":true`) {
		t.Errorf("/api/flows: status %d, want scan_cut: %s", rec.Code, rec.Body.String())
	}
	ts = newTestServer(t, Options{Store: cutStore{base, ""}})
	rec = ts.get(t, "/search?q=payload.n%3E5")
	body = rec.Body.String()
	if rec.Code != 200 || !strings.Contains(body, "Narrow it") || strings.Contains(body, "No flow matches") {
		t.Errorf("cut search with nothing: status %d, want the note to narrow it, not 'no flow matches': %s", rec.Code, body)
	}
}
