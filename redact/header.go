package redact

import (
	"path"
	"strings"

	"github.com/eventscope/eventscope/event"
)

func (r *Redactor) headers(p *plan, e *event.Event, gone []string) []string {
	kept := e.Headers[:0]
	for _, h := range e.Headers {
		act := p.headerAction(event.HeaderName(h.Key))
		switch {
		case act == actDrop:
			gone = append(gone, h.Value)
			continue
		case act == actMask && !r.isToken(h.Value):
			gone = append(gone, h.Value)
			h.Value = r.hash(h.Value)
		}
		kept = append(kept, h)
	}
	clear(e.Headers[len(kept):])
	e.Headers = kept
	return gone
}

func (p *plan) headerAction(lower string) action {
	act := p.headers[lower]
	for _, g := range p.headerGlobs {
		if ok, _ := path.Match(g.pattern, lower); ok {
			act = max(act, g.act)
		}
	}
	return act
}

// headerPattern is a rule's header name or glob in the form headers are
// matched in: event.HeaderName of the literal parts ("X-Secret-*" becomes
// "xsecret*"); bracket expressions ([a-z]) are only lower-cased.
func headerPattern(h string) string {
	var b strings.Builder
	for h != "" {
		i := strings.IndexByte(h, '[')
		if i < 0 {
			b.WriteString(event.HeaderName(h))
			break
		}
		b.WriteString(event.HeaderName(h[:i]))
		j := strings.IndexByte(h[i+1:], ']')
		if j < 0 {
			b.WriteString(strings.ToLower(h[i:])) // a bad glob: Validate says so
			break
		}
		b.WriteString(strings.ToLower(h[i : i+j+2]))
		h = h[i+j+2:]
	}
	return b.String()
}
