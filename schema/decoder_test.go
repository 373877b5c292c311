package schema

import (
	"encoding/json"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func mustRat(s string) *big.Rat {
	r, _ := new(big.Rat).SetString(s)
	return r
}

func decodeJSON(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("not JSON: %v: %s", err, b)
	}
	return m
}

func TestAvroWithReference(t *testing.T) {
	_, reg := newFakeRegistry(t)
	d := NewDecoder(reg, Options{})
	f, err := d.DecodeFramed("orders", false, frame(2, nil, avroOrderBytes(t, "order-7")))
	if err != nil {
		t.Fatal(err)
	}
	want := `{"eventId":"evt-1","correlationId":"order-7","causationId":"evt-0","time":"2025-12-06T05:46:40.123Z","total":{"amount":"23.50","currency":"CHF"},"items":["margherita","cola"],"status":"PAID"}`
	if string(f.JSON) != want {
		t.Errorf("json\n got %s\nwant %s", f.JSON, want)
	}
	if f.Format != "avro" || f.ID != 2 || f.Subject != "orders-value" || f.Version != 3 {
		t.Errorf("schema info %+v", f)
	}
}

func TestProtobufTextAndDescriptor(t *testing.T) {
	fake, reg := newFakeRegistry(t)
	fake.schemas[5] = registered{Subject: "payments2-value", Version: 1, SchemaType: "PROTOBUF", Schema: protoDescriptorBase64(t)}
	d := NewDecoder(reg, Options{})
	data := protoPayment(t, "order-7")
	// Payment is the second message: indexes [1] = count 1 (zigzag 2), index 1 (zigzag 2).
	for _, id := range []int32{3, 5} {
		f, err := d.DecodeFramed("payments", false, frame(id, []byte{2, 2}, data))
		if err != nil {
			t.Fatalf("schema %d: %v", id, err)
		}
		got := decodeJSON(t, f.JSON)
		want := map[string]any{"eventId": "evt-2", "correlationId": "order-7", "causationId": "evt-1", "cents": "2350", "card": map[string]any{"last4": "4242"}}
		if diff := cmp.Diff(want, got); diff != "" || f.Format != "protobuf" {
			t.Errorf("schema %d (%s): -want +got\n%s", id, f.Format, diff)
		}
	}
	// The nested Card: indexes [1, 0].
	f, err := d.DecodeFramed("payments", false, frame(3, []byte{4, 2, 0}, []byte{0x0a, 0x02, '4', '2'}))
	if err != nil || string(f.JSON) != `{"last4":"42"}` && !strings.Contains(string(f.JSON), `"42"`) {
		t.Errorf("nested message: %s, %v", f.JSON, err)
	}
	// A message index out of range is an error, not a panic.
	if _, err := d.DecodeFramed("payments", false, frame(3, []byte{2, 20}, data)); err == nil {
		t.Error("index 10 of a file with 2 messages decoded")
	}
}

func TestJSONSchema(t *testing.T) {
	_, reg := newFakeRegistry(t)
	d := NewDecoder(reg, Options{})
	f, err := d.DecodeFramed("audit", false, frame(4, nil, []byte(`{"a":1}`)))
	if err != nil || string(f.JSON) != `{"a":1}` || f.Format != "json" {
		t.Errorf("got %s %+v %v", f.JSON, f, err)
	}
	if _, err := d.DecodeFramed("audit", false, frame(4, nil, []byte(`{"a":`))); err == nil {
		t.Error("broken JSON decoded")
	}
}

// TestRegistryDownBacksOff: a registry that does not answer costs one try
// per backoff, not one per record, and the schema decodes once it is back.
func TestRegistryDownBacksOff(t *testing.T) {
	fake, reg := newFakeRegistry(t)
	now := time.Unix(1000, 0)
	d := NewDecoder(reg, Options{MinBackoff: time.Second, Now: func() time.Time { return now }})
	fake.down.Store(true)
	b := frame(2, nil, avroOrderBytes(t, "o"))
	for range 100 {
		if _, err := d.DecodeFramed("orders", false, b); err == nil {
			t.Fatal("decoded while the registry is down")
		}
	}
	if n := fake.hits.Load(); n != 1 {
		t.Errorf("registry asked %d times within the backoff, want 1", n)
	}
	fake.down.Store(false)
	if _, err := d.DecodeFramed("orders", false, b); err == nil {
		t.Error("asked again before the backoff passed")
	}
	now = now.Add(1100 * time.Millisecond)
	if _, err := d.DecodeFramed("orders", false, b); err != nil {
		t.Fatalf("after the backoff: %v", err)
	}
	hits := fake.hits.Load()
	for range 10 {
		d.DecodeFramed("orders", false, b)
	}
	if fake.hits.Load() != hits {
		t.Error("a cached schema was fetched again")
	}
}

func TestUnknownIDIsNotFound(t *testing.T) {
	_, reg := newFakeRegistry(t)
	d := NewDecoder(reg, Options{})
	_, err := d.DecodeFramed("x", false, frame(99, nil, []byte{1}))
	if !errors.Is(err, ErrNotFound) {
		t.Errorf("err = %v, want ErrNotFound", err)
	}
}

func TestCacheBounded(t *testing.T) {
	_, reg := newFakeRegistry(t)
	d := NewDecoder(reg, Options{CacheSize: 2})
	for _, id := range []int32{4, 2, 1, 4} {
		d.schema(id)
	}
	if len(d.cache) != 2 || len(d.order) != 2 {
		t.Errorf("cache holds %d (order %v), want 2", len(d.cache), d.order)
	}
}

func TestDirSource(t *testing.T) {
	dir := t.TempDir()
	for name, text := range map[string]string{"1.avsc": avroMoney, "2.avsc": avroOrder, "3.proto": protoOrder} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	src, err := NewDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	d := NewDecoder(src, Options{})
	f, err := d.DecodeFramed("orders", false, frame(2, nil, avroOrderBytes(t, "o-9")))
	if err != nil || decodeJSON(t, f.JSON)["correlationId"] != "o-9" {
		t.Fatalf("avro from dir: %s %v", f.JSON, err)
	}
	f, err = d.DecodeFramed("payments", false, frame(3, []byte{2, 2}, protoPayment(t, "o-9")))
	if err != nil || decodeJSON(t, f.JSON)["correlationId"] != "o-9" {
		t.Fatalf("protobuf from dir: %s %v", f.JSON, err)
	}
	if _, err := NewDir(filepath.Join(dir, "1.avsc")); err == nil {
		t.Error("a file accepted as schema dir")
	}
}
