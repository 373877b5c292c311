package redact

import (
	"bytes"
	"errors"
	"fmt"
	"path"

	"go.yaml.in/yaml/v3"
)

// Defaults of Config.
const (
	// DefaultHashLength is the number of hex digits kept of a masked
	// value's HMAC: 64 bits, so millions of distinct values (order IDs,
	// emails) hash without collisions merging flows.
	DefaultHashLength = 16
	// Prefix starts every masked value.
	Prefix = "redacted:"
)

// Unparsable payload policies: what happens to a payload that is not
// complete JSON (cut at the payload cap, UTF-16, text, binary) when a JSON
// path rule applies to its topic. A UTF-8 byte order mark and white space
// before the JSON are allowed.
const (
	UnparsableDrop = "drop" // remove the payload (the default: safe)
	UnparsableKeep = "keep" // store it as it is
)

// Config lists what to redact. It is the "redaction:" section of the
// config file (docs/CONFIG.md, "Redaction"); the zero Config redacts nothing.
type Config struct {
	// Rules apply in order; every rule whose topic patterns match an
	// event's topic applies. When rules disagree about a value, drop wins.
	Rules []Rule `yaml:"rules"`
	// HashLength is how many hex digits of the HMAC-SHA256 a masked value
	// keeps, 8 to 64; 0 means DefaultHashLength.
	HashLength int `yaml:"hash_length,omitempty"`
	// UnparsablePayload is UnparsableDrop (default) or UnparsableKeep.
	UnparsablePayload string `yaml:"unparsable_payload,omitempty"`
}

// Rule redacts fields of the events on matching topics.
type Rule struct {
	// Topics are glob patterns (*, ?, [a-z]) matched against the whole
	// topic name; empty means every topic.
	Topics []string `yaml:"topics,omitempty"`
	// Mask replaces values by their keyed hash.
	Mask Fields `yaml:"mask,omitempty"`
	// Drop removes values.
	Drop Fields `yaml:"drop,omitempty"`
	// JSONKeys is how the keys of the JSON paths match: JSONKeysExact
	// (default) or JSONKeysLoose.
	JSONKeys string `yaml:"json_keys,omitempty"`
}

// JSON key matching of a Rule.
const (
	JSONKeysExact = "exact" // as written, case-sensitive (the default)
	// JSONKeysLoose matches keys as the decoder reads envelope keys:
	// case-insensitive, ignoring '-', '_' and '.' (event.HeaderName), so
	// "**.correlationId" also catches correlation_id and CorrelationID.
	JSONKeysLoose = "loose"
)

// Fields names values of an event.
type Fields struct {
	// Headers are header names, matched as the decoder reads them:
	// case-insensitively and ignoring '-', '_' and '.' (event.HeaderName),
	// so "correlation-id" also catches Correlation_Id, correlation.id and
	// CorrelationId. Glob patterns are allowed (x-secret-*).
	Headers []string `yaml:"headers,omitempty"`
	// JSON are paths into a JSON payload: keys separated by ".", "*" for
	// any key or array element, "[*]" for any array element, "[N]" for
	// element N, "**" for any number of levels (data.customer.email,
	// data.items[*].card, **.password). Keys match exactly (case-sensitive,
	// as JSON keys are). A string value that holds a JSON object or array
	// (a double-encoded payload) is matched as if that JSON stood there.
	JSON []string `yaml:"json,omitempty"`
	// Key redacts the Kafka record key.
	Key bool `yaml:"key,omitempty"`
}

// ParseConfig reads the "redaction:" section of a YAML config file; other
// top-level keys are left to their own parsers. Unknown keys inside the
// section are errors. A file without the section is the zero Config.
func ParseConfig(b []byte) (Config, error) {
	var doc struct {
		Redaction yaml.Node `yaml:"redaction"`
	}
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return Config{}, fmt.Errorf("parse redaction config: %w", err)
	}
	if doc.Redaction.Kind == 0 {
		return Config{}, nil
	}
	section, err := yaml.Marshal(&doc.Redaction)
	if err != nil {
		return Config{}, fmt.Errorf("parse redaction config: %w", err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(section))
	dec.KnownFields(true)
	var cfg Config
	if err := dec.Decode(&cfg); err != nil {
		return Config{}, fmt.Errorf("parse redaction config: %w", err)
	}
	if err := cfg.Validate(); err != nil {
		return Config{}, err
	}
	return cfg, nil
}

// Masks reports whether any rule masks values (masking needs a secret).
func (c Config) Masks() bool {
	for _, r := range c.Rules {
		if len(r.Mask.Headers)+len(r.Mask.JSON) > 0 || r.Mask.Key {
			return true
		}
	}
	return false
}

// Validate checks every pattern and path and reports all problems at once.
func (c Config) Validate() error {
	var errs []error
	if c.HashLength != 0 && (c.HashLength < 8 || c.HashLength > 64) {
		errs = append(errs, fmt.Errorf("hash_length %d: want 8 to 64 hex digits", c.HashLength))
	}
	if c.UnparsablePayload != "" && c.UnparsablePayload != UnparsableDrop && c.UnparsablePayload != UnparsableKeep {
		errs = append(errs, fmt.Errorf("unparsable_payload %q: want drop or keep", c.UnparsablePayload))
	}
	for i, r := range c.Rules {
		if r.JSONKeys != "" && r.JSONKeys != JSONKeysExact && r.JSONKeys != JSONKeysLoose {
			errs = append(errs, fmt.Errorf("rule %d: json_keys %q: want exact or loose", i+1, r.JSONKeys))
		}
		for _, t := range r.Topics {
			if _, err := path.Match(t, ""); err != nil || t == "" {
				errs = append(errs, fmt.Errorf("rule %d: topic pattern %q: bad glob", i+1, t))
			}
		}
		for _, f := range []Fields{r.Mask, r.Drop} {
			for _, h := range f.Headers {
				p := headerPattern(h)
				if _, err := path.Match(p, ""); err != nil || p == "" {
					errs = append(errs, fmt.Errorf("rule %d: header %q: bad name or glob", i+1, h))
				}
			}
			for _, p := range f.JSON {
				if _, err := parsePath(p); err != nil {
					errs = append(errs, fmt.Errorf("rule %d: %w", i+1, err))
				}
			}
		}
		if len(r.Mask.Headers)+len(r.Mask.JSON)+len(r.Drop.Headers)+len(r.Drop.JSON) == 0 && !r.Mask.Key && !r.Drop.Key {
			errs = append(errs, fmt.Errorf("rule %d: names nothing to mask or drop", i+1))
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("redaction config: %w", errors.Join(errs...))
	}
	return nil
}
