package replay

import (
	"reflect"
	"slices"
)

// fold sets each step's Entity, State, Changes, Skipped and Note.
func fold(steps []Step, entityKey string) {
	var path []string
	var pathErr error
	if entityKey != "" {
		path, pathErr = ParsePath(entityKey)
	}
	states := map[string]map[string]any{}
	for k := range steps {
		s := &steps[k]
		root, note := decodePayload(s.Event)
		var patch map[string]any
		whole := false
		if root != nil {
			patch, whole, note = stateObject(root)
		}
		switch {
		case entityKey == "":
			s.Entity = s.Event.Key
		case pathErr != nil:
			s.Note = pathErr.Error()
		case root != nil:
			v, ok := lookup(root, path)
			if !ok && whole && len(path) > 1 && path[0] == "data" {
				v, ok = lookup(root, path[1:])
			}
			if ok {
				s.Entity = keyString(v)
			} else {
				s.Note = "no " + entityKey + " in the payload: folded into the entity without key"
			}
		}
		old := states[s.Entity]
		s.State = old
		if patch == nil {
			s.Skipped, s.Note = true, note
			continue
		}
		var ch []Change
		nw, changed := merge(old, patch, "", &ch)
		if changed || old == nil {
			states[s.Entity] = nw
			s.State = nw
		}
		s.Changes = ch
	}
}

// merge applies patch to old as a JSON Merge Patch (RFC 7386) without
// modifying old: maps on the path of a change are copied, everything else
// is shared. It reports whether anything changed and, when ch is not nil,
// appends the changes under prefix. old may be nil (an empty object).
func merge(old, patch map[string]any, prefix string, ch *[]Change) (map[string]any, bool) {
	var out map[string]any // a copy of old, made at the first write
	write := func() {
		if out == nil {
			out = make(map[string]any, len(old)+len(patch))
			for k, v := range old {
				out[k] = v
			}
		}
	}
	record := func(k, op string, ov, nv any) {
		if ch != nil {
			*ch = append(*ch, Change{Path: JoinPath(prefix, k), Op: op, Old: ov, New: nv})
		}
	}
	keys := make([]string, 0, len(patch))
	for k := range patch {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		pv := patch[k]
		ov, had := old[k]
		switch p := pv.(type) {
		case nil:
			if had {
				write()
				delete(out, k)
				record(k, Removed, ov, nil)
			}
		case map[string]any:
			if o, ok := ov.(map[string]any); ok {
				if nv, changed := merge(o, p, JoinPath(prefix, k), ch); changed {
					write()
					out[k] = nv
				}
				continue
			}
			nv, _ := merge(nil, p, "", nil) // drops the patch's nulls
			write()
			out[k] = nv
			record(k, opFor(had), ov, nv)
		default:
			if had && reflect.DeepEqual(ov, pv) {
				continue
			}
			write()
			out[k] = pv
			record(k, opFor(had), ov, pv)
		}
	}
	if out == nil {
		if old == nil {
			return map[string]any{}, false
		}
		return old, false
	}
	return out, true
}

func opFor(had bool) string {
	if had {
		return Changed
	}
	return Added
}
