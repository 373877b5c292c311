package ui

import "github.com/eventscope/eventscope/event"

// withoutInternal drops the records of internal topics (event.Internal:
// Kafka Streams repartition and changelog topics, ksqlDB, Connect and
// schema-registry topics, --internal-topics), which pages hide unless
// asked (?internal=1). It returns the kept events and how many it hid;
// events is not modified.
func withoutInternal(events []event.Event, show bool) ([]event.Event, int) {
	hidden := 0
	for i := range events {
		if events[i].Internal {
			hidden++
		}
	}
	if show || hidden == 0 {
		return events, 0
	}
	kept := make([]event.Event, 0, len(events)-hidden)
	for i := range events {
		if !events[i].Internal {
			kept = append(kept, events[i])
		}
	}
	return kept, hidden
}

// showInternal reads the ?internal=1 toggle.
func showInternal(q interface{ Get(string) string }) bool {
	v := q.Get("internal")
	return v == "1" || v == "true"
}
