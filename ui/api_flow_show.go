package ui

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/graph"
	"github.com/eventscope/eventscope/store"
)

// flowPageMax is the most events one answer of /api/flows/{id} carries,
// and the page size when ?limit= is not given: a bigger flow is paged.
const flowPageMax = 10_000

// apiFlowShow is GET /api/flows/{correlation_id}?limit=&cursor=: the
// flow's events in store order, its causal edges and its anomalies,
// streamed. A flow of more than limit events (default and most
// flowPageMax) comes in pages: next_cursor, passed back as cursor, gives
// the next one; each page has the edges into its events, and the first
// page has the anomalies.
func (h *handler) apiFlowShow(c echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	limit := flowPageMax
	if s := c.QueryParam("limit"); s != "" {
		if limit, err = strconv.Atoi(s); err != nil || limit < 1 || limit > flowPageMax {
			return badRequest(fmt.Sprintf("limit %q: want 1 to %d", s, flowPageMax))
		}
	}
	f, _, err := h.loadFlow(c.Request().Context(), id, showInternal(c.QueryParams()))
	if err != nil {
		return err
	}
	start, err := cursorStart(f.Events, c.QueryParam("cursor"))
	if err != nil {
		return err
	}
	end := min(start+limit, len(f.Events))
	next := ""
	if end < len(f.Events) {
		next = flowCursor(&f.Events[end-1])
	}
	return writeFlowJSON(c, id, f, start, end, next)
}

// writeFlowJSON streams {"correlation_id","status","reason","learned_from",
// "events","edges","anomalies","next_cursor"} for the events [start, end) of f (also the JSON export,
// with the whole flow), one event at a time: memory does not grow with the
// flow. Edges are those into the page's events; anomalies come with the
// first page. status is the flow's diagnose status, reason (failed and
// compensated flows) the deciding failure's, learned_from (when a learned
// baseline was used) the flows it was learned from; every record of a
// failed event carries "failure":{"reason"}.
func writeFlowJSON(c echo.Context, id string, f *graph.Flow, start, end int, next string) error {
	w := c.Response()
	w.Header().Set(echo.HeaderContentType, echo.MIMEApplicationJSONCharsetUTF8)
	w.WriteHeader(http.StatusOK)
	bw := bufio.NewWriterSize(w, 64<<10)
	put := func(v any) {
		b, err := json.Marshal(v)
		if err != nil { // an Event always encodes; keep the document valid
			b, _ = json.Marshal(map[string]string{"error": err.Error()})
		}
		bw.Write(b)
	}
	bw.WriteString(`{"correlation_id":`)
	put(id)
	bw.WriteString(`,"status":`)
	put(f.Status)
	if f.Reason != "" {
		bw.WriteString(`,"reason":`)
		put(f.Reason)
	}
	if f.Learned > 0 {
		bw.WriteString(`,"learned_from":`)
		put(f.Learned)
	}
	failed := map[string]string{}
	for _, fl := range f.Failures {
		failed[fl.EventID] = fl.Reason
	}
	bw.WriteString(`,"events":[`)
	for i := start; i < end; i++ {
		if i > start {
			bw.WriteByte(',')
		}
		reason, ok := failed[f.Events[i].EventID]
		if !ok {
			put(&f.Events[i])
			continue
		}
		b, err := json.Marshal(&f.Events[i])
		if err != nil || len(b) < 2 || b[len(b)-1] != '}' {
			put(&f.Events[i])
			continue
		}
		r, _ := json.Marshal(struct {
			Reason string `json:"reason"`
		}{reason})
		bw.Write(b[:len(b)-1])
		bw.WriteString(`,"failure":`)
		bw.Write(r)
		bw.WriteByte('}')
	}
	bw.WriteString(`],"edges":[`)
	n := 0
	for k := range f.Edges {
		e := &f.Edges[k]
		if r := f.Vertices[e.ToV].Records[0]; r < start || r >= end {
			continue
		}
		if n++; n > 1 {
			bw.WriteByte(',')
		}
		put(e)
	}
	bw.WriteString(`],"anomalies":[`)
	if start == 0 {
		for k, a := range f.Anomalies {
			if k > 0 {
				bw.WriteByte(',')
			}
			if a.EventIDs == nil {
				a.EventIDs = []string{}
			}
			put(a)
		}
	}
	bw.WriteString(`],"next_cursor":`)
	put(next)
	bw.WriteString("}\n")
	return bw.Flush()
}

// A flow cursor names the last event of a page by its place in store order:
// event time, topic, partition, offset.
type flowKey struct {
	T int64  `json:"t"`
	S string `json:"s"`
	P int32  `json:"p"`
	O int64  `json:"o"`
}

func keyOf(e *event.Event) flowKey {
	return flowKey{T: e.Time.UnixNano(), S: e.Topic, P: e.Partition, O: e.Offset}
}

func (k flowKey) less(o flowKey) bool {
	switch {
	case k.T != o.T:
		return k.T < o.T
	case k.S != o.S:
		return k.S < o.S
	case k.P != o.P:
		return k.P < o.P
	}
	return k.O < o.O
}

func flowCursor(last *event.Event) string {
	b, _ := json.Marshal(keyOf(last))
	return base64.RawURLEncoding.EncodeToString(b)
}

// cursorStart is the index of the first event after the cursor's ("": 0).
// Events written meanwhile before the cursor are not shown; none repeats.
func cursorStart(events []event.Event, cursor string) (int, error) {
	if cursor == "" {
		return 0, nil
	}
	var k flowKey
	b, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil || json.Unmarshal(b, &k) != nil {
		return 0, fmt.Errorf("flow cursor: %w", store.ErrBadCursor)
	}
	return sort.Search(len(events), func(i int) bool { return k.less(keyOf(&events[i])) }), nil
}
