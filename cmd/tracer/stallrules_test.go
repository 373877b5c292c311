package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestStallRulesFile(t *testing.T) {
	dir := t.TempDir()
	write := func(s string) string {
		p := filepath.Join(dir, "c.yaml")
		if err := os.WriteFile(p, []byte(s), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	rules, err := stallRulesFile(write("dead_letter_topics: [\"*.parked\"]\nstall_rules:\n  - after: OrderPlaced\n    expect: OrderDelivered\n    within: 30m\n  - after: A\n    expect: [B, C]\n    within: 2s\n"))
	if err != nil || len(rules) != 2 || rules[0].After != "OrderPlaced" || rules[0].Expect[0] != "OrderDelivered" ||
		rules[0].Within != 30*time.Minute || len(rules[1].Expect) != 2 || rules[1].Within != 2*time.Second {
		t.Fatalf("rules = %+v, %v", rules, err)
	}
	if _, err := stallRulesFile(write("stall_rules:\n  - after: A\n    within: soon\n")); err == nil || !strings.Contains(err.Error(), "stall_rules[0]") {
		t.Errorf("bad rule: %v, want an error naming stall_rules[0]", err)
	}
}
