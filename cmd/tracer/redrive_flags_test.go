package main

import (
	"strings"
	"testing"
)

// TestRedriveAndAlertFlags: --allow-redrive is refused without auth or
// operators; bad alert flags are clear errors.
func TestRedriveAndAlertFlags(t *testing.T) {
	t.Setenv("TRACER_AUTH_TOKEN", "flag-test-token-0123456789abcdef")
	for _, c := range []struct {
		args []string
		want string // "" accepts
	}{
		{[]string{"--allow-redrive", "--redrive-operators", "alice"}, "needs --auth"},
		{[]string{"--allow-redrive", "--auth", "token"}, "needs --redrive-operators"},
		{[]string{"--allow-redrive", "--auth", "token", "--redrive-operators", "token"}, ""},
		{[]string{"--allow-redrive", "--auth", "token", "--redrive-operators", "token", "--redrive-origin-headers", "legacy-*=x-src"}, ""},
		{[]string{"--redrive-origin-headers", "legacy-*"}, "want topic-glob=header"},
		{[]string{"--redrive-per-second", "0"}, "must be positive"},
		{[]string{"--alert-webhook", "ftp://x"}, "want an http(s) URL"},
		{[]string{"--alert-webhook", "http://127.0.0.1:9/h", "--alert-format", "xml"}, "want slack or json"},
		{[]string{"--alert-webhook", "http://127.0.0.1:9/h"}, ""},
	} {
		c2, err := parseServe(t, append([]string{"--brokers", "127.0.0.1:9092"}, c.args...)...)
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%v: %v", c.args, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%v: error %v, want one saying %q", c.args, err, c.want)
		case c.want == "" && c.args[0] == "--allow-redrive" && (!c2.redrive.Allow || len(c2.redrive.operators) != 1):
			t.Errorf("%v: redrive %+v", c.args, c2.redrive)
		}
	}
}
