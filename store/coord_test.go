package store

import "testing"

func TestParseCoord(t *testing.T) {
	for _, c := range []Coord{{"orders", 0, 0}, {"a/b.DLT", 3, 1 << 40}} {
		got, err := ParseCoord(c.String())
		if err != nil || got != c {
			t.Errorf("ParseCoord(%q) = %+v, %v; want %+v", c.String(), got, err, c)
		}
	}
	for _, bad := range []string{"", "orders", "orders/1", "/1/2", "o/x/2", "o/1/-2", "o/-1/2"} {
		if _, err := ParseCoord(bad); err == nil {
			t.Errorf("ParseCoord(%q) took it", bad)
		}
	}
}
