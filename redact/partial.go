package redact

import "github.com/eventscope/eventscope/event"

// collectCut gathers, for the ID fields, the string values that the rules
// would mask or drop in a JSON text cut short at the payload cap: the
// decoder read the IDs from the whole value, so an envelope ID under a
// masked path must take its token even though the cut payload is dropped.
// The walk follows the text as far as it goes; values cut in the middle
// are not taken (they were not whole IDs in the cut text either).
func (w *walker) collectCut(raw []byte, states []state) {
	object := firstByte(raw) == '{'
	if !object && firstByte(raw) != '[' {
		return
	}
	var buf []state
	for i, m := range membersCut(raw, object) {
		idx := i
		if object {
			idx = -1
		}
		var act action
		buf, act = step(states, m.key, idx, buf)
		switch {
		case act != actNone:
			if s, ok := jsonString(m.value); ok {
				w.masked = append(w.masked, s)
			}
		case len(buf) > 0:
			w.collectCut(m.value, append([]state(nil), buf...))
		}
	}
}

// membersCut is members for a text that may end anywhere: the members
// read before the end, the last one's value possibly cut.
func membersCut(raw []byte, object bool) []member {
	var out []member
	i := skipSpace(raw, 0) + 1
	for {
		i = skipSpace(raw, i)
		if i >= len(raw) || raw[i] == '}' || raw[i] == ']' {
			return out
		}
		if raw[i] == ',' {
			i = skipSpace(raw, i+1)
		}
		var m member
		if object {
			end, err := skipString(raw, i)
			if err != nil {
				return out
			}
			m.rawKey = raw[i:end]
			m.key = decodeKey(m.rawKey)
			if i = skipSpace(raw, end); i >= len(raw) || raw[i] != ':' {
				return out
			}
			i = skipSpace(raw, i+1)
		}
		if i >= len(raw) {
			return out
		}
		end, err := skipValue(raw, i)
		if err != nil {
			m.value = raw[i:] // cut: walk into it, then stop
			return append(out, m)
		}
		m.value = raw[i:end]
		out = append(out, m)
		i = end
	}
}

// cutIDs returns what collectCut finds in e's cut payload under p.
func (r *Redactor) cutIDs(p *plan, e *event.Event) []string {
	body := event.JSONStart(e.Payload)
	w := walker{r: r}
	states := make([]state, 0, len(p.paths)*2)
	for _, jp := range p.paths {
		states = append(states, state{path: jp})
	}
	w.collectCut(body, closure(states))
	return w.masked
}
