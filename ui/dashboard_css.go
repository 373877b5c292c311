package ui

import "github.com/eventscope/eventscope/static"

// findCSS is the stylesheet of the dashboard, search, live and services
// pages (static/find.css), linked from their bodies.
func findCSS() string { return static.Path("find.css") }

// zoomJS fits, zooms and pans the big SVGs (static/zoom.js): the flow's
// causal graph and the service map.
func zoomJS() string { return static.Path("zoom.js") }
