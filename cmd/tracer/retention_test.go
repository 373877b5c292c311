package main

import (
	"testing"
	"time"
)

func TestRetentionFlag(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want time.Duration
		str  string
	}{
		{"7d", 7 * 24 * time.Hour, "7d"},
		{"0d", 0, "0s"},
		{"36h", 36 * time.Hour, "36h0m0s"},
		{"48h", 48 * time.Hour, "2d"},
	} {
		var r retention
		if err := r.Set(tt.in); err != nil {
			t.Fatalf("Set(%q): %v", tt.in, err)
		}
		if time.Duration(r) != tt.want || r.String() != tt.str {
			t.Errorf("Set(%q) = %v (%q), want %v (%q)", tt.in, time.Duration(r), r.String(), tt.want, tt.str)
		}
	}
	for _, bad := range []string{"", "7", "-1d", "1.5d", "d", "-3h", "week"} {
		var r retention
		if err := r.Set(bad); err == nil {
			t.Errorf("Set(%q) = %v, want an error", bad, time.Duration(r))
		}
	}
}
