// Package ingest taps Kafka: one sarama consumer group over every
// non-internal topic, decoding records into events, writing them to the store
// in batches, and marking offsets only after a batch is durable.
//
// Delivery: at least once from Kafka, idempotent in the store. A batch is
// retried with capped backoff until the store takes it; its offsets are
// marked only then, in consumption order (one writer goroutine), and every
// claim waits for its records to be written before it lets its partition go,
// so the committed offsets are exactly the written records. At shutdown the
// last batches are written and committed within Config.ShutdownTimeout;
// what misses the deadline stays uncommitted and is consumed again.
//
// Memory is bounded: claims hand records over in chunks through a small
// channel, and at most Config.MaxInFlight batches wait for the writer;
// when the store is slow, consumption blocks.
//
// Topics: sarama's Consume takes a fixed list, so a watcher refreshes the
// topic list every Config.RefreshInterval and starts a new session when the
// set changes. A partition with no committed offset starts where it ended
// when Run started (or at its oldest offset with FromBeginning, or when it
// appeared while running).
package ingest
