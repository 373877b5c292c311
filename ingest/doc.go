// Package ingest taps Kafka: one sarama consumer group over every
// non-internal topic, decoding records into events, writing them to the store
// in batches, and marking offsets only after a batch is durable.
package ingest
