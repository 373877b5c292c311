package store

import (
	"strings"
	"testing"
)

func TestBackendsLookup(t *testing.T) {
	bs := Backends{{Scheme: "a", Usage: "a://PATH"}, {Scheme: "ab", Aliases: []string{"c"}, Usage: "ab://host/db", Retention: true}}
	for dsn, want := range map[string]string{"a://x": "a", "ab://h/d": "ab", "a:///abs/path": "a", "c://h/d": "ab"} {
		if b, err := bs.Lookup(dsn); err != nil || b.Scheme != want {
			t.Errorf("Lookup(%q) = %q, %v; want %q", dsn, b.Scheme, err, want)
		}
	}
	for _, dsn := range []string{"", "a:x", "b://x", "A://x", "abc://x"} {
		if b, err := bs.Lookup(dsn); err == nil || !strings.Contains(err.Error(), "want a://PATH or ab://host/db") {
			t.Errorf("Lookup(%q) = %q, %v; want an error listing the forms", dsn, b.Scheme, err)
		}
	}
	if got := bs.Usage(func(b Backend) bool { return b.Retention }); got != "ab://host/db" {
		t.Errorf("Usage(retention) = %q", got)
	}
}
