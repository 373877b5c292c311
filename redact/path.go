package redact

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/eventscope/eventscope/event"
)

// segKind is what one step of a JSON path matches.
type segKind uint8

const (
	segKey      segKind = iota // one named object key
	segAny                     // "*": any object key or array element
	segAnyIndex                // "[*]": any array element
	segIndex                   // "[N]": array element N
	segDeep                    // "**": zero or more levels
)

type seg struct {
	kind segKind
	name string
	idx  int
}

// jsonPath is a compiled path with the action taken on the values it names.
type jsonPath struct {
	segs  []seg
	act   action
	loose bool // keys compared as event.HeaderName (rule json_keys: loose)
}

// parsePath compiles "data.items[*].card", "**.password", "[0].id".
func parsePath(p string) ([]seg, error) {
	if p == "" {
		return nil, fmt.Errorf("json path is empty")
	}
	var segs []seg
	for _, part := range strings.Split(p, ".") {
		name, rest, _ := strings.Cut(part, "[")
		if rest != "" || strings.Contains(part, "[") {
			rest = "[" + rest
		}
		switch {
		case name == "" && rest == "":
			return nil, fmt.Errorf("json path %q: empty key (two dots, or a dot at an end)", p)
		case name == "*":
			segs = append(segs, seg{kind: segAny})
		case name == "**":
			segs = append(segs, seg{kind: segDeep})
		case name != "":
			if strings.ContainsAny(name, "]*") {
				return nil, fmt.Errorf("json path %q: key %q: * is a whole key, and ] belongs after [", p, name)
			}
			segs = append(segs, seg{kind: segKey, name: name})
		}
		for rest != "" {
			inner, after, ok := strings.Cut(rest[1:], "]")
			if rest[0] != '[' || !ok {
				return nil, fmt.Errorf("json path %q: want [*] or [N] after a key, got %q", p, rest)
			}
			if inner == "*" {
				segs = append(segs, seg{kind: segAnyIndex})
			} else {
				n, err := strconv.Atoi(inner)
				if err != nil || n < 0 {
					return nil, fmt.Errorf("json path %q: index %q: want * or a number", p, inner)
				}
				segs = append(segs, seg{kind: segIndex, idx: n})
			}
			rest = after
		}
	}
	onlyDeep := true
	for _, s := range segs {
		onlyDeep = onlyDeep && s.kind == segDeep
	}
	if onlyDeep {
		return nil, fmt.Errorf("json path %q: names the whole payload; name a key", p)
	}
	return segs, nil
}

// state is a position in one path: segs[i] is the next step to match.
type state struct {
	path *jsonPath
	i    int
}

func (s state) done() bool { return s.i == len(s.path.segs) }

// closure adds, for every state before a "**", the state after it ("**"
// matches zero levels too).
func closure(states []state) []state {
	for k := 0; k < len(states); k++ {
		s := states[k]
		if !s.done() && s.path.segs[s.i].kind == segDeep {
			states = append(states, state{s.path, s.i + 1})
		}
	}
	return states
}

// step returns the states after descending into an object member (key) or
// an array element (index >= 0), and the strongest action of the states
// that end there.
func step(states []state, key []byte, index int, buf []state) ([]state, action) {
	next := buf[:0]
	for _, s := range states {
		if s.done() {
			continue
		}
		sg := s.path.segs[s.i]
		switch {
		case sg.kind == segDeep:
			next = append(next, s) // consume one level, stay on "**"
		case sg.kind == segAny,
			sg.kind == segKey && index < 0 && sg.name == keyName(key, s.path.loose),
			sg.kind == segAnyIndex && index >= 0,
			sg.kind == segIndex && index == sg.idx:
			next = append(next, state{s.path, s.i + 1})
		}
	}
	next = closure(next)
	act := actNone
	for _, s := range next {
		if s.done() {
			act = max(act, s.path.act)
		}
	}
	return next, act
}

// keyName is a JSON key as a path compares it: as written, or for a loose
// path in the decoder's header-name form (case and - _ . ignored).
func keyName(key []byte, loose bool) string {
	if loose {
		return event.HeaderName(string(key))
	}
	return string(key)
}
