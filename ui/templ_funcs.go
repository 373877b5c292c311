package ui

import "strconv"

// Helpers the templ components call.

func itoa(n int) string { return strconv.Itoa(n) }

// maxTreeDepthClass is the deepest indent static/app.css has a class for;
// deeper rows share it.
const maxTreeDepthClass = 12

// treeDepthClass is the class that indents a tree row at depth d: a class
// in static/app.css, since the CSP (style-src 'self') blocks style
// attributes.
func treeDepthClass(d int) string { return "depth-" + strconv.Itoa(min(max(d, 0), maxTreeDepthClass)) }

// errorView is the error page.
type errorView struct {
	Status         int
	Title, Message string
}
