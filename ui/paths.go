package ui

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"
)

// FlowURL is the page of one flow.
func FlowURL(flowID string) string { return "/flows/" + url.PathEscape(flowID) }

// FlowEventURL is the page of one flow with one event selected and scrolled
// to in the tree.
func FlowEventURL(flowID, eventID string) string {
	return flowEventPartialURL(flowID, eventID) + "#" + url.PathEscape(eventAnchor(eventID))
}

// flowEventPartialURL is FlowEventURL without the fragment: what htmx
// requests for the detail panel.
func flowEventPartialURL(flowID, eventID string) string {
	return FlowURL(flowID) + "?event=" + url.QueryEscape(eventID)
}

// EventURL is the page of one event.
func EventURL(eventID string) string { return "/events/" + url.PathEscape(eventID) }

// SearchURL is the search page for q.
func SearchURL(q string) string { return "/search?q=" + url.QueryEscape(q) }

// eventAnchor is the HTML id of an event's row in the flow tree.
func eventAnchor(eventID string) string { return "event-" + eventID }

// pathID returns the ID after prefix in the request path, unescaped. It
// reads the escaped path, so an escaped "/" (%2F) and a literal one both
// survive, and a literal "%" is not unescaped twice.
func pathID(c echo.Context, prefix string) (string, error) {
	raw, ok := strings.CutPrefix(c.Request().URL.EscapedPath(), prefix)
	if !ok || raw == "" {
		return "", echo.NewHTTPError(400, "missing ID in path")
	}
	id, err := url.PathUnescape(raw)
	if err != nil {
		return "", echo.NewHTTPError(400, fmt.Sprintf("bad ID in path: %v", err))
	}
	return id, nil
}
