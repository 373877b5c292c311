package replay

import (
	"fmt"
	"reflect"
	"slices"

	"github.com/eventscope/eventscope/diagnose"
)

// fold sets each step's Entity, State, Changes, Skipped and Note.
// classes[k] is step k's record's class: a failure's members are undone
// when a later event supersedes it (see failureMembers).
func fold(steps []Step, entityKey string, classes []diagnose.Class) {
	var path []string
	var pathErr error
	if entityKey != "" {
		path, pathErr = ParsePath(entityKey)
	}
	states := map[string]map[string]any{}
	failed := map[string]failureMembers{} // per entity
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
		if classes[k].Failure {
			failed[s.Entity] = failed[s.Entity].add(old, ch, k)
		} else if fm := failed[s.Entity]; fm.supersededBy(patch) {
			var undone bool
			nw, undone = fm.undo(nw, patch, steps, s, &ch)
			changed = changed || undone
			delete(failed, s.Entity)
		}
		if changed || old == nil {
			states[s.Entity] = nw
			s.State = nw
		}
		s.Changes = ch
	}
}

// failureMembers are the top-level members of an entity's state that a
// failure changed (a dead-lettered record, a type that reads as a
// failure, a failure field or header: diagnose.Classify): what each held
// before the first failure changed it, and the step that changed it last.
//
// The rule (the replay page says it too): a later event of the same
// entity that is not a failure supersedes the failure when it sets one of
// the members the failure changed (the demo's PaymentAuthorized sets the
// paymentStatus that the dead-lettered OrderPlaced set to
// "dead_lettered"). The failure's other members then go back to what they
// were before it: removed when it added them (error, attempts), their
// earlier value when it changed them. An event that sets none of them
// (PizzaPrepared's kitchenStatus) leaves them: nothing says the failure is
// over.
type failureMembers map[string]failureMark

type failureMark struct {
	step  int
	prior any
	had   bool
}

// add marks the members that the failure at step changed (ch) in old.
func (fm failureMembers) add(old map[string]any, ch []Change, step int) failureMembers {
	if fm == nil {
		fm = failureMembers{}
	}
	for _, c := range ch {
		top := c.Path
		if segs, err := ParsePath(c.Path); err == nil && len(segs) > 0 {
			top = segs[0]
		}
		m, ok := fm[top]
		if !ok {
			m.prior, m.had = old[top]
		}
		m.step = step
		fm[top] = m
	}
	return fm
}

// supersededBy reports whether a non-failure patch sets one of fm.
func (fm failureMembers) supersededBy(patch map[string]any) bool {
	for k, v := range patch {
		if _, ok := fm[k]; ok && v != nil {
			return true
		}
	}
	return false
}

// undo returns state (not modified: a copy when anything changes) with
// the members of fm that patch does not set back to their value before
// the failure, appending a change for each that says which failure set it
// and which step superseded it.
func (fm failureMembers) undo(state, patch map[string]any, steps []Step, s *Step, ch *[]Change) (map[string]any, bool) {
	keys := make([]string, 0, len(fm))
	for k := range fm {
		if _, set := patch[k]; !set {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	var out map[string]any
	for _, k := range keys {
		m := fm[k]
		cur, has := state[k]
		if has == m.had && reflect.DeepEqual(cur, m.prior) {
			continue
		}
		if out == nil {
			out = make(map[string]any, len(state))
			for k, v := range state {
				out[k] = v
			}
		}
		by := steps[m.step]
		c := Change{Path: JoinPath("", k), Old: cur,
			Why: fmt.Sprintf("set by the failure %s at step %d; %s superseded it", typeOf(by.Event.Type), by.Index+1, typeOf(s.Event.Type))}
		switch {
		case !m.had:
			c.Op = Removed
			delete(out, k)
		case !has:
			c.Op, c.Old, c.New = Added, nil, m.prior
			out[k] = m.prior
		default:
			c.Op, c.New = Changed, m.prior
			out[k] = m.prior
		}
		*ch = append(*ch, c)
	}
	if out == nil {
		return state, false
	}
	return out, true
}

func typeOf(t string) string {
	if t == "" {
		return "(no type)"
	}
	return t
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
