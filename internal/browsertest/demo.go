// Package browsertest drives the real product in a real browser: it starts
// `tracer demo` (through internal/tracerproc: the real binary on a free
// 127.0.0.1 port) with an embedded store in a temporary directory, waits
// until it is ready, and opens pages in headless chromium (Debian's
// /usr/bin/chromium, or the binary EVENTSCOPE_CHROMIUM names; never a
// downloaded one) through chromedp. Without chromium a test fails when
// CI=true and is skipped loudly otherwise. Screenshots go to
// testdata/screenshots/ of the test's package (gitignored) for people to
// look at.
package browsertest

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/eventscope/eventscope/internal/tracerproc"
)

// Demo is a running `tracer demo`.
type Demo struct {
	*tracerproc.Proc
}

// StartDemo starts `tracer demo` with args and an embedded store in t's
// temporary directory, waits for /readyz, and stops it with SIGTERM when t
// ends (failing t when it does not exit cleanly).
func StartDemo(t testing.TB, args ...string) *Demo {
	t.Helper()
	p := tracerproc.Start(t, append([]string{"demo", "--store", "sqlite://" + filepath.Join(t.TempDir(), "events.db")}, args...)...)
	p.WaitReady(t, 60*time.Second)
	return &Demo{p}
}
