package redact

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"hash"
	"path"
	"strings"
	"sync"

	"github.com/eventscope/eventscope/event"
)

// action is what happens to a matched value; a larger action wins.
type action uint8

const (
	actNone action = iota
	actMask
	actDrop
)

// plan is every rule that applies to one topic, merged.
type plan struct {
	headers     map[string]action // exact names, as event.HeaderName
	headerGlobs []headerGlob
	paths       []*jsonPath
	key         action
}

type headerGlob struct {
	pattern string // as headerPattern
	act     action
}

// Redactor applies a Config. It is safe for concurrent use.
type Redactor struct {
	cfg    Config
	hexLen int
	pool   sync.Pool // of hash.Hash (HMAC-SHA256 keyed with the secret)
	plans  sync.Map  // topic -> *plan (nil: no rule applies)
}

// New checks cfg and returns its Redactor. secret keys the masking hash;
// it must be set (at least 16 bytes) when any rule masks, so that masked
// values cannot be recovered by hashing guesses.
func New(cfg Config, secret []byte) (*Redactor, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.Masks() && len(secret) < 16 {
		return nil, errors.New("redaction masks values but the secret is missing or shorter than 16 bytes (make one with `openssl rand -hex 32`)")
	}
	r := &Redactor{cfg: cfg, hexLen: cfg.HashLength}
	if r.hexLen == 0 {
		r.hexLen = DefaultHashLength
	}
	key := append([]byte(nil), secret...)
	r.pool.New = func() any { return hmac.New(sha256.New, key) }
	return r, nil
}

// Enabled reports whether any rule exists.
func (r *Redactor) Enabled() bool { return r != nil && len(r.cfg.Rules) > 0 }

// Apply redacts e in place: headers, key and, when it is JSON, the payload.
// ID fields equal to a redacted value get its hash. Apply is idempotent:
// masked tokens are not hashed again, so a retried batch is unchanged.
// On a topic no rule names it costs one map lookup.
func (r *Redactor) Apply(e *event.Event) {
	if !r.Enabled() {
		return
	}
	p := r.planFor(e.Topic)
	if p == nil {
		return
	}
	var gone []string // original values masked or dropped
	key := e.Key
	if len(p.headers)+len(p.headerGlobs) > 0 && len(e.Headers) > 0 {
		gone = r.headers(p, e, gone)
	}
	if p.key != actNone && e.Key != "" && !r.isToken(e.Key) {
		gone = append(gone, e.Key)
		if p.key == actDrop {
			e.Key = ""
		} else {
			e.Key = r.hash(e.Key)
		}
	}
	if len(p.paths) > 0 && len(e.Payload) > 0 {
		gone = r.payload(p, e, gone)
	}
	for _, v := range gone {
		if v == "" {
			continue
		}
		canon := event.CanonicalID(v) // the form the decoder gave the IDs
		for _, id := range []*string{&e.EventID, &e.CorrelationID, &e.CausationID, &e.Key} {
			if *id == v || *id == canon {
				*id = r.hash(v)
			}
		}
	}
	r.raw(p, e, key)
}

// raw makes the raw copies of a wrapped payload and key (Event.PayloadRaw,
// Event.KeyRaw) show what the redacted payload and key show, so that no
// redacted value stays readable there: the envelope is rebuilt around the
// redacted value, or dropped when it cannot be.
func (r *Redactor) raw(p *plan, e *event.Event, key string) {
	if e.PayloadRaw != nil && len(p.paths) > 0 {
		raw, ok := event.RewrapConnect(e.PayloadRaw, e.Payload)
		if !ok {
			raw = nil // e.g. cut at the payload cap: nothing to rebuild
		}
		e.PayloadRaw = raw
	}
	if e.KeyRaw == "" || e.Key == key {
		return
	}
	switch {
	case e.Key == "":
		e.KeyRaw = ""
	case e.KeyRaw[0] == '"':
		b, _ := json.Marshal(e.Key)
		e.KeyRaw = string(b)
	default:
		raw, ok := event.RewrapConnect([]byte(e.KeyRaw), []byte(e.Key))
		e.KeyRaw = ""
		if ok {
			e.KeyRaw = string(raw)
		}
	}
}

