package ui

import (
	"strconv"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/eventscope/eventscope/ui/auth"
)

// TestErrorPageBehindRequestTimeout serves error pages through ui/auth's
// middleware chain, as cmd/tracer does. Its request timeout cancels the
// request's context when the chain returns, which is before echo renders
// the error: the page must still have its body (it was an empty 404, which
// browsers replace with their own error page).
func TestErrorPageBehindRequestTimeout(t *testing.T) {
	ts := newTestServer(t, Options{})
	mws, err := auth.Middleware(auth.Config{})
	if err != nil {
		t.Fatal(err)
	}
	ts.h.(*echo.Echo).Use(mws...)
	tests := []struct {
		target string
		status int
	}{
		{"/flows/no-such-flow", 404},
		{EventURL("no-such-event"), 404},
		{"/flows/ord-1?from=x&to=y", 400},
		{"/flows/ord-1/replay?step=0", 400},
	}
	for _, tc := range tests {
		rec := ts.get(t, tc.target)
		if rec.Code != tc.status {
			t.Errorf("GET %s = %d, want %d", tc.target, rec.Code, tc.status)
			continue
		}
		doc := parseHTML(t, rec.Body.String())
		if got := attrs(doc, `[data-testid="error-page"]`, "data-status"); len(got) != 1 || got[0] != strconv.Itoa(tc.status) {
			t.Errorf("GET %s: error page %q in %d bytes of body", tc.target, got, rec.Body.Len())
		}
	}
}
