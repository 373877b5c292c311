package ui

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/redrive"
	"github.com/eventscope/eventscope/store"
	"github.com/eventscope/eventscope/store/storetest"
	"github.com/eventscope/eventscope/ui/auth"
)

// fakeProducer records what it is asked to produce.
type fakeProducer struct {
	mu   sync.Mutex
	recs []redrive.Record
}

func (p *fakeProducer) Produce(_ context.Context, r redrive.Record) (store.Coord, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.recs = append(p.recs, r)
	return store.Coord{Topic: r.Topic, Partition: 0, Offset: int64(99 + len(p.recs))}, nil
}

func (p *fakeProducer) count() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.recs)
}

// redriveServer serves failureFixture plus a Spring dead letter behind
// proxy auth (the user in X-User) with redrive on when p is not nil.
func redriveServer(t *testing.T, p redrive.Producer) http.Handler {
	t.Helper()
	var o *RedriveOptions
	if p != nil {
		o = &RedriveOptions{Producer: p, Operators: []string{"alice"}, Secret: []byte("s")}
	}
	return redriveServerWith(t, o, springDeadLetter(7, "k-9", "boom 42"))
}

// springDeadLetter is a dead letter of flow f9 on payments.DLT at offset
// off, with Spring's origin header and exception message.
func springDeadLetter(off int64, key, msg string) event.Event {
	dl := storetest.MakeEvent("payments.DLT", 0, off, "p9", "f9", "", t0.Add(4*time.Minute))
	dl.Type, dl.Source, dl.Key, dl.Payload = "PaymentRequested", "billing", key, []byte(`{"amount":5}`)
	dl.Headers = []event.Header{{Key: "correlation-id", Value: "f9"}, {Key: "kafka_dlt-original-topic", Value: "payments"},
		{Key: "kafka_dlt-exception-message", Value: msg}}
	return dl
}

// redriveServerWith serves failureFixture plus extra behind proxy auth
// (the user in X-User) with redrive options o (nil: off).
func redriveServerWith(t *testing.T, o *RedriveOptions, extra ...event.Event) http.Handler {
	t.Helper()
	st := sqliteWith(t, append(failureFixture(), extra...)...)
	e := New(Options{Store: st, Now: func() time.Time { return t0.Add(time.Hour) }, Redrive: o})
	mws, err := auth.Middleware(auth.Config{Mode: auth.ModeProxy, ProxyHeader: "X-User",
		ProxyTrusted: []netip.Prefix{netip.MustParsePrefix("192.0.2.0/24")}, SearchRate: -1})
	if err != nil {
		t.Fatal(err)
	}
	e.Use(mws...)
	return e
}

