package diagnose

import "testing"

func TestNormalizeReason(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"", ""},
		{"card declined", "card declined"},
		{"insufficient funds: balance 12.50 < 99", "insufficient funds: balance <n> < <n>"},
		{`order 42 "abc" failed`, "order <n> <q> failed"},
		{"order 7 'x y' failed", "order <n> <q> failed"},
		{"no such order 3f1e2d4c-aaaa-4bbb-8ccc-0123456789ab", "no such order <uuid>"},
		{"no such order 3F1E2D4C-AAAA-4BBB-8CCC-0123456789AB", "no such order <uuid>"},
		{"digest deadbeef00 mismatch at 0x1f", "digest <hex> mismatch at <hex>"},
		{"timeout   after\n30s", "timeout after <n>s"},
		{"decade facade", "decade facade"},
		{"3-D Secure timeout after 3 attempts", "3-D Secure timeout after <n> attempts"},
		{"S3 bucket v2 rejected 2_phase commit 17", "S3 bucket v2 rejected 2_phase commit <n>"},
		{"no such order ord-1234", "no such order ord-<n>"},
	} {
		if got := NormalizeReason(c.in); got != c.want {
			t.Errorf("NormalizeReason(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	if NormalizeReason("order 1 failed") != NormalizeReason("order 9876 failed") {
		t.Error("reasons that differ by a number normalise differently")
	}
}
