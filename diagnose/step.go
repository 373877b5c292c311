package diagnose

import (
	"time"

	"github.com/eventscope/eventscope/event"
)

// Step is what the rules need of one record of a flow. Stores that keep
// only a skeleton of each record (the IDs, type, topic, time and Class
// computed at write time) can run the rules on it.
type Step struct {
	ID, Cause, Type, Source, Topic string
	// Flow is the flow's correlation ID (an unseen cause equal to it is
	// the external trigger of the flow, not an orphan).
	Flow string
	// Where is the record's Kafka coordinates ("topic/partition/offset"),
	// for details.
	Where string
	Time  time.Time
	Class Class
}

// StepOf makes the Step of e with its class cl.
func StepOf(e *event.Event, cl Class) Step {
	return Step{ID: e.EventID, Cause: e.CausationID, Type: e.Type, Source: e.Source, Topic: e.Topic,
		Flow: e.CorrelationID, Where: e.Coordinates(), Time: e.Time, Class: cl}
}

// Steps classifies events and returns their Steps, in the same order.
func (c *Config) Steps(events []event.Event) []Step {
	out := make([]Step, len(events))
	for i := range events {
		out[i] = StepOf(&events[i], c.Classify(&events[i]))
	}
	return out
}
