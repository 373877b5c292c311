package ui

import (
	"context"
	"fmt"
	"strings"

	"github.com/eventscope/eventscope/store"
)

// maxSuggestions bounds the payload fields listed under the search box.
const maxSuggestions = 40

// fieldSuggestion is one payload field offered under the search box: a
// link that adds has:payload.PATH to the query (then edit it to
// payload.PATH:VALUE or payload.PATH>N).
type fieldSuggestion struct {
	Term  string // "payload.customer.id"
	Kinds string // "string, number"
	URL   string
}

// fieldSuggestions lists the payload fields of the type a query names
// (its first positive, exact type: term) when the store can list fields;
// nil otherwise.
func (h *handler) fieldSuggestions(ctx context.Context, q string, fq store.FlowQuery) ([]fieldSuggestion, error) {
	fl, ok := capability[store.FieldLister](h.store)
	if !ok {
		return nil, nil
	}
	typ := ""
	for _, t := range fq.Terms {
		if t.Field == store.FieldType && !t.Negate && !t.Prefix && t.Value != "" {
			typ = t.Value
			break
		}
	}
	if typ == "" {
		return nil, nil
	}
	tf, err := fl.TypeFields(ctx, typ, fieldSample)
	if err != nil {
		return nil, fmt.Errorf("suggest fields of %s: %w", typ, err)
	}
	var out []fieldSuggestion
	for _, f := range tf.Fields {
		if len(out) == maxSuggestions {
			break
		}
		term := "payload." + f.Path
		if strings.Contains(q, term) || strings.ContainsAny(f.Path, " \t\r\n\"*=[]:<>") {
			continue // already searched, or not writable as a path
		}
		out = append(out, fieldSuggestion{Term: term, Kinds: strings.Join(f.Kinds, ", "), URL: SearchURL(q + " has:" + term)})
	}
	return out, nil
}

// markTruncated marks the flows of a payload search's results that hold
// a truncated payload (store.MarkTruncated), when the store can tell.
func (h *handler) markTruncated(ctx context.Context, fq store.FlowQuery, flows []store.FlowSummary) error {
	tf, _ := capability[store.TruncatedFinder](h.store)
	return store.MarkTruncated(ctx, tf, fq, flows)
}
