package ui

import (
	"encoding/json"
	"slices"

	"github.com/eventscope/eventscope/graph/replay"
)

// maxStateValue caps the text of one state value (a long array, say).
const maxStateValue = 300

// stateFields flattens an entity's state into one row per leaf member
// (dotted paths, nested objects walked, arrays and empty objects as
// values), marks what changes added or changed (a member added or
// replaced as a whole object marks every row under it), and adds the
// removed members as rows of their own. Rows are in path order.
func stateFields(state map[string]any, changes []replay.Change) []stateFieldView {
	type row struct {
		segs []string
		f    stateFieldView
	}
	var rows []row
	var walk func(prefix string, segs []string, m map[string]any)
	walk = func(prefix string, segs []string, m map[string]any) {
		for k, v := range m {
			path, s := replay.JoinPath(prefix, k), append(slices.Clip(segs), k)
			if sub, ok := v.(map[string]any); ok && len(sub) > 0 {
				walk(path, s, sub)
				continue
			}
			rows = append(rows, row{s, stateFieldView{Path: path, Value: fmtJSONValue(v), Array: arrayTree(v)}})
		}
	}
	walk("", nil, state)
	byPath := map[string]replay.Change{}
	for _, c := range changes {
		if c.Op != replay.Removed {
			byPath[c.Path] = c
			continue
		}
		segs, err := replay.ParsePath(c.Path)
		if err != nil {
			segs = []string{c.Path}
		}
		rows = append(rows, row{segs, stateFieldView{Path: c.Path, Old: fmtJSONValue(c.Old), Change: replay.Removed, Why: c.Why}})
	}
	for i := range rows {
		r := &rows[i]
		if r.f.Change != "" || len(byPath) == 0 {
			continue
		}
		p := ""
		for depth, seg := range r.segs { // the member itself or an ancestor
			p = replay.JoinPath(p, seg)
			if c, ok := byPath[p]; ok {
				r.f.Change, r.f.Why = c.Op, c.Why
				if depth == len(r.segs)-1 && c.Op == replay.Changed {
					r.f.Old = fmtJSONValue(c.Old)
				}
				break
			}
		}
	}
	slices.SortFunc(rows, func(a, b row) int { return slices.Compare(a.segs, b.segs) })
	out := make([]stateFieldView, len(rows))
	for i, r := range rows {
		out[i] = r.f
	}
	return out
}

// fmtJSONValue shows a state value as compact JSON, capped.
func fmtJSONValue(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return "?"
	}
	if len(b) > maxStateValue {
		return string(b[:maxStateValue]) + "…"
	}
	return string(b)
}

// arrayTree is a non-empty array value as a foldable tree (nil otherwise,
// or when too big to draw): the state shows it as an array, not a string.
func arrayTree(v any) *jsonNode {
	a, ok := v.([]any)
	if !ok || len(a) == 0 {
		return nil
	}
	b, err := json.Marshal(a)
	if err != nil {
		return nil
	}
	return jsonTree(b)
}
