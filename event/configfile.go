package event

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// ParseConfig reads a decoder config file (YAML, format in docs/CONFIG.md,
// section "Decoding (--config)"). Every problem found is reported, each
// with its line, in one error; an empty file is the zero Config.
func ParseConfig(b []byte) (Config, error) {
	var cfg Config
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return Config{}, fmt.Errorf("parse config: %w", err)
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return cfg, nil
	}
	p := &configParser{}
	p.root(doc.Content[0], &cfg)
	if len(p.errs) > 0 {
		return Config{}, fmt.Errorf("parse config: %w", errors.Join(p.errs...))
	}
	return cfg, nil
}

type configParser struct {
	errs []error
}

func (p *configParser) fail(n *yaml.Node, format string, args ...any) {
	p.errs = append(p.errs, fmt.Errorf("line %d: %s", n.Line, fmt.Sprintf(format, args...)))
}

// pairs calls fn for each key of a mapping node, rejecting keys not in want.
func (p *configParser) pairs(n *yaml.Node, what string, want []string, fn func(key string, k, v *yaml.Node)) {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	if n.Kind != yaml.MappingNode {
		p.fail(n, "%s: want a mapping, got %s", what, kindName(n))
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		known := false
		for _, w := range want {
			known = known || k.Value == w
		}
		if !known {
			p.fail(k, "%s: unknown key %q (want %s)", what, k.Value, strings.Join(want, ", "))
			continue
		}
		fn(k.Value, k, v)
	}
}

func (p *configParser) root(n *yaml.Node, cfg *Config) {
	// "redaction" belongs to package redact, "stall_rules" to the diagnose
	// configuration (cmd/tracer), which read the same file.
	p.pairs(n, "config", []string{"payload_cap", "dead_letter_topics", "conventions", "redaction", "stall_rules"}, func(key string, _, v *yaml.Node) {
		switch key {
		case "payload_cap":
			cfg.PayloadCap = p.size(v)
		case "dead_letter_topics":
			cfg.DeadLetterPatterns = p.patterns(v, "dead_letter_topics")
		case "conventions":
			if v.Kind != yaml.SequenceNode {
				p.fail(v, "conventions: want a list, got %s", kindName(v))
				return
			}
			for _, c := range v.Content {
				cfg.Conventions = append(cfg.Conventions, p.convention(c))
			}
		}
	})
}

// size reads a payload cap from the config file.
func (p *configParser) size(n *yaml.Node) int {
	v, err := ParseSize(n.Value)
	if n.Kind != yaml.ScalarNode || err != nil {
		p.fail(n, "payload_cap: want a positive size in bytes up to 1 GiB (e.g. 262144 or 256KiB), got %q", n.Value)
		return 0
	}
	return v
}

// ParseSize reads a byte count up to 1 GiB: an integer, or a number with a
// KiB/MiB/KB/MB/B suffix ("256KiB").
func ParseSize(s string) (int, error) {
	s = strings.TrimSpace(s)
	mult := 1
	for _, u := range []struct {
		suffix string
		mult   int
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"KB", 1000}, {"MB", 1000 * 1000}, {"B", 1}} {
		if rest, ok := strings.CutSuffix(s, u.suffix); ok {
			s, mult = strings.TrimSpace(rest), u.mult
			break
		}
	}
	v, err := strconv.Atoi(s)
	if err != nil || v <= 0 || v > (1<<30)/mult {
		return 0, fmt.Errorf("want a positive size in bytes up to 1 GiB (e.g. 262144 or 256KiB), got %q", s)
	}
	return v * mult, nil
}

func (p *configParser) patterns(n *yaml.Node, what string) []string {
	if n.Kind != yaml.SequenceNode {
		p.fail(n, "%s: want a list of topic patterns, got %s", what, kindName(n))
		return nil
	}
	var out []string
	for _, item := range n.Content {
		if item.Kind != yaml.ScalarNode {
			p.fail(item, "%s: want a topic pattern, got %s", what, kindName(item))
			continue
		}
		if err := checkPattern(item.Value); err != nil {
			p.fail(item, "%s: %v", what, err)
			continue
		}
		out = append(out, item.Value)
	}
	return out
}

func (p *configParser) convention(n *yaml.Node) Convention {
	var c Convention
	sawFields := false
	p.pairs(n, "convention", []string{"name", "topics", "fields"}, func(key string, _, v *yaml.Node) {
		switch key {
		case "name":
			c.Name = v.Value
		case "topics":
			c.Topics = p.patterns(v, "topics")
		case "fields":
			sawFields = true
			p.pairs(v, "fields", fieldNames(), func(field string, _, src *yaml.Node) {
				c.Mappings = append(c.Mappings, p.sources(Field(field), src)...)
			})
		}
	})
	if !sawFields && n.Kind == yaml.MappingNode {
		p.fail(n, "convention %q: no fields (map at least one of %s to a header or json path)", c.Name, fieldList())
	}
	return c
}

// sources reads one source ({header: X} or {json: a.b}) or a list of them.
func (p *configParser) sources(f Field, n *yaml.Node) []Mapping {
	if n.Kind == yaml.SequenceNode {
		var out []Mapping
		for _, item := range n.Content {
			out = append(out, p.sources(f, item)...)
		}
		return out
	}
	var m Mapping
	m.Field = f
	p.pairs(n, "field "+string(f), []string{"header", "json"}, func(key string, _, v *yaml.Node) {
		if v.Kind != yaml.ScalarNode || v.Value == "" {
			p.fail(v, "field %s: %s: want a non-empty string", f, key)
			return
		}
		if key == "header" {
			m.Header = v.Value
		} else {
			m.JSONPath = v.Value
		}
	})
	if n.Kind != yaml.MappingNode {
		return nil
	}
	if err := m.check(); err != nil {
		p.fail(n, "%v", err)
		return nil
	}
	return []Mapping{m}
}

func fieldNames() []string {
	s := make([]string, len(Fields))
	for i, f := range Fields {
		s[i] = string(f)
	}
	return s
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		return fmt.Sprintf("%q", n.Value)
	case yaml.AliasNode:
		return "an alias"
	}
	return "nothing"
}
