package ui

import (
	"fmt"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// urlAttrs are the attributes a browser (or our scripts: data-url,
// data-base, data-stream) loads or navigates to.
var urlAttrs = map[string]bool{
	"href": true, "src": true, "action": true, "formaction": true, "poster": true, "data": true,
	"background": true, "cite": true, "srcset": true, "ping": true, "manifest": true, "longdesc": true,
	"to": true, "from": true, "values": true, "by": true, // SVG animation of an href
	"hx-get": true, "hx-post": true, "hx-put": true, "hx-patch": true, "hx-delete": true,
	"hx-push-url": true, "hx-replace-url": true, "data-url": true, "data-base": true, "data-stream": true,
}

// activeElements run or embed content whatever their attributes.
var activeElements = map[string]bool{
	"iframe": true, "frame": true, "frameset": true, "object": true, "embed": true, "applet": true,
	"base": true, "portal": true, "animate": true, "set": true, "handler": true, "listener": true,
}

// scriptURL reports whether v, as a browser reads a URL (tabs and newlines
// removed, leading spaces and controls trimmed, any case), runs script.
func scriptURL(v string) bool {
	v = strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' {
			return -1
		}
		return r
	}, v)
	v = strings.ToLower(strings.TrimLeftFunc(v, func(r rune) bool { return r <= ' ' }))
	for _, s := range []string{"javascript:", "vbscript:", "data:text/html", "data:image/svg"} {
		if strings.HasPrefix(v, s) {
			return true
		}
	}
	return false
}

// inertProblems parses body and lists every way it could run script: a
// <script> that is not one of our /static/ files, an on* or hx-on*
// attribute, a script URL in a URL attribute, htmx attributes that
// evaluate JavaScript, an element that embeds content, a style that runs
// script. It also lists inline styles (attributes and elements), which the
// CSP blocks.
func inertProblems(t *testing.T, body string) []string {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatalf("parse HTML: %v", err)
	}
	var out []string
	bad := func(n *html.Node, format string, args ...any) {
		var b strings.Builder
		_ = html.Render(&b, n)
		out = append(out, "<"+n.Data+">: "+strings.TrimSpace(fmt.Sprintf(format, args...))+" in "+xssTruncate(b.String(), 200))
	}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			name := strings.ToLower(n.Data)
			if activeElements[name] {
				bad(n, "an element that runs or embeds content")
			}
			if name == "meta" && htmlAttr(n, "http-equiv") != "" {
				bad(n, "a meta http-equiv")
			}
			if name == "script" {
				if src := htmlAttr(n, "src"); !strings.HasPrefix(src, "/static/") || n.FirstChild != nil {
					bad(n, "a script that is not an empty /static/ file")
				}
			}
			if name == "style" && n.FirstChild != nil {
				bad(n, "an inline <style> element")
			}
			for _, a := range n.Attr {
				key, val := strings.ToLower(a.Key), a.Val
				lower := strings.ToLower(strings.Join(strings.Fields(val), ""))
				switch {
				case strings.HasPrefix(key, "on"):
					bad(n, "event handler attribute %s", key)
				case strings.HasPrefix(key, "hx-on") || strings.HasPrefix(key, "data-hx-on"):
					bad(n, "htmx handler attribute %s", key)
				case key == "hx-vars" || (key == "hx-vals" || key == "hx-headers") &&
					(strings.HasPrefix(lower, "js:") || strings.HasPrefix(lower, "javascript:")):
					bad(n, "htmx attribute %s evaluates JavaScript", key)
				case key == "hx-trigger" && strings.Contains(val, "["):
					bad(n, "hx-trigger with a JavaScript filter")
				case urlAttrs[key] && scriptURL(val):
					bad(n, "script URL in %s", key)
				case key == "style" && (strings.Contains(lower, "expression(") || strings.Contains(lower, "url(javascript") ||
					strings.Contains(lower, `url("javascript`) || strings.Contains(lower, "url('javascript") ||
					strings.Contains(lower, "-moz-binding") || strings.Contains(lower, "behavior:")):
					bad(n, "style that runs script")
				case key == "srcdoc":
					bad(n, "srcdoc")
				}
				if key == "style" {
					bad(n, "a style attribute, which the CSP (style-src 'self') blocks: use a class in static/")
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	for _, raw := range xssPayloads {
		if strings.ContainsAny(raw, "<>") && strings.Contains(body, raw) {
			out = append(out, "the body holds "+raw+" unescaped")
		}
	}
	return out
}

// htmlText is the text of every text node of body outside scripts and
// styles (SVG <text> and <title> included).
func htmlText(t *testing.T, body string) string {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatalf("parse HTML: %v", err)
	}
	var b strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && (n.Data == "script" || n.Data == "style") {
			return
		}
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return b.String()
}

func htmlAttr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if strings.EqualFold(a.Key, key) {
			return a.Val
		}
	}
	return ""
}

func xssTruncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
