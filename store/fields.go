package store

import (
	"context"
	"slices"
	"strings"
)

// FieldInfo is one payload field path of an event type: the kinds of
// value seen there and how many of the events looked at have it.
type FieldInfo struct {
	Path   string   `json:"path"`
	Kinds  []string `json:"kinds"`
	Events int64    `json:"events"`
}

// TypeFields is the answer of GET /api/fields: the payload fields of
// the newest events of a type (Sampled of them were looked at).
type TypeFields struct {
	Type    string      `json:"type"`
	Sampled int64       `json:"sampled"`
	Fields  []FieldInfo `json:"fields"`
}

// FieldLister is an optional interface a Reader may implement: the payload
// fields of an event type, for suggesting payload.PATH terms.
type FieldLister interface {
	// TypeFields reports the fields of the payloads of at most sample of
	// the newest events of type typ, sorted by path.
	TypeFields(ctx context.Context, typ string, sample int) (TypeFields, error)
}

// FieldTally builds TypeFields from payloads: every path WalkPayload
// visits (keys joined by "."), its kinds, and the payloads that have it.
type FieldTally struct {
	n     int64
	paths map[string]*fieldCount
}

type fieldCount struct {
	kinds  map[string]bool
	events int64
	last   int64 // the payload that last counted it
}

// Add tallies one payload.
func (t *FieldTally) Add(payload []byte) {
	if t.paths == nil {
		t.paths = map[string]*fieldCount{}
	}
	t.n++
	WalkPayload(payload, func(path []string, kind, _ string) bool {
		p := strings.Join(path, ".")
		c := t.paths[p]
		if c == nil {
			c = &fieldCount{kinds: map[string]bool{}}
			t.paths[p] = c
		}
		c.kinds[kind] = true
		if c.last != t.n {
			c.last, c.events = t.n, c.events+1
		}
		return true
	})
}

// Result is the tally as TypeFields of typ.
func (t *FieldTally) Result(typ string) TypeFields {
	out := TypeFields{Type: typ, Sampled: t.n, Fields: []FieldInfo{}}
	for p, c := range t.paths {
		f := FieldInfo{Path: p, Events: c.events}
		for k := range c.kinds {
			f.Kinds = append(f.Kinds, k)
		}
		slices.Sort(f.Kinds)
		out.Fields = append(out.Fields, f)
	}
	slices.SortFunc(out.Fields, func(a, b FieldInfo) int { return strings.Compare(a.Path, b.Path) })
	return out
}
