package ingest

import (
	"testing"
	"time"

	"github.com/IBM/sarama"
	"github.com/google/go-cmp/cmp"

	"github.com/eventscope/eventscope/event"
)

func TestToRecord(t *testing.T) {
	ts := time.Date(2026, 11, 23, 4, 0, 0, 0, time.UTC)
	hdr := func(k, v string) *sarama.RecordHeader { return &sarama.RecordHeader{Key: []byte(k), Value: []byte(v)} }
	tests := []struct {
		name    string
		headers []*sarama.RecordHeader
		value   []byte
		want    []event.Header
	}{
		{name: "no headers", value: []byte("v")},
		{name: "tombstone", value: nil},
		{
			name:    "order, duplicates, empty parts and a nil header",
			headers: []*sarama.RecordHeader{hdr("a", "1"), nil, hdr("", "x"), hdr("a", ""), hdr("b", "\xff\x00"), hdr("a", "3")},
			value:   []byte{},
			want: []event.Header{
				{Key: "a", Value: "1"}, {Key: "", Value: "x"}, {Key: "a", Value: ""},
				{Key: "b", Value: "\xff\x00"}, {Key: "a", Value: "3"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := &sarama.ConsumerMessage{Topic: "t", Partition: 2, Offset: 9, Key: []byte("k"),
				Value: tt.value, Headers: tt.headers, Timestamp: ts}
			got := toRecord(m)
			want := event.Record{Topic: "t", Partition: 2, Offset: 9, Key: []byte("k"),
				Value: tt.value, Headers: tt.want, Timestamp: ts}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("record (-want +got):\n%s", diff)
			}
			if (got.Value == nil) != (tt.value == nil) {
				t.Errorf("value nil = %v, want %v", got.Value == nil, tt.value == nil)
			}
		})
	}
}
