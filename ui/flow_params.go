package ui

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/eventscope/eventscope/graph"
)

// flowParams is the state of the flow page that its URL carries: the
// selected event, the expanded groups of a collapsed graph and the
// timeline's zoom window. Every link on the page keeps the parts it does
// not change, so a view can be shared by copying the address.
type flowParams struct {
	FlowID   string
	Event    string    // ?event=ID; "" selects the first event
	Expand   []string  // ?expand=group:SOURCE/TYPE (repeatable), sorted
	From, To time.Time // ?from=&to= (RFC 3339); both zero for the whole flow
	Internal bool      // ?internal=1: show the records of internal topics
	Members  int       // ?members=N: members of an expanded group drawn one by one; 0 is graph.DefaultExpandLimit
	Lanes    bool      // ?timeline=lanes: the timeline in lanes per service instead of the Gantt chart
	// Hidden is how many internal records the page does not show.
	Hidden int
}

// parseFlowParams reads the flow page's query. A from/to that is not RFC
// 3339, only one of the two, a window that does not move forward, or an
// expand value that is not a group ID is a 400.
func parseFlowParams(c echo.Context, flowID string) (flowParams, error) {
	q := c.QueryParams()
	p := flowParams{FlowID: flowID, Event: q.Get("event"), Internal: showInternal(q)}
	for _, g := range q["expand"] {
		if !strings.HasPrefix(g, "group:") {
			return p, badRequest("bad expand " + quote(g) + ": want a group ID like group:SOURCE/TYPE")
		}
		if !slices.Contains(p.Expand, g) {
			p.Expand = append(p.Expand, g)
		}
	}
	slices.Sort(p.Expand)
	switch tl := q.Get("timeline"); tl {
	case "", "gantt":
	case "lanes":
		p.Lanes = true
	default:
		return p, badRequest("bad timeline " + quote(tl) + ": want gantt or lanes")
	}
	if m := q.Get("members"); m != "" {
		n, err := strconv.Atoi(m)
		if err != nil || n < 1 || n > maxMembers {
			return p, badRequest("bad members " + quote(m) + ": want a number from 1 to " + strconv.Itoa(maxMembers))
		}
		p.Members = n
	}
	from, to := q.Get("from"), q.Get("to")
	if from == "" && to == "" {
		return p, nil
	}
	if from == "" || to == "" {
		return p, badRequest("zoom needs both from and to (RFC 3339 times)")
	}
	var err error
	if p.From, err = time.Parse(time.RFC3339Nano, from); err != nil {
		return p, badRequest("bad from " + quote(from) + ": want an RFC 3339 time")
	}
	if p.To, err = time.Parse(time.RFC3339Nano, to); err != nil {
		return p, badRequest("bad to " + quote(to) + ": want an RFC 3339 time")
	}
	if !p.To.After(p.From) {
		return p, badRequest("to must be after from")
	}
	return p, nil
}

// quote keeps a user's value short and on one line in an error message.
func quote(s string) string {
	if r := []rune(s); len(r) > 60 {
		s = string(r[:60]) + "…"
	}
	return `"` + strings.ReplaceAll(s, "\n", " ") + `"`
}

// expanded reports whether group id is expanded.
func (p flowParams) expanded(id string) bool { return slices.Contains(p.Expand, id) }

// expandSet is Expand as graph.LayoutOptions wants it.
func (p flowParams) expandSet() map[string]bool {
	m := make(map[string]bool, len(p.Expand))
	for _, g := range p.Expand {
		m[g] = true
	}
	return m
}

// maxMembers bounds ?members=: past a few thousand boxes a browser slows
// down more than the drawing helps.
const maxMembers = 5000

// layoutOptions lay the causal graph out with the expanded groups.
func (p flowParams) layoutOptions() graph.LayoutOptions {
	return graph.LayoutOptions{Expand: p.expandSet(), ExpandLimit: p.members()}
}

// members is how many members of an expanded group are drawn one by one.
func (p flowParams) members() int {
	if p.Members > 0 {
		return p.Members
	}
	return graph.DefaultExpandLimit
}

// withMore draws another page of every expanded group's members.
func (p flowParams) withMore() flowParams {
	p.Members = min(p.members()+graph.DefaultExpandLimit, maxMembers)
	return p
}

// withoutExpandAll collapses every group again.
func (p flowParams) withoutExpandAll() flowParams { p.Expand, p.Members = nil, 0; return p }

// withEvent, withExpand, withoutExpand and withWindow return copies with
// one part changed.
func (p flowParams) withEvent(id string) flowParams { p.Event = id; return p }

func (p flowParams) withExpand(id string) flowParams {
	if !p.expanded(id) {
		p.Expand = append(slices.Clone(p.Expand), id)
		slices.Sort(p.Expand)
	}
	return p
}

func (p flowParams) withoutExpand(id string) flowParams {
	p.Expand = slices.DeleteFunc(slices.Clone(p.Expand), func(g string) bool { return g == id })
	return p
}

func (p flowParams) withInternal(show bool) flowParams { p.Internal = show; return p }

func (p flowParams) withLanes(lanes bool) flowParams { p.Lanes = lanes; return p }

func (p flowParams) withWindow(from, to time.Time) flowParams { p.From, p.To = from, to; return p }

// url is the flow page with these parameters (keys in a fixed order, so
// the same state is always the same URL).
func (p flowParams) url() string {
	q := url.Values{}
	if p.Event != "" {
		q.Set("event", p.Event)
	}
	if len(p.Expand) > 0 {
		q["expand"] = p.Expand
	}
	if !p.From.IsZero() && !p.To.IsZero() {
		q.Set("from", fmtRFC3339(p.From))
		q.Set("to", fmtRFC3339(p.To))
	}
	if p.Internal {
		q.Set("internal", "1")
	}
	if p.Lanes {
		q.Set("timeline", "lanes")
	}
	if p.Members > 0 && p.Members != graph.DefaultExpandLimit && len(p.Expand) > 0 {
		q.Set("members", strconv.Itoa(p.Members))
	}
	u := FlowURL(p.FlowID)
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	return u
}

// eventURL is the page with event id selected and scrolled to; hx is the
// same without the fragment, for htmx.
func (p flowParams) eventURL(id string) (full, hx string) {
	hx = p.withEvent(id).url()
	return hx + "#" + url.PathEscape(eventAnchor(id)), hx
}
