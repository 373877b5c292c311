package ui

import (
	"strconv"
	"strings"
)

// Helpers the templ components call.

func itoa(n int) string { return strconv.Itoa(n) }

// plural is a count and its noun, in the plural unless n is 1: "1 flow",
// "2 flows", "0 entities", "3 dead letters", "1 more anomaly". Every page
// says counts through it (issue 16: "1 newest events, 1 flows"). The
// plural is the last word's: -y after a consonant → -ies; -s, -x, -ch,
// -sh → -es; otherwise -s.
func plural(n int, noun string) string {
	if n == 1 || n == -1 {
		return strconv.Itoa(n) + " " + noun
	}
	return strconv.Itoa(n) + " " + pluralNoun(noun)
}

// agree is the verb form for a count of n: one when n is 1, else many
// ("1 record is", "2 records are").
func agree(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// pluralNoun is noun's plural (its last word's), by the rule of plural.
func pluralNoun(noun string) string {
	switch {
	case len(noun) >= 2 && noun[len(noun)-1] == 'y' && !strings.ContainsRune("aeiou", rune(noun[len(noun)-2])):
		return noun[:len(noun)-1] + "ies"
	case strings.HasSuffix(noun, "s"), strings.HasSuffix(noun, "x"), strings.HasSuffix(noun, "ch"), strings.HasSuffix(noun, "sh"):
		return noun + "es"
	}
	return noun + "s"
}

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
