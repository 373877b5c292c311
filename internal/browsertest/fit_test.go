package browsertest

import (
	"fmt"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// viewports are the sizes the pages must fit: a laptop and a phone.
var viewports = []struct {
	name string
	w, h int64
}{{"1440x900", 1440, 900}, {"390x844", 390, 844}}

// TestPagesFit opens the key pages of the demo at 1440×900 and 390×844:
// no page scrolls sideways; the flow's causal graph and the service map lie
// inside the viewport after load (fitted to its width and at most a screen
// tall, every box drawn inside the SVG); then the graph zooms and pans by
// button, key and wheel and fits again with 0. Screenshots are saved.
func TestPagesFit(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the demo and chromium")
	}
	b := NewBrowser(t)
	d := StartDemo(t, "--rate", "5")
	flow := waitForFlowWith(t, d.URL, "", true, 60*time.Second)
	pages := []struct{ name, path, svg string }{
		{"flow", "/flows/" + url.PathEscape(flow), "[data-testid=graph-svg]"},
		{"services", "/services", "[data-testid=map-svg]"},
		{"dashboard", "/", ""},
		{"replay", "/flows/" + url.PathEscape(flow) + "/replay?step=3", ""},
		{"compare", "/compare?a=" + url.QueryEscape(flow) + "&b=typical", "[data-testid=compare-side][data-side=A] svg"},
		{"lanes", "/flows/" + url.PathEscape(flow) + "?timeline=lanes", ""},
		{"event", "", ""}, // the flow's first event, found below
	}
	var flowPage struct {
		Events []struct {
			EventID string `json:"event_id"`
		} `json:"events"`
	}
	if err := getJSON(d.URL+"/api/flows/"+url.PathEscape(flow), &flowPage); err != nil || len(flowPage.Events) == 0 {
		t.Fatalf("flow %s: %v (%d events)", flow, err, len(flowPage.Events))
	}
	pages[len(pages)-1].path = "/events/" + url.PathEscape(flowPage.Events[0].EventID)
	for _, vp := range viewports {
		t.Run(vp.name, func(t *testing.T) {
			b.Do("viewport "+vp.name, chromedp.EmulateViewport(vp.w, vp.h))
			for _, p := range pages {
				b.Navigate(d.URL + p.path)
				b.WaitVisible(`[data-testid=main]`)
				if sw := Eval[int](b, `document.documentElement.scrollWidth - window.innerWidth`); sw > 0 {
					wide := Eval[[]string](b, `Array.from(document.querySelectorAll("main *")).filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest("table, pre, svg")).slice(0, 5).map(e => e.tagName + "." + e.className + " " + Math.round(e.getBoundingClientRect().right))`)
					t.Errorf("%s at %s scrolls sideways by %d px; too wide: %q", p.name, vp.name, sw, wide)
				}
				if p.name == "event" {
					nested := Eval[[]string](b, `Array.from(document.querySelectorAll("main *")).filter(e => /(auto|scroll)/.test(getComputedStyle(e).overflowY) && e.scrollHeight > e.clientHeight + 1).map(e => e.tagName + "." + e.className)`)
					if len(nested) > 0 {
						t.Errorf("event page at %s: scrollbars inside the page: %q", vp.name, nested)
					}
				}
				if p.svg != "" {
					b.WaitVisible(p.svg)
					checkFits(t, b, p.name+" at "+vp.name, p.svg)
				}
				b.Screenshot(p.name + "-" + vp.name + ".png")
				if p.name == "flow" {
					b.ViewportScreenshot("flow-view-" + vp.name + ".png") // docs/flow.png
				}
			}
			checkNavMenu(t, b, d.URL, vp.name, vp.w < 640)
		})
	}

	t.Run("Zoom", func(t *testing.T) {
		b.Do("viewport", chromedp.EmulateViewport(1440, 900))
		b.Navigate(d.URL + pages[0].path)
		b.WaitVisible(`[data-testid=graph-zoom-in]`)
		full := Eval[string](b, `document.querySelector("[data-testid=graph-svg]").getAttribute("viewBox")`)
		width := func() float64 {
			return Eval[float64](b, `document.querySelector("[data-testid=graph-svg]").viewBox.baseVal.width`)
		}
		w0 := width()
		b.Click(`[data-testid=graph-zoom-in]`)
		if w := width(); w >= w0*0.8 {
			t.Errorf("zoom in: viewBox width %.0f, was %.0f", w, w0)
		}
		b.Do("press 0", chromedp.Focus(chromedp.CSS(`[data-testid=graph-svg]`)), chromedp.KeyEvent("0"))
		if got := Eval[string](b, `document.querySelector("[data-testid=graph-svg]").getAttribute("viewBox")`); got != full {
			t.Errorf("0 fits to %q, want the whole drawing %q", got, full)
		}
		b.Do("press +", chromedp.KeyEvent("+"))
		if w := width(); w >= w0*0.8 {
			t.Errorf("+ : viewBox width %.0f, was %.0f", w, w0)
		}
		b.Click(`[data-testid=graph-zoom-fit]`)
		Eval[bool](b, `(() => { const s = document.querySelector("[data-testid=graph-svg]"), r = s.getBoundingClientRect();
			s.dispatchEvent(new WheelEvent("wheel", {deltaY: -300, clientX: r.x + r.width/2, clientY: r.y + r.height/2, bubbles: true, cancelable: true})); return true })()`)
		if w := width(); w >= w0*0.9 {
			t.Errorf("wheel: viewBox width %.0f, was %.0f", w, w0)
		}
		// drag pans
		x0 := Eval[float64](b, `document.querySelector("[data-testid=graph-svg]").viewBox.baseVal.x`)
		r := Eval[[]float64](b, `(() => { const r = document.querySelector("[data-testid=graph-svg]").getBoundingClientRect(); return [r.x, r.y, r.width, r.height] })()`)
		cx, cy := r[0]+r[2]/2, r[1]+r[3]/2
		b.Do("drag", chromedp.MouseEvent("mousePressed", cx, cy, chromedp.ButtonLeft),
			chromedp.MouseEvent("mouseMoved", cx-60, cy, chromedp.ButtonLeft),
			chromedp.MouseEvent("mouseMoved", cx-120, cy, chromedp.ButtonLeft),
			chromedp.MouseEvent("mouseReleased", cx-120, cy, chromedp.ButtonLeft))
		if x := Eval[float64](b, `document.querySelector("[data-testid=graph-svg]").viewBox.baseVal.x`); x <= x0 {
			t.Errorf("dragging left: viewBox x %.1f, was %.1f; want it to grow", x, x0)
		}
		b.Screenshot("flow-zoomed.png")

		// the tree folds by causal subtree
		rows := `document.querySelectorAll("[data-testid=tree-row]:not([hidden])").length`
		all := Eval[int](b, rows)
		b.Click(`[data-testid=tree-fold]`)
		if n := Eval[int](b, rows); n >= all {
			t.Errorf("folding the root: %d rows shown, was %d", n, all)
		}
		gantt := `document.querySelectorAll(".gantt-svg a.row:not([display=none])").length`
		if g, n := Eval[int](b, gantt), Eval[int](b, rows); g != n {
			t.Errorf("folded: the Gantt chart shows %d rows, the tree %d", g, n)
		}
		b.Click(`[data-testid=tree-fold]`)
		if n := Eval[int](b, rows); n != all {
			t.Errorf("unfolding the root: %d rows shown, want %d", n, all)
		}
		if g := Eval[int](b, gantt); g != all {
			t.Errorf("unfolded: the Gantt chart shows %d rows, want %d", g, all)
		}
	})
}

