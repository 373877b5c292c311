package ui

import (
	"strconv"

	"github.com/a-h/templ"
)

// Helpers the templ components call.

func itoa(n int) string { return strconv.Itoa(n) }

// indent is the left padding of a tree row at depth d.
func indent(d int) templ.SafeCSS {
	return templ.SafeCSS("padding-left:" + strconv.FormatFloat(0.5+1.25*float64(d), 'f', 2, 64) + "em")
}

// errorView is the error page.
type errorView struct {
	Status         int
	Title, Message string
}
