package clickhouse

import (
	"math"
	"testing"
)

func TestParseSummary(t *testing.T) {
	e, kt, err := parseSummary("5:a:b\x00c0:2:T;1:s3:x.y7;-9;" + "-9223372036854775808;1700000000000000001;")
	if err != nil {
		t.Fatal(err)
	}
	if e.EventID != "a:b\x00c" || e.CausationID != "" || e.Type != "T;" || e.Source != "s" || e.Topic != "x.y" ||
		e.Partition != 7 || e.Offset != -9 || kt != math.MinInt64 || e.Time.UnixNano() != 1700000000000000001 {
		t.Errorf("parsed %+v, kafka time %d", e, kt)
	}
	for _, bad := range []string{"", "5:abc", "x:", "0:0:0:0:0:1;2;3;", "0:0:0:0:0:1;2;3;4;x", "0:0:0:0:0:99999999999;2;3;4;"} {
		if _, _, err := parseSummary(bad); err == nil {
			t.Errorf("parseSummary(%q) succeeded", bad)
		}
	}
}
