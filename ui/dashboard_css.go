package ui

import "github.com/eventscope/eventscope/static"

// findCSS is the stylesheet of the dashboard, search, live and services
// pages (static/find.css), linked from their bodies.
func findCSS() string { return static.Path("find.css") }
