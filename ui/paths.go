package ui

import (
	"fmt"
	"net/url"

	"github.com/labstack/echo/v4"
)

// FlowURL is the page of one flow.
func FlowURL(flowID string) string { return "/flows/" + url.PathEscape(flowID) }

// ReplayURL is the replay page of one flow.
func ReplayURL(flowID string) string { return FlowURL(flowID) + "/replay" }

// ExportURL is the download of a flow in format "dot", "mermaid" or "json".
func ExportURL(flowID, format string) string {
	return FlowURL(flowID) + "/export?format=" + url.QueryEscape(format)
}

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

// GroupURL is the page of one consumer group.
func GroupURL(name string) string { return "/groups/" + url.PathEscape(name) }

// RecordURL is the permalink of the record at a Kafka coordinate: it
// redirects to the record's event.
func RecordURL(topic string, partition int32, offset int64) string {
	return fmt.Sprintf("/records/%s/%d/%d", url.PathEscape(topic), partition, offset)
}

// SearchURL is the search page for q.
func SearchURL(q string) string { return "/search?q=" + url.QueryEscape(q) }

// eventAnchor is the HTML id of an event's row in the flow tree.
func eventAnchor(eventID string) string { return "event-" + eventID }

// idParam is the one way a handler reads the ID its path names (a flow,
// an event, a consumer group, a record's coordinates): the route's :id, or
// the rest of the path (*) on the routes that take IDs with a literal "/"
// (see registerRoutes). echo routes on the escaped path
// when it differs from the decoded one (an escaped "/" or an unusual
// escape), and then hands the parameter over escaped: only that case is
// unescaped here, so a literal "%" is never unescaped twice.
func idParam(c echo.Context) (string, error) {
	raw := c.Param("id")
	if raw == "" {
		raw = c.Param("*")
	}
	if raw == "" {
		return "", badRequest("missing ID in path")
	}
	if c.Request().URL.RawPath == "" {
		return raw, nil
	}
	id, err := url.PathUnescape(raw)
	if err != nil {
		return "", badRequest("bad ID in path: " + err.Error())
	}
	return id, nil
}
