package ui

import (
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/eventscope/eventscope/graph"
)

// TestLegendExplainsEveryClass: every class a graph node or edge of the
// fixtures' flows gets, and every anomaly kind, has a legend key drawn with
// that class.
func TestLegendExplainsEveryClass(t *testing.T) {
	doc := parseHTML(t, renderComp(t, legend(graphLegend)))
	drawn := map[string]bool{}
	doc.Find(`[data-testid="legend-key"] svg g[class]`).Each(func(_ int, s *goquery.Selection) {
		c, _ := s.Attr("class")
		for _, f := range strings.Fields(c) {
			drawn[f] = true
		}
	})
	need := []string{graph.Orphan, graph.Duplicate, graph.OutOfOrder, graph.DeadLetter, graph.Stalled, graph.SlowHop,
		"critical", "group", "root", "selected", "missing-cause", "cyclic", "slow", "pending-badge"}
	for _, id := range []string{"ord-1", "tenant/a b%2F?#x"} {
		evs, err := newFakeStore(allFixtures()...).Flow(t.Context(), id)
		if err != nil {
			t.Fatal(err)
		}
		body := renderComp(t, graphSection(buildFlowView(id, graph.Build(evs, graph.Options{}), "").Graph))
		parseHTML(t, body).Find(`[data-testid="graph-node"], [data-testid="graph-edge"]`).Each(func(_ int, s *goquery.Selection) {
			c, _ := s.Attr("class")
			need = append(need, strings.Fields(c)...)
		})
	}
	alias := map[string]string{graph.Cycle: graph.DeadLetter, "node": "", "member": "group", "copy": "", "failure": "failed"}
	for _, c := range need {
		if a, ok := alias[c]; ok {
			c = a
		}
		if c != "" && !drawn[c] {
			t.Errorf("class %q is not in the legend", c)
		}
	}
}

// TestCriticalPathIsNotRed: red is for failures; the critical path's
// colour is far in hue from every red.
func TestCriticalPathIsNotRed(t *testing.T) {
	css, err := os.ReadFile("../static/app.css")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`--crit:\s*#([0-9a-fA-F]{6})`).FindSubmatch(css)
	if m == nil {
		t.Fatal("app.css defines no --crit colour")
	}
	if h := hue(string(m[1])); h < 40 || h > 320 {
		t.Errorf("--crit #%s has hue %.0f°: reads as red, the failure colour", m[1], h)
	}
}

func hue(hex string) float64 {
	v, _ := strconv.ParseUint(hex, 16, 32)
	r, g, b := float64(v>>16&255)/255, float64(v>>8&255)/255, float64(v&255)/255
	hi, lo := max(r, g, b), min(r, g, b)
	if hi == lo {
		return 0
	}
	var h float64
	switch hi {
	case r:
		h = (g - b) / (hi - lo)
	case g:
		h = 2 + (b-r)/(hi-lo)
	default:
		h = 4 + (r-g)/(hi-lo)
	}
	if h *= 60; h < 0 {
		h += 360
	}
	return h
}
