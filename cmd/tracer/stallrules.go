package main

import (
	"fmt"
	"os"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/eventscope/eventscope/diagnose"
)

// stallRulesFile reads the stall_rules of the --config file (the rest of
// the file is the decoder's and redaction's):
//
//	stall_rules:
//	  - after: OrderPlaced
//	    expect: OrderDelivered        # or a list: [OrderDelivered, OrderCancelled]
//	    within: 30m
func stallRulesFile(path string) ([]diagnose.Rule, error) {
	if path == "" {
		return nil, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("--config: %w", err)
	}
	var doc struct {
		StallRules []struct {
			After  string    `yaml:"after"`
			Expect yaml.Node `yaml:"expect"`
			Within string    `yaml:"within"`
		} `yaml:"stall_rules"`
	}
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("--config %s: %w", path, err)
	}
	var out []diagnose.Rule
	for i, r := range doc.StallRules {
		rule := diagnose.Rule{After: r.After}
		switch r.Expect.Kind {
		case yaml.ScalarNode:
			rule.Expect = []string{r.Expect.Value}
		case yaml.SequenceNode:
			if err := r.Expect.Decode(&rule.Expect); err != nil {
				return nil, fmt.Errorf("--config %s: stall_rules[%d].expect: %w", path, i, err)
			}
		}
		d, err := time.ParseDuration(r.Within)
		if rule.After == "" || len(rule.Expect) == 0 || err != nil || d <= 0 {
			return nil, fmt.Errorf("--config %s: stall_rules[%d]: want after: TYPE, expect: TYPE (or a list), within: DURATION (e.g. 30m), got after %q, within %q",
				path, i, r.After, r.Within)
		}
		rule.Within = d
		out = append(out, rule)
	}
	return out, nil
}
