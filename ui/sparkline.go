package ui

import (
	"strconv"
	"strings"
)

// Sparkline size in SVG user units (and CSS pixels).
const (
	sparkW = 180
	sparkH = 28
)

// sparklineView is a small line chart of a series, drawn server-side.
type sparklineView struct {
	W, H   string
	Points string // polyline points
	Area   string // the same line closed along the bottom, to fill
	Title  string // accessible summary
	Empty  bool   // every value is zero
}

// sparkline scales values to a sparkW × sparkH box: the x axis spans the
// values evenly, the y axis goes from 0 (bottom) to the maximum (top, with
// a pixel of margin).
func sparkline(values []float64, title string) sparklineView {
	return lineChart(values, title, sparkW, sparkH)
}

// lineChart is sparkline in a box of another size.
func lineChart(values []float64, title string, sparkW, sparkH int) sparklineView {
	v := sparklineView{W: strconv.Itoa(sparkW), H: strconv.Itoa(sparkH), Title: title}
	peak := 0.0
	for _, x := range values {
		peak = max(peak, x)
	}
	v.Empty = peak == 0
	if len(values) == 0 {
		return v
	}
	if peak == 0 {
		peak = 1
	}
	step := 0.0
	if len(values) > 1 {
		step = float64(sparkW) / float64(len(values)-1)
	}
	pts := make([]string, len(values))
	for i, x := range values {
		y := float64(sparkH-1) - x/peak*float64(sparkH-2)
		pts[i] = fmtCoord(float64(i)*step) + "," + fmtCoord(y)
	}
	v.Points = strings.Join(pts, " ")
	v.Area = "0," + strconv.Itoa(sparkH) + " " + v.Points + " " + fmtCoord(float64(len(values)-1)*step) + "," + strconv.Itoa(sparkH)
	return v
}
