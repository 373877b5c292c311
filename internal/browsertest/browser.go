package browsertest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// EnvChromium names the chromium binary; the default is /usr/bin/chromium.
const EnvChromium = "EVENTSCOPE_CHROMIUM"

// Browser is one headless chromium tab for a test. Every method fails the
// test on error and bounds its wait with a deadline.
type Browser struct {
	t   testing.TB
	ctx context.Context
}

// ChromiumPath returns the chromium binary to use, or an error when it is
// not installed.
func ChromiumPath() (string, error) {
	bin := os.Getenv(EnvChromium)
	if bin == "" {
		bin = "/usr/bin/chromium"
	}
	return exec.LookPath(bin)
}

// NewBrowser starts headless chromium with a fresh profile, closed when t
// ends. Without chromium it fails t when CI=true and skips it otherwise.
func NewBrowser(t testing.TB) *Browser {
	t.Helper()
	bin, err := ChromiumPath()
	if err != nil {
		msg := "SKIPPING BROWSER TEST: chromium not found (" + err.Error() + "); install it with " +
			"`apt-get install -y --no-install-recommends chromium` or set " + EnvChromium
		if os.Getenv("CI") == "true" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(bin), chromedp.UserDataDir(t.TempDir()),
		chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.WindowSize(1400, 1000),
	)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(alloc)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil { // start the browser (no deadline: first start is slow)
		t.Fatalf("start chromium %s: %v", bin, err)
	}
	return &Browser{t: t, ctx: ctx}
}

// Do runs actions within 20 seconds.
func (b *Browser) Do(what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
}

// Navigate opens url and waits for the page to load.
func (b *Browser) Navigate(url string) {
	b.t.Helper()
	b.Do("navigate to "+url, chromedp.Navigate(url))
}

// WaitVisible waits until an element matching the CSS selector is visible.
func (b *Browser) WaitVisible(css string) {
	b.t.Helper()
	b.Do("wait for "+css, chromedp.WaitVisible(chromedp.CSS(css)))
}

// WaitFor polls a JavaScript predicate until it is true, for at most within.
func (b *Browser) WaitFor(what, predicate string, within time.Duration) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, within+5*time.Second)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](predicate, chromedp.WithPollingTimeout(within))); err != nil {
		b.t.Fatalf("wait for %s (%s): %v", what, predicate, err)
	}
}

// Submit types value into the input matching the CSS selector and submits
// its form, then waits for the next page to load.
func (b *Browser) Submit(css, value string) {
	b.t.Helper()
	b.Do("submit "+value+" in "+css, chromedp.SetValue(chromedp.CSS(css), value), chromedp.Submit(chromedp.CSS(css)))
}

// Location is the current URL.
func (b *Browser) Location() string {
	b.t.Helper()
	return Eval[string](b, "document.location.href")
}

// Eval evaluates a JavaScript expression and returns its value.
func Eval[T any](b *Browser, expr string) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		b.t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// Screenshot saves a full-page PNG as testdata/screenshots/name (relative
// to the test's package directory) and returns its path.
func (b *Browser) Screenshot(name string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 15*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)) // quality 100: PNG
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	return b.save(name, png)
}

// save writes png as testdata/screenshots/name, making the folder (it is
// gitignored, so a fresh clone lacks it), and returns its path.
func (b *Browser) save(name string, png []byte) string {
	b.t.Helper()
	dir := filepath.Join("testdata", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
	return path
}

// Click clicks the first element matching the CSS selector.
func (b *Browser) Click(css string) {
	b.t.Helper()
	b.Do("click "+css, chromedp.Click(chromedp.CSS(css)))
}

// ViewportScreenshot saves what the viewport shows (not the whole page)
// as testdata/screenshots/name; docs/flow.png is one.
func (b *Browser) ViewportScreenshot(name string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 15*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	return b.save(name, png)
}
