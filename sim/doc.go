// Package sim is the demo world: an embedded Kafka-protocol broker (kfake)
// and a simulated pizza shop whose services are real sarama consumers and
// producers.
package sim
