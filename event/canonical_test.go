package event

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// TestInvalidUTF8IDs: IDs are stored in one canonical, valid UTF-8 form, so
// the ID the API lists is the ID it finds (issue 17 F8).
func TestInvalidUTF8IDs(t *testing.T) {
	rec := Record{
		Topic: "t", Key: []byte("k\xff"),
		Headers: []Header{{Key: "event-id", Value: "e\xc3"}, {Key: "correlation-id", Value: "order-\xfe\xff-1"}},
	}
	e := NewDecoder(Config{}).Decode(rec, time.Unix(0, 0))
	want := map[string]string{"event_id": `e\xc3`, "correlation_id": `order-\xfe\xff-1`, "key": `k\xff`}
	got := map[string]string{"event_id": e.EventID, "correlation_id": e.CorrelationID, "key": e.Key}
	for f, w := range want {
		if got[f] != w || !utf8.ValidString(got[f]) {
			t.Errorf("%s = %q, want %q", f, got[f], w)
		}
	}
	b, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	var back Event
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back.CorrelationID != e.CorrelationID || back.EventID != e.EventID || back.FlowID() != e.FlowID() {
		t.Errorf("JSON round trip changed the IDs: %q %q -> %q %q", e.EventID, e.CorrelationID, back.EventID, back.CorrelationID)
	}
	if CanonicalID("ok-é") != "ok-é" {
		t.Errorf("valid UTF-8 changed")
	}
}

// TestFarFutureKafkaTime: a record time after 2262 is clamped to the last
// time every store keeps, never the zero time (issue 17 F9).
func TestFarFutureKafkaTime(t *testing.T) {
	d := NewDecoder(Config{})
	for _, ts := range []time.Time{
		time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(9999, 12, 31, 0, 0, 0, 0, time.UTC),
		time.Date(1500, 1, 1, 0, 0, 0, 0, time.UTC),
	} {
		e := d.Decode(Record{Topic: "t", Timestamp: ts}, time.Unix(0, 0))
		want := maxStoredTime
		if ts.Year() < 1970 {
			want = minStoredTime
		}
		if !e.KafkaTime.Equal(want) || !e.Time.Equal(want) {
			t.Errorf("%v: kafka_time %v time %v, want %v", ts, e.KafkaTime, e.Time, want)
		}
		if e.KafkaTime.UnixNano() != want.UnixNano() {
			t.Errorf("%v: not representable as int64 nanoseconds", ts)
		}
		if !strings.Contains(e.DecodeError, "outside the years 1678-2262") {
			t.Errorf("%v: decode_error %q lacks a note", ts, e.DecodeError)
		}
	}
}
