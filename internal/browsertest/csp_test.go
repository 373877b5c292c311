package browsertest

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// cspRecorder is added to every document before its own scripts, through
// DevTools (which the page's CSP does not govern): it keeps every
// securitypolicyviolation event of the page in window.__cspViolations.
const cspRecorder = `window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " blocked " + (e.blockedURI || "inline") +
    " at " + e.sourceFile + ":" + e.lineNumber + " sample " + JSON.stringify(e.sample || ""));
});`

// pageWatch records what a tab reports that a correct page never does:
// console and log messages about the Content Security Policy, uncaught
// exceptions, and JavaScript dialogs (alert, confirm, prompt), which it
// dismisses so that the page goes on.
type pageWatch struct {
	b          *Browser
	mu         sync.Mutex
	csp        []string
	exceptions []string
	dialogs    []string
}

// watchPage starts recording on b's tab; call it before navigating.
func watchPage(t *testing.T, b *Browser) *pageWatch {
	t.Helper()
	w := &pageWatch{b: b}
	err := chromedp.Listen(b.ctx, func(ev any) {
		switch e := ev.(type) {
		case *cdplog.EventEntryAdded:
			w.note(&w.csp, e.Entry.Text+" ("+e.Entry.URL+")")
		case *runtime.EventConsoleAPICalled:
			var parts []string
			for _, a := range e.Args {
				parts = append(parts, strings.Trim(string(a.Value), `"`)+a.Description)
			}
			w.note(&w.csp, strings.Join(parts, " "))
		case *runtime.EventExceptionThrown:
			w.add(&w.exceptions, e.ExceptionDetails.Text+" "+exceptionText(e.ExceptionDetails))
		case *page.EventJavascriptDialogOpening:
			w.add(&w.dialogs, string(e.Type)+": "+e.Message)
			go chromedp.Call(b.ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{}) //nolint:errcheck // best effort: the dialog already failed the test
		}
	})
	if err != nil {
		t.Fatalf("listen to the tab: %v", err)
	}
	if _, err := chromedp.Call(b.ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: cspRecorder}); err != nil {
		t.Fatalf("add the CSP recorder: %v", err)
	}
	return w
}

func exceptionText(d *runtime.ExceptionDetails) string {
	if d.Exception != nil {
		return d.Exception.Description
	}
	return ""
}

// note keeps msg when it is about the Content Security Policy.
func (w *pageWatch) note(list *[]string, msg string) {
	if strings.Contains(msg, "Content Security Policy") || strings.Contains(msg, "Content-Security-Policy") {
		w.add(list, msg)
	}
}

func (w *pageWatch) add(list *[]string, msg string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	*list = append(*list, msg)
}

// check fails t with everything recorded since the last check, the page's
// own violation list included, and starts afresh.
func (w *pageWatch) check(t *testing.T, where string) {
	t.Helper()
	seen := Eval[[]string](w.b, `window.__cspViolations || ["the CSP recorder did not run"]`)
	w.mu.Lock()
	csp, exc, dlg := w.csp, w.exceptions, w.dialogs
	w.csp, w.exceptions, w.dialogs = nil, nil, nil
	w.mu.Unlock()
	for _, v := range seen {
		t.Errorf("%s: CSP violation event: %s", where, v)
	}
	for _, m := range csp {
		t.Errorf("%s: console: %s", where, m)
	}
	for _, m := range exc {
		t.Errorf("%s: uncaught exception: %s", where, m)
	}
	for _, m := range dlg {
		t.Errorf("%s: a JavaScript dialog opened: %s", where, m)
	}
	Eval[bool](w.b, `(window.__cspViolations = [], true)`)
}

