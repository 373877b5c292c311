package schema

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/bufbuild/protocompile"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"
	"google.golang.org/protobuf/types/known/anypb"
	"google.golang.org/protobuf/types/known/durationpb"
)

const protoWithAny = `syntax = "proto3";
package shop;
import "google/protobuf/any.proto";
message Envelope { string correlation_id = 1; google.protobuf.Any detail = 2; }
message Refund { string reason = 1; int64 cents = 2; }`

// TestProtobufAny: a google.protobuf.Any field holding a message of the
// schema's own file (or a well-known type) is written as its JSON with
// "@type"; one holding an unknown type is a data error.
func TestProtobufAny(t *testing.T) {
	fake, reg := newFakeRegistry(t)
	fake.schemas[20] = registered{Subject: "envelopes-value", Version: 1, SchemaType: "PROTOBUF", Schema: protoWithAny}
	d := NewDecoder(reg, Options{})
	res, err := (&protocompile.Compiler{Resolver: protocompile.WithStandardImports(&protocompile.SourceResolver{
		Accessor: protocompile.SourceAccessorFromMap(map[string]string{"a.proto": protoWithAny})})}).Compile(context.Background(), "a.proto")
	if err != nil {
		t.Fatal(err)
	}
	env, refund := res[0].Messages().ByName("Envelope"), res[0].Messages().ByName("Refund")
	encode := func(typeURL string, inner proto.Message) []byte {
		r, err := proto.Marshal(inner)
		if err != nil {
			t.Fatal(err)
		}
		m := dynamicpb.NewMessage(env)
		m.Set(env.Fields().ByName("correlation_id"), protoreflect.ValueOfString("o-1"))
		a := &anypb.Any{TypeUrl: typeURL, Value: r}
		m.Set(env.Fields().ByName("detail"), protoreflect.ValueOfMessage(a.ProtoReflect()))
		b, err := proto.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		return frame(20, []byte{0}, b)
	}
	rf := dynamicpb.NewMessage(refund)
	rf.Set(refund.Fields().ByName("reason"), protoreflect.ValueOfString("late"))
	f, err := d.DecodeFramed("envelopes", false, encode("type.googleapis.com/shop.Refund", rf))
	if err != nil || !strings.Contains(string(f.JSON), `"@type":"type.googleapis.com/shop.Refund"`) || !strings.Contains(string(f.JSON), `"reason":"late"`) {
		t.Errorf("Any of the schema's own message: %s %v", f.JSON, err)
	}
	wkt := durationpb.New(90 * time.Second)
	if f, err := d.DecodeFramed("envelopes", false, encode("type.googleapis.com/google.protobuf.Duration", wkt)); err != nil || !strings.Contains(string(f.JSON), `"value":"90s"`) {
		t.Errorf("Any of a well-known type: %s %v", f.JSON, err)
	}
	if _, err := d.DecodeFramed("envelopes", false, encode("type.googleapis.com/other.Unknown", rf)); err == nil {
		t.Error("an Any of an unknown type decoded")
	}
}
