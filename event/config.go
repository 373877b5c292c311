package event

import (
	"errors"
	"fmt"
	"path"
	"regexp"
	"strings"

	"github.com/tidwall/gjson"
)

// Convention is an in-house ID convention: where a team's producers put
// event fields. Its mappings are tried before every built-in convention.
type Convention struct {
	// Name is recorded in Event.Convention ("" records "config").
	Name string
	// Topics are topic globs (path.Match syntax, case-insensitive) the
	// convention applies to; empty means every topic.
	Topics []string
	// Mappings say where each field is; the first mapping that finds a
	// field in a record fills it.
	Mappings []Mapping
}

// Mapping reads one field from a header or from a JSON path into the value.
// Exactly one of Header and JSONPath is set.
type Mapping struct {
	Field Field
	// Header is a header name, matched like the built-in names:
	// case-insensitively, ignoring '-', '_' and '.'.
	Header string
	// JSONPath is a GJSON path into a JSON value, e.g. "meta.flow.id" or
	// "headers.x-trace"; see https://github.com/tidwall/gjson (SYNTAX.md).
	JSONPath string
}

// Fields lists the fields a Mapping can fill.
var Fields = []Field{FieldEventID, FieldCorrelationID, FieldCausationID, FieldType, FieldSource, FieldTime, FieldVersion}

// Validate reports every problem in c at once (errors.Join).
func (c Config) Validate() error {
	var errs []error
	if c.PayloadCap < 0 {
		errs = append(errs, fmt.Errorf("payload cap %d: must not be negative", c.PayloadCap))
	}
	for i, p := range c.DeadLetterPatterns {
		if err := checkPattern(p); err != nil {
			errs = append(errs, fmt.Errorf("dead-letter pattern %d: %w", i+1, err))
		}
	}
	if c.InternalTopics != "" {
		if _, err := regexp.Compile(c.InternalTopics); err != nil {
			errs = append(errs, fmt.Errorf("internal topics %q: %w", c.InternalTopics, err))
		}
	}
	for i, cv := range c.Conventions {
		name := fmt.Sprintf("convention %d", i+1)
		if cv.Name != "" {
			name += " (" + cv.Name + ")"
		}
		for _, err := range cv.problems() {
			errs = append(errs, fmt.Errorf("%s: %w", name, err))
		}
	}
	return errors.Join(errs...)
}

func (cv Convention) problems() []error {
	var errs []error
	for i, p := range cv.Topics {
		if err := checkPattern(p); err != nil {
			errs = append(errs, fmt.Errorf("topic pattern %d: %w", i+1, err))
		}
	}
	if len(cv.Mappings) == 0 {
		errs = append(errs, errors.New("no mappings"))
	}
	for i, m := range cv.Mappings {
		if err := m.check(); err != nil {
			errs = append(errs, fmt.Errorf("mapping %d: %w", i+1, err))
		}
	}
	return errs
}

func (m Mapping) check() error {
	if !knownField(m.Field) {
		return fmt.Errorf("unknown field %q (want one of %s)", m.Field, fieldList())
	}
	switch {
	case m.Header == "" && m.JSONPath == "":
		return fmt.Errorf("field %s: needs a header or a json path", m.Field)
	case m.Header != "" && m.JSONPath != "":
		return fmt.Errorf("field %s: has both a header and a json path (give one)", m.Field)
	case m.JSONPath == "" && HeaderName(m.Header) == "":
		return fmt.Errorf("field %s: header %q is only separators (- _ .)", m.Field, m.Header)
	}
	return nil
}

func checkPattern(p string) error {
	if p == "" {
		return errors.New("empty pattern")
	}
	if _, err := path.Match(p, ""); err != nil {
		return fmt.Errorf("pattern %q: %w", p, err)
	}
	return nil
}

func knownField(f Field) bool {
	for _, k := range Fields {
		if f == k {
			return true
		}
	}
	return false
}

func fieldList() string {
	return strings.Join(fieldNames(), ", ")
}

type compiledConvention struct {
	name   string
	topics []string // lowercased globs
	maps   []compiledMapping
}

type compiledMapping struct {
	slot   slot
	isTime bool
	header string // normalised
	path   string
	label  string // for decode_error notes
}

func compileConventions(cs []Convention) []compiledConvention {
	var out []compiledConvention
	for _, c := range cs {
		cc := compiledConvention{name: c.Name}
		if cc.name == "" {
			cc.name = ConventionConfig
		}
		for _, t := range c.Topics {
			cc.topics = append(cc.topics, strings.ToLower(t))
		}
		for _, m := range c.Mappings {
			if m.check() != nil {
				continue
			}
			cm := compiledMapping{path: m.JSONPath, label: m.JSONPath}
			cm.slot, _ = slotOf(m.Field)
			cm.isTime = m.Field == FieldTime
			if m.Header != "" {
				cm.header = HeaderName(m.Header)
				cm.label = m.Header
			}
			cc.maps = append(cc.maps, cm)
		}
		out = append(out, cc)
	}
	return out
}

// conventionsFor returns the indexes of the config conventions for topic.
func (d *Decoder) conventionsFor(topic string) []int {
	if v, ok := d.topicConvs.Load(topic); ok {
		return v.([]int)
	}
	idx := []int{}
	lower := strings.ToLower(topic)
	for i, c := range d.convs {
		if len(c.topics) == 0 || matchAny(c.topics, lower) {
			idx = append(idx, i)
		}
	}
	d.topicConvs.Store(topic, idx)
	return idx
}

// applyConventions fills fields from the config conventions for r's topic.
func (d *Decoder) applyConventions(s *decodeState, r Record) {
	if len(d.convs) == 0 {
		return
	}
	for _, i := range d.conventionsFor(r.Topic) {
		c := &d.convs[i]
		for _, m := range c.maps {
			v := m.lookup(r)
			if !v.Exists() {
				continue
			}
			if m.isTime {
				if t, ok := jsonTime(v); ok {
					s.setTime(t)
				} else {
					s.note(c.name + " " + m.label + ": invalid time " + quote(v.String()))
				}
				continue
			}
			s.set(m.slot, strings.TrimSpace(v.String()), c.name)
		}
	}
}

// lookup finds the mapping's value in r as a gjson.Result (a header value
// is returned as a string result).
func (m *compiledMapping) lookup(r Record) gjson.Result {
	if m.header == "" {
		v := JSONStart(r.Value)
		if len(v) == 0 || (v[0] != '{' && v[0] != '[') {
			return gjson.Result{} // not JSON: paths never match
		}
		return gjson.GetBytes(v, m.path)
	}
	var buf [64]byte
	for _, h := range r.Headers {
		if k := normKey(&buf, h.Key); k != nil && string(k) == m.header && h.Value != "" {
			return gjson.Result{Type: gjson.String, Str: h.Value, Raw: h.Value}
		}
	}
	return gjson.Result{}
}
