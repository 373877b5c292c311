package ui

import (
	"bytes"
	"encoding/json"
	"slices"
	"strconv"

	"github.com/eventscope/eventscope/event"
)

// Diff operations.
const (
	diffChanged = "changed"
	diffAdded   = "added"
	diffRemoved = "removed"
)

// maxDiffRows caps the rows of one payload diff.
const maxDiffRows = 200

// diffView compares an event's payload with the previous event of the same
// entity (the same Kafka key) in its flow.
type diffView struct {
	Key      string
	Prev     eventLinkView
	PrevTime string
	Rows     []diffRow
	Omitted  int  // rows beyond maxDiffRows
	NotJSON  bool // one of the two payloads is not JSON: no field diff
	Same     bool // JSON and no field differs
}

// diffRow is one field that differs; Path is like `items[0].qty`.
type diffRow struct {
	Path, Op, Before, After string
}

// previousOfEntity returns the index of the latest record before sel (in
// the flow's time order) with the same non-empty Kafka key, the same
// event type and another event ID; -1 when there is none. Another type
// (often of another service, in another convention) differs in most
// fields for no reason worth showing.
func previousOfEntity(events []event.Event, sel int) int {
	e := &events[sel]
	if e.Key == "" {
		return -1
	}
	for i := sel - 1; i >= 0; i-- {
		if events[i].Key == e.Key && events[i].Type == e.Type && events[i].EventID != e.EventID {
			return i
		}
	}
	return -1
}

// payloadDiff compares two JSON payloads field by field.
func payloadDiff(prev, cur []byte) (rows []diffRow, notJSON bool) {
	a, okA := decodeAnyJSON(prev)
	b, okB := decodeAnyJSON(cur)
	if !okA || !okB {
		return nil, true
	}
	fa, fb := map[string]string{}, map[string]string{}
	flatten("", a, fa)
	flatten("", b, fb)
	paths := make([]string, 0, len(fa)+len(fb))
	for p := range fa {
		paths = append(paths, p)
	}
	for p := range fb {
		if _, ok := fa[p]; !ok {
			paths = append(paths, p)
		}
	}
	slices.Sort(paths)
	for _, p := range paths {
		before, inA := fa[p]
		after, inB := fb[p]
		switch {
		case !inA:
			rows = append(rows, diffRow{Path: p, Op: diffAdded, After: after})
		case !inB:
			rows = append(rows, diffRow{Path: p, Op: diffRemoved, Before: before})
		case before != after:
			rows = append(rows, diffRow{Path: p, Op: diffChanged, Before: before, After: after})
		}
	}
	return rows, false
}

func decodeAnyJSON(b []byte) (any, bool) {
	if len(bytes.TrimSpace(b)) == 0 {
		return nil, false
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, false
	}
	return v, true
}

// flatten records every leaf of v (and every empty object or array) by
// path, as compact JSON.
func flatten(path string, v any, out map[string]string) {
	switch x := v.(type) {
	case map[string]any:
		if len(x) == 0 {
			out[orRoot(path)] = "{}"
		}
		for k, c := range x {
			p := k
			if path != "" {
				p = path + "." + k
			}
			flatten(p, c, out)
		}
	case []any:
		if len(x) == 0 {
			out[orRoot(path)] = "[]"
		}
		for i, c := range x {
			flatten(path+"["+strconv.Itoa(i)+"]", c, out)
		}
	default:
		b, err := json.Marshal(x)
		if err != nil {
			b = []byte("?")
		}
		out[orRoot(path)] = string(b)
	}
}

func orRoot(path string) string {
	if path == "" {
		return "(value)"
	}
	return path
}

// buildDiff compares record sel of events with the previous record of its
// entity; nil when there is none.
func buildDiff(events []event.Event, sel int, link linker) *diffView {
	prev := previousOfEntity(events, sel)
	if prev < 0 {
		return nil
	}
	p, e := &events[prev], &events[sel]
	d := &diffView{Key: e.Key, Prev: link(p), PrevTime: fmtTime(p.Time)}
	d.Rows, d.NotJSON = payloadDiff(p.Payload, e.Payload)
	d.Same = !d.NotJSON && len(d.Rows) == 0
	if len(d.Rows) > maxDiffRows {
		d.Omitted = len(d.Rows) - maxDiffRows
		d.Rows = d.Rows[:maxDiffRows]
	}
	return d
}
