// Package schema decodes Kafka values and keys written in the Confluent
// Schema Registry wire format (magic byte 0, 4-byte big-endian schema ID,
// for Protobuf a list of message indexes, then the data) to JSON: Avro
// (with schema references), Protobuf (.proto text or a base64
// FileDescriptorProto, imports and well-known types) and JSON Schema.
//
// Schemas come from a Source: a Confluent-compatible registry (Registry)
// or a directory of schema files named by ID (Dir). A Decoder caches
// compiled schemas by ID (an ID's schema never changes) in a bounded cache
// and never blocks ingest on a source that does not answer: the failure is
// remembered and retried with backoff, and the record is kept as it came
// (event.Decoder notes it; event.Decoder.Redecode decodes it on read).
//
// It implements event.FramedDecoder and imports only event.
package schema
