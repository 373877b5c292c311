package ui

import "github.com/eventscope/eventscope/static"

// liveScript is the live page's script (static/live.js).
func liveScript() string { return static.Path("live.js") }
