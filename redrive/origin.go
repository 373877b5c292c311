package redrive

import (
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/eventscope/eventscope/event"
)

// OriginRule names the headers that carry the original topic of the dead
// letters on the topics Topic matches (a path.Match glob, case-insensitive),
// for dead-letter producers with headers of their own.
type OriginRule struct {
	Topic   string   `json:"topic"`
	Headers []string `json:"headers"`
}

// Origins are the configured rules. A dead letter's original topic is in
// the first non-empty header of the rules its topic matches (in order),
// then of OriginHeaders.
type Origins []OriginRule

// ParseOrigins reads rules written "glob=header,header;glob=header", e.g.
// "billing.*.dead=x-source-topic;legacy-dlq=orig_topic,source".
func ParseOrigins(s string) (Origins, error) {
	var out Origins
	for _, part := range strings.Split(s, ";") {
		if part = strings.TrimSpace(part); part == "" {
			continue
		}
		glob, hs, ok := strings.Cut(part, "=")
		glob = strings.ToLower(strings.TrimSpace(glob))
		if !ok || glob == "" {
			return nil, fmt.Errorf("origin rule %q: want topic-glob=header[,header]", part)
		}
		if _, err := path.Match(glob, ""); err != nil {
			return nil, fmt.Errorf("origin rule %q: topic glob: %w", part, err)
		}
		r := OriginRule{Topic: glob}
		for _, h := range strings.Split(hs, ",") {
			if h = strings.TrimSpace(h); h != "" {
				r.Headers = append(r.Headers, h)
			}
		}
		if len(r.Headers) == 0 {
			return nil, fmt.Errorf("origin rule %q: no header named", part)
		}
		out = append(out, r)
	}
	return out, nil
}

// Headers are the headers tried, in order, for a dead letter on topic.
func (o Origins) Headers(topic string) []string {
	var out []string
	t := strings.ToLower(topic)
	for _, r := range o {
		if ok, err := path.Match(r.Topic, t); ok && err == nil {
			out = append(out, r.Headers...)
		}
	}
	for _, h := range OriginHeaders {
		if !slices.ContainsFunc(out, func(x string) bool { return strings.EqualFold(x, h) }) {
			out = append(out, h)
		}
	}
	return out
}

// Origin returns the original topic the headers hs of a dead letter on
// topic name, and the header that named it ("" when none does).
func (o Origins) Origin(topic string, hs []event.Header) (origin, header string) {
	for _, name := range o.Headers(topic) {
		for _, h := range hs {
			if v := strings.TrimSpace(h.Value); strings.EqualFold(h.Key, name) && v != "" {
				return v, name
			}
		}
	}
	return "", ""
}
