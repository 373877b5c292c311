package ui

import (
	"context"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// browser starts headless chromium (EVENTSCOPE_CHROMIUM, else
// /usr/bin/chromium) for the test. Without chromium the test fails when
// CI=true and is skipped otherwise.
func browser(t *testing.T) context.Context {
	t.Helper()
	bin := os.Getenv("EVENTSCOPE_CHROMIUM")
	if bin == "" {
		bin = "/usr/bin/chromium"
	}
	if _, err := exec.LookPath(bin); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("chromium not found at %s (CI=true): %v", bin, err)
		}
		t.Skipf("SKIPPED BROWSER TEST: chromium not found at %s (install it with apt-get install -y --no-install-recommends chromium, or set EVENTSCOPE_CHROMIUM): %v", bin, err)
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
	if err := chromedp.Do(ctx); err != nil { // start the browser without a deadline
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// do runs actions with a deadline.
func do(t *testing.T, ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(c, actions...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// eval evaluates a JavaScript expression.
func eval[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	v, err := chromedp.Run(c, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// waitFor polls a JavaScript predicate until it is true (no sleeps).
func waitFor(t *testing.T, ctx context.Context, what, predicate string) {
	t.Helper()
	do(t, ctx, "wait for "+what, chromedp.Steps(func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		_, err := chromedp.Poll[chromedp.Void](predicate, chromedp.WithPollingTimeout(10*time.Second))(ctx, tg)
		return chromedp.Void{}, err
	}))
}

func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	png, err := chromedp.Run(c, chromedp.FullScreenshot(100)) // quality 100: PNG
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	dir := filepath.Join("testdata", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

const (
	jsFrameStep = `+document.getElementById("replay-frame").dataset.step`
	jsType      = `document.querySelector("[data-testid=replay-current-type]").textContent`
)

// jsField is the text of a state field of entity pizza-1 ("" when absent).
func jsField(path, part string) string {
	return `(function(){var f=document.querySelector('[data-testid=entity-state][data-entity="pizza-1"] [data-path="` +
		path + `"]');return f?(` + part + `):""})()`
}

// TestReplayBrowser steps through a compensated pizza order in chromium:
// forward to PaymentFailed, to the end, back to the cancellation, and plays
// it at 8x.
func TestReplayBrowser(t *testing.T) {
	ctx := browser(t)
	srv := httptest.NewServer(New(Options{Store: newFakeStore(replayPizza()...)}))
	defer srv.Close()
	do(t, ctx, "open replay", chromedp.Navigate(srv.URL+ReplayURL(replayFlowID)))
	waitFor(t, ctx, "replay.js", `document.documentElement.classList.contains("js-replay")`)

	for step := 2; eval[string](t, ctx, jsType) != "PaymentFailed"; step++ {
		if step > 6 {
			t.Fatalf("pressed → to the end without reaching PaymentFailed")
		}
		do(t, ctx, "press →", chromedp.KeyEvent(kb.ArrowRight))
		waitFor(t, ctx, "step "+strconv.Itoa(step), jsFrameStep+` === `+strconv.Itoa(step))
	}
	if got := eval[string](t, ctx, jsField("paymentStatus", `f.dataset.change+" "+f.querySelector("[data-testid=state-value]").textContent`)); got != `added "failed"` {
		t.Errorf("paymentStatus at PaymentFailed = %q, want added \"failed\"", got)
	}
	if got := eval[string](t, ctx, `location.search`); got != "?step=4" {
		t.Errorf("URL at PaymentFailed has %q, want ?step=4", got)
	}
	if got := eval[string](t, ctx, `document.querySelector("[data-testid=replay-row].current").dataset.eventId`); got != "r3" {
		t.Errorf("current row %q, want r3", got)
	}
	screenshot(t, ctx, "replay-payment-failed.png")

	do(t, ctx, "press End", chromedp.KeyEvent(kb.End))
	waitFor(t, ctx, "last step", jsFrameStep+` === 6`)
	for path, want := range map[string]string{"status": `"cancelled"`, "cancelReason": `"payment failed"`, "kitchenStatus": ``} {
		if got := eval[string](t, ctx, jsField(path, `f.querySelector("[data-testid=state-value]").textContent`)); got != want {
			t.Errorf("%s at the end = %q, want %q", path, got, want)
		}
	}
	do(t, ctx, "press ←", chromedp.KeyEvent(kb.ArrowLeft))
	waitFor(t, ctx, "OrderCancelled", jsFrameStep+` === 5`)
	if got := eval[string](t, ctx, jsType); got != "OrderCancelled" {
		t.Errorf("step 5 is %q", got)
	}
	if got := eval[string](t, ctx, jsField("kitchenStatus", `f.dataset.change+" "+f.querySelector("del").textContent`)); got != `removed "prepared"` {
		t.Errorf("kitchenStatus at OrderCancelled = %q, want removed \"prepared\"", got)
	}
	if got := eval[string](t, ctx, jsField("status", `f.querySelector("[data-testid=state-old]").textContent`)); got != `was "placed"` {
		t.Errorf("status at OrderCancelled shows %q, want was \"placed\"", got)
	}
	screenshot(t, ctx, "replay-order-cancelled.png")

	// play at 8x from the start: the step advances on its own to the end
	do(t, ctx, "press Home, 8x", chromedp.KeyEvent(kb.Home), chromedp.SetValue(chromedp.CSS("[data-testid=replay-speed]"), "8"))
	waitFor(t, ctx, "first step", jsFrameStep+` === 1`)
	do(t, ctx, "play", chromedp.Click(chromedp.CSS("[data-testid=replay-play]")))
	waitFor(t, ctx, "playing", `document.querySelector("[data-testid=replay-play]").getAttribute("aria-pressed") === "true"`)
	waitFor(t, ctx, "the step to advance", jsFrameStep+` >= 3`)
	waitFor(t, ctx, "the end and a pause", jsFrameStep+` === 6 && document.querySelector("[data-testid=replay-play]").getAttribute("aria-pressed") === "false"`)
	if got := eval[string](t, ctx, `document.querySelector("[data-testid=replay-slider]").value`); got != "6" {
		t.Errorf("slider at %s after playing, want 6", got)
	}
	screenshot(t, ctx, "replay-played.png")
}

// TestReplayBrowserFrames1k measures in chromium how long each step of a
// 1k-event flow takes to show (key press to swapped frame, as replay.js
// records it in data-frame-ms).
func TestReplayBrowserFrames1k(t *testing.T) {
	if testing.Short() {
		t.Skip("skipped in -short: measures frame times")
	}
	ctx := browser(t)
	srv := httptest.NewServer(New(Options{Store: newFakeStore(replayFlow1k()...)}))
	defer srv.Close()
	do(t, ctx, "open replay", chromedp.Navigate(srv.URL+ReplayURL("batch-1000")+"?step=500"))
	waitFor(t, ctx, "replay.js", `document.documentElement.classList.contains("js-replay")`)
	var ms []int
	for step := 501; step <= 530; step++ {
		do(t, ctx, "press →", chromedp.KeyEvent(kb.ArrowRight))
		waitFor(t, ctx, "step "+strconv.Itoa(step), jsFrameStep+` === `+strconv.Itoa(step))
		ms = append(ms, eval[int](t, ctx, `+document.querySelector("[data-testid=replay-page]").dataset.frameMs`))
	}
	slices.Sort(ms)
	t.Logf("1k-event flow, 30 steps: frame ms p50 %d, p90 %d, max %d", ms[len(ms)/2], ms[len(ms)*9/10], ms[len(ms)-1])
	if ms[len(ms)/2] > 100 {
		t.Errorf("median frame %d ms, want under 100 ms", ms[len(ms)/2])
	}
	screenshot(t, ctx, "replay-1k.png")
}
