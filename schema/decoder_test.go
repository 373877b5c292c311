package schema

import (
	"encoding/json"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/eventscope/eventscope/event"
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

// TestJSONSchemaValidates: a JSON Schema payload is checked against its
// schema (with a $ref to a reference): one that fits has no Invalid note,
// one that does not keeps its JSON and says why; a schema whose $ref
// names no reference is not fetched from anywhere.
func TestJSONSchemaValidates(t *testing.T) {
	fake, reg := newFakeRegistry(t)
	d := NewDecoder(reg, Options{})
	ok := `{"eventId":"r-1","correlationId":"o-1","amount":{"cents":250,"currency":"EUR"}}`
	f, err := d.DecodeFramed("refunds", false, frame(6, nil, []byte(ok)))
	if err != nil || string(f.JSON) != ok || f.Invalid != "" || f.Subject != "refunds-value" {
		t.Fatalf("valid refund: %+v %v", f, err)
	}
	bad := `{"eventId":"r-2","correlationId":"o-1","amount":{"cents":-5,"currency":"euro"}}`
	f, err = d.DecodeFramed("refunds", false, frame(6, nil, []byte(bad)))
	if err != nil || string(f.JSON) != bad || !strings.Contains(f.Invalid, "/amount/") {
		t.Errorf("invalid refund: JSON %s, invalid %q, err %v; want the JSON kept and the failing path named", f.JSON, f.Invalid, err)
	}
	fake.schemas[7] = registered{Subject: "remote-value", Version: 1, SchemaType: "JSON",
		Schema: `{"$ref":"https://example.invalid/schemas/x.json"}`}
	if _, err := d.DecodeFramed("remote", false, frame(7, nil, []byte(`{}`))); err == nil || errors.Is(err, event.ErrFramedData) {
		t.Errorf("a schema whose $ref names no reference: err %v, want a compile error", err)
	}
	if _, err := d.DecodeFramed("refunds", false, frame(6, nil, []byte(`{"a":`))); !errors.Is(err, event.ErrFramedData) {
		t.Errorf("broken JSON: err %v, want ErrFramedData (the schema was had)", err)
	}
}

// TestWaitingSchemas: the IDs decodes could not get are listed until a
// pass forgets them, unless a decode failed again since the pass began.
func TestWaitingSchemas(t *testing.T) {
	fake, reg := newFakeRegistry(t)
	now := time.Unix(1000, 0)
	d := NewDecoder(reg, Options{MinBackoff: time.Second, Now: func() time.Time { return now }})
	fake.down.Store(true)
	d.DecodeFramed("orders", false, frame(2, nil, avroOrderBytes(t, "o")))
	d.DecodeFramed("payments", false, frame(3, []byte{0}, protoPayment(t, "o")))
	if got := d.Waiting(); !slices.Equal(got, []int32{2, 3}) {
		t.Fatalf("Waiting = %v, want [2 3]", got)
	}
	if d.Available(2) {
		t.Fatal("available while the registry is down")
	}
	fake.down.Store(false)
	now = now.Add(2 * time.Second)
	if !d.Available(2) {
		t.Fatal("not available once the registry answers")
	}
	if d.Forget(3, now.Add(-time.Minute)) {
		t.Error("forgot 3 although a decode failed to get it after the given time")
	}
	if !d.Forget(2, now) {
		t.Error("did not forget 2")
	}
	if got := d.Waiting(); !slices.Equal(got, []int32{3}) {
		t.Errorf("Waiting = %v, want [3]", got)
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