// checkFits asserts that the SVG matching css lies inside the viewport's
// width, is at most a viewport tall, and draws all its boxes inside itself.
func checkFits(t *testing.T, b *Browser, what, css string) {
	t.Helper()
	got := Eval[[]float64](b, `(() => { const s = document.querySelector(`+strconv.Quote(css)+`), r = s.getBoundingClientRect();
		let out = 0; const m = s.getScreenCTM();
		s.querySelectorAll("rect").forEach(el => { const q = el.getBoundingClientRect();
			if (q.left < r.left - 1 || q.right > r.right + 1 || q.top < r.top - 1 || q.bottom > r.bottom + 1) out++ });
		return [r.left, r.right, r.height, window.innerWidth, window.innerHeight, out] })()`)
	left, right, height, vw, vh, out := got[0], got[1], got[2], got[3], got[4], got[5]
	if left < 0 || right > vw {
		t.Errorf("%s: the SVG spans x %.0f…%.0f, outside the viewport's 0…%.0f", what, left, right, vw)
	}
	if height > vh {
		t.Errorf("%s: the SVG is %.0f px tall, more than the viewport's %.0f", what, height, vh)
	}
	if out > 0 {
		t.Errorf("%s: %s boxes drawn outside the SVG's box", what, fmt.Sprint(out))
	}
}

// checkNavMenu: on a phone the nav's links are folded behind the menu
// button and the button unfolds them inside the screen (no JavaScript
// involved: a checkbox and its label); on a laptop the links show and the
// button does not.
func checkNavMenu(t *testing.T, b *Browser, base, vp string, phone bool) {
	t.Helper()
	b.Navigate(base + "/")
	b.WaitVisible(`[data-testid=nav]`)
	shown := func() bool {
		return Eval[bool](b, `(() => { const r = document.querySelector("[data-testid=nav-Services]").getBoundingClientRect(); return r.width > 0 && r.height > 0 })()`)
	}
	burger := Eval[bool](b, `getComputedStyle(document.querySelector("[data-testid=nav-burger]")).display !== "none"`)
	if !phone {
		if burger || !shown() {
			t.Errorf("%s: menu button shown %v, links shown %v; want links without a button", vp, burger, shown())
		}
		return
	}
	if !burger || shown() {
		t.Fatalf("%s: menu button shown %v, links shown %v; want the links folded behind the button", vp, burger, shown())
	}
	b.Click(`[data-testid=nav-burger]`)
	if !shown() {
		t.Fatalf("%s: the menu button does not unfold the links", vp)
	}
	if right := Eval[float64](b, `Math.max(...Array.from(document.querySelectorAll("[data-testid=nav-links] a")).map(a => a.getBoundingClientRect().right))`); right > float64(Eval[int](b, `window.innerWidth`)) {
		t.Errorf("%s: the unfolded links reach %.0f px, past the screen", vp, right)
	}
	b.ViewportScreenshot("nav-menu-" + vp + ".png")
}
