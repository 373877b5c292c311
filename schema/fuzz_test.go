package schema

import (
	"encoding/json"
	"testing"
)

// FuzzDecodeFramed: whatever follows a known schema ID, decoding returns
// valid JSON or an error, never a panic.
func FuzzDecodeFramed(f *testing.F) {
	_, reg := newFakeRegistry(f)
	d := NewDecoder(reg, Options{})
	f.Add(frame(2, nil, avroOrderBytes(f, "o-1")))
	f.Add(frame(3, []byte{2, 2}, protoPayment(f, "o-1")))
	f.Add(frame(3, []byte{4, 2, 0}, []byte{0x0a, 0x01, 'x'}))
	f.Add(frame(4, nil, []byte(`{"a":1}`)))
	f.Add([]byte{0, 0, 0, 0, 2, 0xff, 0xff, 0xff, 0xff, 0x0f})
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) >= 5 && (b[1] != 0 || b[2] != 0 || b[3] != 0 || b[4] == 0 || b[4] > 4) {
			return // only the fake registry's IDs: no fetch per input
		}
		got, err := d.DecodeFramed("t", false, b)
		if err == nil && !json.Valid(got.JSON) {
			t.Fatalf("invalid JSON %q from %x", got.JSON, b)
		}
	})
}
