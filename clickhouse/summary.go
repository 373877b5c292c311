package clickhouse

import (
	"errors"
	"strconv"
	"strings"

	"github.com/eventscope/eventscope/event"
)

var errSummary = errors.New("malformed summary column")

// parseSummary reads the summary column (migrations/0001_events.sql): the
// event ID, causation ID, type, source and topic length-prefixed ("3:abc"),
// then partition, offset, Kafka time and event time, each ending in ";".
// It returns the event with those fields, and the Kafka time in
// nanoseconds (part of the record's identity).
func parseSummary(s string) (event.Event, int64, error) {
	var e event.Event
	strs := []*string{&e.EventID, &e.CausationID, &e.Type, &e.Source, &e.Topic}
	for _, p := range strs {
		n, rest, ok := strings.Cut(s, ":")
		l, err := strconv.Atoi(n)
		if !ok || err != nil || l < 0 || l > len(rest) {
			return event.Event{}, 0, errSummary
		}
		*p, s = rest[:l], rest[l:]
	}
	var nums [4]int64
	for i := range nums {
		n, rest, ok := strings.Cut(s, ";")
		v, err := strconv.ParseInt(n, 10, 64)
		if !ok || err != nil {
			return event.Event{}, 0, errSummary
		}
		nums[i], s = v, rest
	}
	if s != "" || nums[0] != int64(int32(nums[0])) {
		return event.Event{}, 0, errSummary
	}
	e.Partition, e.Offset, e.Time = int32(nums[0]), nums[1], timeOf(nums[3])
	return e, nums[2], nil
}
