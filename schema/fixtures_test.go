package schema

import (
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/bufbuild/protocompile"
	"github.com/hamba/avro/v2"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"
)

// Avro: an order that uses a named type from a reference.
const (
	avroMoney = `{"type":"record","name":"Money","namespace":"shop","fields":[{"name":"amount","type":{"type":"bytes","logicalType":"decimal","precision":9,"scale":2}},{"name":"currency","type":"string"}]}`
	avroOrder = `{"type":"record","name":"OrderPlaced","namespace":"shop","fields":[
 {"name":"eventId","type":"string"},{"name":"correlationId","type":"string"},
 {"name":"causationId","type":["null","string"],"default":null},
 {"name":"time","type":{"type":"long","logicalType":"timestamp-millis"}},
 {"name":"total","type":"shop.Money"},{"name":"items","type":{"type":"array","items":"string"}},
 {"name":"status","type":{"type":"enum","name":"Status","symbols":["NEW","PAID"]}}]}`
	protoOrder = `syntax = "proto3";
package shop;
import "google/protobuf/timestamp.proto";
message Envelope { string note = 1; }
message Payment {
  string event_id = 1;
  string correlation_id = 2;
  string causation_id = 3;
  google.protobuf.Timestamp time = 4;
  int64 cents = 5;
  message Card { string last4 = 1; }
  Card card = 6;
}`
)

// JSON Schema: a refund that uses a money schema from a reference.
const (
	jsonMoney  = `{"$schema":"http://json-schema.org/draft-07/schema#","type":"object","properties":{"cents":{"type":"integer","minimum":0},"currency":{"type":"string","pattern":"^[A-Z]{3}$"}},"required":["cents","currency"]}`
	jsonRefund = `{"$schema":"http://json-schema.org/draft-07/schema#","title":"Refund","type":"object","properties":{"eventId":{"type":"string"},"correlationId":{"type":"string"},"amount":{"$ref":"money.json"}},"required":["eventId","correlationId","amount"]}`
)

// fakeRegistry serves schemas by ID and subject like a Confluent-compatible
// registry; down makes it answer 503.
type fakeRegistry struct {
	schemas map[int32]registered
	down    atomic.Bool
	hits    atomic.Int64
}

func (f *fakeRegistry) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.hits.Add(1)
	if f.down.Load() {
		http.Error(w, "down", http.StatusServiceUnavailable)
		return
	}
	p := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	switch {
	case len(p) == 3 && p[0] == "schemas" && p[1] == "ids":
		id, _ := strconv.Atoi(p[2])
		if s, ok := f.schemas[int32(id)]; ok {
			json.NewEncoder(w).Encode(s)
			return
		}
	case len(p) == 4 && p[0] == "schemas" && p[3] == "versions":
		id, _ := strconv.Atoi(p[2])
		if s, ok := f.schemas[int32(id)]; ok {
			json.NewEncoder(w).Encode([]map[string]any{{"subject": s.Subject, "version": s.Version}})
			return
		}
	case len(p) == 4 && p[0] == "subjects":
		v, _ := strconv.Atoi(p[3])
		for _, s := range f.schemas {
			if s.Subject == p[1] && s.Version == v {
				json.NewEncoder(w).Encode(s)
				return
			}
		}
	}
	http.Error(w, `{"error_code":40403}`, http.StatusNotFound)
}

func newFakeRegistry(t testing.TB) (*fakeRegistry, *Registry) {
	t.Helper()
	f := &fakeRegistry{schemas: map[int32]registered{
		1: {Subject: "shop.Money", Version: 1, Schema: avroMoney},
		2: {Subject: "orders-value", Version: 3, Schema: avroOrder,
			References: []Reference{{Name: "shop.Money", Subject: "shop.Money", Version: 1}}},
		3: {Subject: "payments-value", Version: 1, SchemaType: "PROTOBUF", Schema: protoOrder},
		4: {Subject: "audit-value", Version: 1, SchemaType: "JSON", Schema: `{"type":"object"}`},
		5: {Subject: "money.json", Version: 1, SchemaType: "JSON", Schema: jsonMoney},
		6: {Subject: "refunds-value", Version: 2, SchemaType: "JSON", Schema: jsonRefund,
			References: []Reference{{Name: "money.json", Subject: "money.json", Version: 1}}},
	}}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	reg, err := NewRegistry(RegistryConfig{URL: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	return f, reg
}

// frame puts data in the wire format with schema id (and, for Protobuf,
// the message indexes).
func frame(id int32, indexes []byte, data []byte) []byte {
	b := []byte{0, 0, 0, 0, 0}
	binary.BigEndian.PutUint32(b[1:], uint32(id))
	return append(append(b, indexes...), data...)
}

// avroOrderBytes encodes an order with hamba/avro.
func avroOrderBytes(t testing.TB, corr string) []byte {
	t.Helper()
	cache := &avro.SchemaCache{}
	if _, err := avro.ParseWithCache(avroMoney, "", cache); err != nil {
		t.Fatal(err)
	}
	s, err := avro.ParseWithCache(avroOrder, "", cache)
	if err != nil {
		t.Fatal(err)
	}
	cause := "evt-0"
	v := map[string]any{"eventId": "evt-1", "correlationId": corr, "causationId": &cause,
		"time": int64(1765000000123), "total": map[string]any{"amount": mustRat("23.50"), "currency": "CHF"},
		"items": []any{"margherita", "cola"}, "status": "PAID"}
	b, err := avro.Marshal(s, v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// protoPayment encodes a Payment (or, with card, its nested Card) with
// dynamicpb from the compiled .proto; indexes is what a serializer puts
// before it.
func protoPayment(t testing.TB, corr string) []byte {
	t.Helper()
	res, err := (&protocompile.Compiler{Resolver: protocompile.WithStandardImports(&protocompile.SourceResolver{
		Accessor: protocompile.SourceAccessorFromMap(map[string]string{"p.proto": protoOrder})})}).Compile(context.Background(), "p.proto")
	if err != nil {
		t.Fatal(err)
	}
	md := res[0].Messages().ByName("Payment")
	m := dynamicpb.NewMessage(md)
	m.Set(md.Fields().ByName("event_id"), protoreflect.ValueOfString("evt-2"))
	m.Set(md.Fields().ByName("correlation_id"), protoreflect.ValueOfString(corr))
	m.Set(md.Fields().ByName("causation_id"), protoreflect.ValueOfString("evt-1"))
	m.Set(md.Fields().ByName("cents"), protoreflect.ValueOfInt64(2350))
	card := dynamicpb.NewMessage(md.Messages().ByName("Card"))
	card.Set(card.Descriptor().Fields().ByName("last4"), protoreflect.ValueOfString("4242"))
	m.Set(md.Fields().ByName("card"), protoreflect.ValueOfMessage(card))
	b, err := proto.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// protoDescriptorBase64 is protoOrder as Python's serializer registers it.
func protoDescriptorBase64(t testing.TB) string {
	res, err := (&protocompile.Compiler{Resolver: protocompile.WithStandardImports(&protocompile.SourceResolver{
		Accessor: protocompile.SourceAccessorFromMap(map[string]string{"payments.proto": protoOrder})})}).Compile(context.Background(), "payments.proto")
	if err != nil {
		t.Fatal(err)
	}
	b, err := proto.Marshal(protodesc.ToFileDescriptorProto(res[0]))
	if err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(b)
}
