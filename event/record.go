package event

import "time"

// Record is a Kafka record as the consumer hands it over, free of any client
// library's types. A nil Value is a tombstone.
type Record struct {
	Topic     string
	Partition int32
	Offset    int64
	Key       []byte
	Value     []byte
	Headers   []Header
	Timestamp time.Time
}
