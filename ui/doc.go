// Package ui serves eventscope's web interface and JSON API: echo
// handlers, templ components and the error handling that maps store errors to
// HTTP statuses.
package ui