func (r *Redactor) payload(p *plan, e *event.Event, gone []string) []string {
	body := event.JSONStart(e.Payload)
	if e.Truncated || !jsonValid(body) {
		if e.Truncated {
			gone = append(gone, r.cutIDs(p, e)...)
		}
		return r.unparsable(e, gone)
	}
	w := walker{r: r}
	states := make([]state, 0, len(p.paths)*2)
	for _, jp := range p.paths {
		states = append(states, state{path: jp})
	}
	out, changed, err := w.value(body, closure(states))
	if err != nil {
		return r.unparsable(e, append(gone, w.masked...))
	}
	if !changed {
		return append(gone, w.masked...)
	}
	lead := e.Payload[: len(e.Payload)-len(body) : len(e.Payload)-len(body)]
	e.Payload = append(lead, out...) // keeps a byte order mark as it was
	e.PayloadSize = len(e.Payload)
	return append(gone, w.masked...)
}

// unparsable applies the UnparsablePayload policy to a payload that JSON
// rules apply to but that is not complete JSON: cut at the cap, another
// encoding (UTF-16), text or binary.
func (r *Redactor) unparsable(e *event.Event, gone []string) []string {
	if r.cfg.UnparsablePayload == UnparsableKeep {
		return gone
	}
	e.Payload, e.Truncated = nil, false
	note := "payload dropped by redaction: JSON rules apply but it is not complete JSON"
	if e.DecodeError != "" {
		note = e.DecodeError + "; " + note
	}
	e.DecodeError = note
	return gone
}

// planFor returns the merged rules for topic, nil when none applies.
func (r *Redactor) planFor(topic string) *plan {
	if v, ok := r.plans.Load(topic); ok {
		return v.(*plan)
	}
	p := r.compile(topic)
	r.plans.Store(topic, p)
	return p
}

func (r *Redactor) compile(topic string) *plan {
	var p *plan
	for _, rule := range r.cfg.Rules {
		if !topicMatches(rule.Topics, topic) {
			continue
		}
		if p == nil {
			p = &plan{headers: map[string]action{}}
		}
		loose := rule.JSONKeys == JSONKeysLoose
		p.add(rule.Mask, actMask, loose)
		p.add(rule.Drop, actDrop, loose)
	}
	return p
}

func (p *plan) add(f Fields, act action, loose bool) {
	for _, h := range f.Headers {
		h = headerPattern(h)
		if strings.ContainsAny(h, "*?[") {
			p.headerGlobs = append(p.headerGlobs, headerGlob{h, act})
		} else {
			p.headers[h] = max(p.headers[h], act)
		}
	}
	for _, s := range f.JSON {
		segs, _ := parsePath(s) // validated in New
		if loose {
			for i := range segs {
				segs[i].name = event.HeaderName(segs[i].name)
			}
		}
		p.paths = append(p.paths, &jsonPath{segs: segs, act: act, loose: loose})
	}
	if f.Key {
		p.key = max(p.key, act)
	}
}

func topicMatches(patterns []string, topic string) bool {
	if len(patterns) == 0 {
		return true
	}
	for _, pat := range patterns {
		if ok, _ := path.Match(pat, topic); ok {
			return true
		}
	}
	return false
}

// hash is the masked form of v: Prefix and the first hexLen hex digits of
// HMAC-SHA256(secret, v).
func (r *Redactor) hash(v string) string {
	h := r.pool.Get().(hash.Hash)
	h.Reset()
	h.Write([]byte(v))
	var sum [sha256.Size]byte
	h.Sum(sum[:0])
	r.pool.Put(h)
	var dst [2 * sha256.Size]byte
	hex.Encode(dst[:], sum[:])
	return Prefix + string(dst[:r.hexLen])
}

// isToken reports whether v is already a masked value.
func (r *Redactor) isToken(v string) bool {
	rest, ok := strings.CutPrefix(v, Prefix)
	if !ok || len(rest) != r.hexLen {
		return false
	}
	for i := 0; i < len(rest); i++ {
		if c := rest[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}
