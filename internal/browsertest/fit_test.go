package browsertest

import (
	"fmt"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
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
		{"replay", "/flows/" + url.PathEscape(flow) + "/replay?step=3", "[data-testid=graph-svg]"},
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
					if !Eval[bool](b, `document.querySelector(`+strconv.Quote(p.svg)+`).hasAttribute("data-zoom-ready")`) {
						t.Errorf("%s at %s: the drawing has no zoom controls", p.name, vp.name)
					}
				}
				b.Screenshot(p.name + "-" + vp.name + ".png")
				if p.name == "flow" {
					b.ViewportScreenshot("flow-view-" + vp.name + ".png") // docs/flow.png
				}
			}
			checkNavMenu(t, b, d.URL, vp.name, vp.w < 640)
		})
	}

	t.Run("Pinch", func(t *testing.T) { // a phone: two fingers zoom the graph
		b.Do("viewport", chromedp.EmulateViewport(390, 844))
		if _, err := chromedp.Call(b.ctx, emulation.SetTouchEmulationEnabled, emulation.SetTouchEmulationEnabledParams{Enabled: true, MaxTouchPoints: 5}); err != nil {
			t.Fatal(err)
		}
		defer chromedp.Call(b.ctx, emulation.SetTouchEmulationEnabled, emulation.SetTouchEmulationEnabledParams{Enabled: false}) //nolint:errcheck // the next page reloads anyway
		b.Navigate(d.URL + pages[0].path)
		b.WaitVisible(`[data-testid=graph-zoom-in]`)
		area := Eval[float64](b, `(v => v.width * v.height)(document.querySelector("[data-testid=graph-svg]").viewBox.baseVal)`)
		pinch(t, b, `[data-testid=graph-svg]`)
		waitView(b, "pinching zooms in", fmt.Sprintf(`v[2] * v[3] < %g`, area*0.6))
		b.ViewportScreenshot("flow-pinched-390x844.png")
	})

	t.Run("Zoom", func(t *testing.T) {
		b.Do("viewport", chromedp.EmulateViewport(1440, 900))
		b.Navigate(d.URL + pages[0].path)
		b.WaitVisible(`[data-testid=graph-zoom-in]`)
		const svg = `document.querySelector("[data-testid=graph-svg]")`
		full := Eval[[]float64](b, `(() => { const v = `+svg+`.viewBox.baseVal; return [v.x, v.y, v.width, v.height] })()`)
		fitted := fmt.Sprintf(`Math.abs(v[0] - %g) < 1 && Math.abs(v[1] - %g) < 1 && Math.abs(v[2] - %g) < 1 && Math.abs(v[3] - %g) < 1`, full[0], full[1], full[2], full[3])
		waitView(b, "the whole drawing in view on load", fitted)
		// a box's width on screen tells the scale; its left edge the pan
		const box = `document.querySelector("[data-testid=graph-svg] .node > rect").getBoundingClientRect()`
		bw0 := Eval[float64](b, box+`.width`)
		scaled := func(what string, min float64) {
			t.Helper()
			b.WaitFor(what, fmt.Sprintf(`%s.width > %g`, box, bw0*min), 5*time.Second)
		}
		fit := func(what string) {
			t.Helper()
			b.WaitFor(what, fmt.Sprintf(`Math.abs(%s.width - %g) < 0.5`, box, bw0), 5*time.Second)
			waitView(b, what+": the whole drawing in view", fitted)
		}
		b.Click(`[data-testid=graph-zoom-in]`)
		scaled("zoom in", 1.3)
		b.Do("press 0", chromedp.Focus(chromedp.CSS(`[data-testid=graph-svg]`)), chromedp.KeyEvent("0"))
		fit("0 fits")
		b.Do("press +", chromedp.KeyEvent("+"))
		scaled("+ zooms in", 1.3)
		b.Click(`[data-testid=graph-zoom-fit]`)
		fit("Fit")
		Eval[bool](b, `(() => { const s = `+svg+`, r = s.getBoundingClientRect();
			s.dispatchEvent(new WheelEvent("wheel", {deltaY: -300, clientX: r.x + r.width/2, clientY: r.y + r.height/2, bubbles: true, cancelable: true})); return true })()`)
		scaled("the wheel zooms in", 1.3)
		// dragging moves the drawing with the pointer
		x0 := Eval[float64](b, box+`.left`)
		r := Eval[[]float64](b, `(() => { const r = `+svg+`.getBoundingClientRect(); return [r.x, r.y, r.width, r.height] })()`)
		cx, cy := r[0]+r[2]/2, r[1]+r[3]/2
		b.Do("drag", chromedp.MouseEvent("mousePressed", cx, cy, chromedp.ButtonLeft),
			chromedp.MouseEvent("mouseMoved", cx-60, cy, chromedp.ButtonLeft),
			chromedp.MouseEvent("mouseMoved", cx-120, cy, chromedp.ButtonLeft),
			chromedp.MouseEvent("mouseReleased", cx-120, cy, chromedp.ButtonLeft))
		b.WaitFor("dragging left by 120 px moves a box as far", fmt.Sprintf(`Math.abs(%s.left - %g) < 2`, box, x0-120), 5*time.Second)
		b.Screenshot("flow-zoomed.png")
		b.Click(`[data-testid=graph-zoom-fit]`)
		fit("Fit after the drag")

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

// pinch spreads two fingers apart over the middle of the element
// matching css, from 40 to 240 px apart.
func pinch(t *testing.T, b *Browser, css string) {
	t.Helper()
	r := Eval[[]float64](b, `(() => { const r = document.querySelector(`+strconv.Quote(css)+`).getBoundingClientRect(); return [r.x + r.width/2, r.y + r.height/2] })()`)
	id0, id1 := 0.0, 1.0
	for _, s := range []struct {
		typ input.DispatchTouchEventType
		d   float64
	}{{input.DispatchTouchEventTypeTouchStart, 20}, {input.DispatchTouchEventTypeTouchMove, 50}, {input.DispatchTouchEventTypeTouchMove, 90}, {input.DispatchTouchEventTypeTouchMove, 120}} {
		pts := []*input.TouchPoint{{X: r[0] - s.d, Y: r[1], ID: &id0}, {X: r[0] + s.d, Y: r[1], ID: &id1}}
		if _, err := chromedp.Call(b.ctx, input.DispatchTouchEvent, input.DispatchTouchEventParams{Type: s.typ, TouchPoints: pts}); err != nil {
			t.Fatalf("pinch: %v", err)
		}
	}
	if _, err := chromedp.Call(b.ctx, input.DispatchTouchEvent, input.DispatchTouchEventParams{Type: input.DispatchTouchEventTypeTouchEnd, TouchPoints: []*input.TouchPoint{}}); err != nil {
		t.Fatalf("pinch: %v", err)
	}
}

// waitView waits until the graph's part in view (zoom.js keeps it in the
// SVG's data-view, "x y w h" in drawing units) satisfies cond, a
// JavaScript expression of v (the four numbers).
func waitView(b *Browser, what, cond string) {
	b.t.Helper()
	b.WaitFor(what, `(v => v.length === 4 && (`+cond+`))((document.querySelector("[data-testid=graph-svg]").getAttribute("data-view") || "").split(" ").map(Number))`, 5*time.Second)
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
