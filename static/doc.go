// Package static holds the CSS, htmx and the small scripts of the web UI,
// embedded into the binary.
package static
