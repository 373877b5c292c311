package schema

import (
	"context"
	"errors"
)

// Schema formats as registries name them (schemaType; empty means Avro).
const (
	TypeAvro     = "AVRO"
	TypeProtobuf = "PROTOBUF"
	TypeJSON     = "JSON"
)

// ErrNotFound is returned by a Source that does not know a schema: a
// permanent answer, unlike a source that cannot be reached.
var ErrNotFound = errors.New("schema not found")

// Schema is one registered schema.
type Schema struct {
	ID         int32
	Type       string // TypeAvro, TypeProtobuf or TypeJSON
	Text       string // Avro JSON, .proto text or base64 FileDescriptorProto, JSON Schema
	Subject    string // empty when unknown
	Version    int    // 0 when unknown
	References []Reference
	// LooseRefs says the references are candidates (a Dir's other files):
	// one that does not parse or clashes is left out.
	LooseRefs bool
}

// Reference names another schema a schema uses: an Avro named type, a
// Protobuf import path or a JSON Schema $ref, and the subject version
// that holds it.
type Reference struct {
	Name    string `json:"name"`
	Subject string `json:"subject"`
	Version int    `json:"version"`
}

// Source finds schemas. Both methods return ErrNotFound (wrapped) when the
// source answers that it has no such schema, another error when it could
// not answer. They are called from ingest: they must honour ctx.
type Source interface {
	// ByID returns the schema registered under id.
	ByID(ctx context.Context, id int32) (Schema, error)
	// BySubject returns a subject's version (a reference's target).
	BySubject(ctx context.Context, subject string, version int) (Schema, error)
}
