package ui

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
)

// testServer is the UI over a fake store, with its log captured.
type testServer struct {
	h   http.Handler
	st  *fakeStore
	log *bytes.Buffer
}

func newTestServer(t *testing.T, opts Options) *testServer {
	t.Helper()
	ts := &testServer{log: &bytes.Buffer{}}
	if opts.Store == nil {
		ts.st = newFakeStore(allFixtures()...)
		opts.Store = ts.st
	} else if fs, ok := opts.Store.(*fakeStore); ok {
		ts.st = fs
	}
	opts.Logger = slog.New(slog.NewTextHandler(ts.log, nil))
	if opts.Now == nil {
		opts.Now = func() time.Time { return t0.Add(time.Hour) }
	}
	ts.h = New(opts)
	return ts
}

// get requests target (a raw request-URI, so escapes stay as written).
func (ts *testServer) get(t *testing.T, target string, hdr ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	ts.h.ServeHTTP(rec, req)
	return rec
}

func decodeJSON(t *testing.T, rec *httptest.ResponseRecorder, v any) {
	t.Helper()
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("Content-Type = %q, want JSON; body %s", ct, rec.Body)
	}
	if err := json.Unmarshal(rec.Body.Bytes(), v); err != nil {
		t.Fatalf("decode %s: %v", rec.Body, err)
	}
}

func parseHTML(t *testing.T, body string) *goquery.Document {
	t.Helper()
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(body))
	if err != nil {
		t.Fatalf("parse HTML: %v", err)
	}
	return doc
}

// texts returns the trimmed text of every match of sel.
func texts(doc *goquery.Document, sel string) []string {
	var out []string
	doc.Find(sel).Each(func(_ int, s *goquery.Selection) {
		out = append(out, strings.Join(strings.Fields(s.Text()), " "))
	})
	return out
}

func attrs(doc *goquery.Document, sel, attr string) []string {
	var out []string
	doc.Find(sel).Each(func(_ int, s *goquery.Selection) {
		v, _ := s.Attr(attr)
		out = append(out, v)
	})
	return out
}

type ctxT = context.Context

func sortStrings(s []string) { sort.Strings(s) }