func do(t *testing.T, h http.Handler, method, target, user string, form url.Values, hdr ...string) *httptest.ResponseRecorder {
	t.Helper()
	var req *http.Request
	if form != nil {
		req = httptest.NewRequest(method, target, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		req = httptest.NewRequest(method, target, nil)
	}
	if user != "" {
		req.Header.Set("X-User", user)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

var tokenRE = regexp.MustCompile(`name="token" value="([0-9a-f]+)"`)

func TestRedrive(t *testing.T) {
	p := &fakeProducer{}
	h := redriveServer(t, p)
	const target = "/failures/redrive?record=payments.DLT%2F0%2F7"
	if rec := do(t, h, "GET", "/failures", "alice", nil); !strings.Contains(rec.Body.String(), `href="`+strings.ReplaceAll(target, "%2F", "%2F")+`"`) {
		t.Errorf("/failures has no redrive link to %s", target)
	}
	if rec := do(t, h, "GET", target, "bob", nil); rec.Code != http.StatusForbidden {
		t.Errorf("a non-operator's confirmation page = %d, want 403", rec.Code)
	}
	rec := do(t, h, "GET", target, "alice", nil)
	body := rec.Body.String()
	if rec.Code != http.StatusOK || !strings.Contains(body, `data-testid="redrive-topic">payments<`) ||
		!strings.Contains(body, "eventscope-redriven-by") || !strings.Contains(body, `{&#34;amount&#34;:5}`) {
		t.Fatalf("confirmation = %d %s", rec.Code, body)
	}
	m := tokenRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no token on the confirmation page")
	}
	form := func(extra ...string) url.Values {
		v := url.Values{"record": {"payments.DLT/0/7"}, "token": {m[1]}}
		for i := 0; i+1 < len(extra); i += 2 {
			v.Set(extra[i], extra[i+1])
		}
		return v
	}
	for name, c := range map[string]struct {
		user string
		f    url.Values
		hdr  []string
	}{
		"no token":     {"alice", url.Values{"record": {"payments.DLT/0/7"}}, nil},
		"bob's token":  {"bob", form(), nil},
		"cross-origin": {"alice", form(), []string{"Sec-Fetch-Site", "cross-site"}},
	} {
		if rec := do(t, h, "POST", "/failures/redrive", c.user, c.f, c.hdr...); rec.Code != http.StatusForbidden {
			t.Errorf("%s: POST = %d, want 403", name, rec.Code)
		}
	}
	if rec := do(t, h, "POST", "/failures/redrive", "alice", form("dry_run", "1")); rec.Code != http.StatusOK || p.count() != 0 {
		t.Errorf("dry run = %d, produced %d", rec.Code, p.count())
	}
	if rec := do(t, h, "POST", "/failures/redrive", "alice", form()); rec.Code != http.StatusOK || p.count() != 1 {
		t.Fatalf("redrive = %d %s, produced %d", rec.Code, rec.Body, p.count())
	}
	r := p.recs[0]
	if r.Topic != "payments" || string(r.Key) != "k-9" || string(r.Value) != `{"amount":5}` ||
		r.Headers[len(r.Headers)-2] != (event.Header{Key: redrive.HeaderFrom, Value: "payments.DLT/0/7"}) ||
		r.Headers[len(r.Headers)-1] != (event.Header{Key: redrive.HeaderBy, Value: "alice"}) {
		t.Errorf("produced %+v", r)
	}
	if rec := do(t, h, "POST", "/failures/redrive", "alice", form()); rec.Code != http.StatusConflict || p.count() != 1 {
		t.Errorf("second redrive = %d, produced %d; want 409 and nothing", rec.Code, p.count())
	}
	if rec := do(t, h, "POST", "/failures/redrive", "alice", form("force", "1")); rec.Code != http.StatusOK || p.count() != 2 {
		t.Errorf("forced redrive = %d, produced %d", rec.Code, p.count())
	}
	body = do(t, h, "GET", "/failures", "alice", nil).Body.String()
	if n := strings.Count(body, `data-testid="audit-row"`); n != 4 {
		t.Errorf("audit log shows %d rows, want 4 (dry run, ok, refused, ok)", n)
	}
	if !strings.Contains(body, `data-type="PaymentRequested" data-state="redriven"`) {
		t.Error("the redriven group is not marked redriven")
	}
}

func TestRedriveOff(t *testing.T) {
	h := redriveServer(t, nil)
	if rec := do(t, h, "GET", "/failures/redrive?record=payments.DLT%2F0%2F7", "alice", nil); rec.Code != http.StatusNotFound {
		t.Errorf("GET with redrive off = %d, want 404", rec.Code)
	}
	if rec := do(t, h, "POST", "/failures/redrive", "alice", url.Values{"record": {"payments.DLT/0/7"}}); rec.Code != http.StatusNotFound {
		t.Errorf("POST with redrive off = %d, want 404", rec.Code)
	}
	if body := do(t, h, "GET", "/failures", "alice", nil).Body.String(); strings.Contains(body, "redrive-link") {
		t.Error("the redrive button shows with redrive off")
	}
}

func TestRedriveNeedsAuth(t *testing.T) {
	ts := newTestServer(t, Options{Store: sqliteWith(t, failureFixture()...),
		Redrive: &RedriveOptions{Producer: &fakeProducer{}, Operators: []string{""}, Secret: []byte("s")}})
	if rec := ts.get(t, "/failures/redrive?record=orders.DLT%2F0%2F0"); rec.Code != http.StatusForbidden {
		t.Errorf("unauthenticated confirmation = %d, want 403", rec.Code)
	}
}