// TestCSPInBrowser opens every kind of page of the demo in chromium, and
// uses the parts that swap content in (htmx detail, group and zoom; replay
// frames; the live stream): the server's CSP (script-src 'self',
// style-src 'self') must not block anything, and no script may fail.
func TestCSPInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the demo and chromium")
	}
	b := NewBrowser(t)
	w := watchPage(t, b)
	d := StartDemo(t, "--rate", "5")
	corr := waitForFlowWith(t, d.URL, "", false, 60*time.Second)
	flow := d.URL + "/flows/" + url.PathEscape(corr)

	pages := []struct {
		name, path, ready string
		use               func(t *testing.T)
	}{
		{name: "dashboard", path: "/", ready: `[data-testid=dashboard]`},
		{name: "search", path: "/search?q=*", ready: `[data-testid=flow-row]`},
		{name: "flow, Gantt", path: "/flows/" + url.PathEscape(corr), ready: `[data-testid=gantt-svg]`},
		{name: "flow", path: "/flows/" + url.PathEscape(corr) + "?timeline=lanes", ready: `[data-testid=graph-svg]`, use: func(t *testing.T) {
			// the tree indents by classes in app.css, not style attributes
			pad := Eval[[]string](b, `[0, 1].map(d => { const td = document.querySelector("[data-testid=tree-row][data-depth='" + d + "'] td.type"); return td ? getComputedStyle(td).paddingLeft : ""; })`)
			if len(pad) != 2 || pad[0] == "" || pad[1] == "" || pad[0] == pad[1] {
				t.Errorf("tree rows of depth 0 and 1 are padded %q: want two different indents", pad)
			}
			// panzoom moves the graph through the CSSOM, never a style attribute
			b.Click(`[data-testid=graph-zoom-in]`)
			waitView(b, "zoomed graph", `v[2] * v[3] < (b => b.width * b.height * 0.8)(document.querySelector("[data-testid=graph-svg]").viewBox.baseVal)`)
			b.Click(`[data-testid=graph-zoom-fit]`)
			id := Eval[string](b, `Array.from(document.querySelectorAll(".graph-svg a.node[data-event-id]")).pop().dataset.eventId`)
			clickEvent(t, b, id)
			b.Click(`[data-testid=zoom-in]`)
			b.WaitFor("zoomed timeline", `location.search.includes("from=")`, 5*time.Second)
		}},
		{name: "event", path: "", ready: `[data-testid=main]`},
		{name: "replay", path: "/flows/" + url.PathEscape(corr) + "/replay", ready: `[data-testid=replay-frame]`, use: func(t *testing.T) {
			b.Do("press ArrowRight", chromedp.KeyEvent(kb.ArrowRight))
			b.WaitFor("step 2", `document.getElementById("replay-frame").dataset.step === "2"`, 5*time.Second)
		}},
		{name: "services", path: "/services", ready: `[data-testid=service-map] svg`},
		{name: "compare", path: "/compare?a=" + url.QueryEscape(corr) + "&b=" + url.QueryEscape(corr), ready: `[data-testid=compare-page] svg`},
		{name: "live", path: "/live", ready: `#live`, use: func(t *testing.T) {
			b.WaitFor("a streamed event", `document.querySelectorAll("[data-testid=live-row].new").length > 0`, 10*time.Second)
		}},
		{name: "bad query", path: "/search?q=" + url.QueryEscape("colour:red"), ready: `[data-testid=search-error]`},
		{name: "not found", path: "/flows/no-such-flow", ready: `[data-testid=error-page]`},
	}
	for _, p := range pages {
		t.Run(p.name, func(t *testing.T) {
			target := d.URL + p.path
			if p.name == "event" { // the first event of the flow
				b.Navigate(flow)
				b.WaitVisible(`[data-testid=event-page-link]`)
				target = Eval[string](b, `document.querySelector("[data-testid=event-page-link]").href`)
				w.check(t, "flow before the event page")
			}
			if p.name == "not found" { // chromedp reports a 404 as an error, but the page loads
				ctx, cancel := context.WithTimeout(b.ctx, 20*time.Second)
				err := chromedp.Do(ctx, chromedp.Navigate(target))
				cancel()
				if err != nil && !strings.Contains(err.Error(), "ERR_HTTP_RESPONSE_CODE_FAILURE") {
					t.Fatalf("navigate to %s: %v", target, err)
				}
			} else {
				b.Navigate(target)
			}
			b.WaitVisible(p.ready)
			if p.use != nil {
				p.use(t)
			}
			w.check(t, p.name+" "+strconv.Quote(target))
		})
	}
}
