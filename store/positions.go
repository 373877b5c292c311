package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Positions is an optional interface a Store may also implement: the
// history of consumer groups' committed offsets, and the stored records at
// given Kafka coordinates. The poller in ingest writes it; the UI reads it
// to tell, for every event, which groups have read it, and how far behind
// each group is in time. The UI finds it with a type assertion and says
// "not stored" where a store without it cannot answer.
//
// History rows are compact: the poller writes a row for a (group, topic,
// partition) only when its committed offset, the partition's high
// watermark or the known time of the oldest waiting record changed since
// the last poll, and at least every PositionHeartbeat (so the state at any
// time is in the rows of the PositionHeartbeat before it, and a store may
// bound how far back it looks). Rows are kept as long as the events
// (retention drops both).
type Positions interface {
	// WritePositions stores rows. It returns nil only once they are durable.
	// Writing the same row (group, topic, partition, At) again is a no-op.
	WritePositions(ctx context.Context, rows []Position) error
	// PositionHistory returns the rows of group (every group when "") with
	// At in [from, to), and, for each (group, topic, partition), the newest
	// row before from, so that the state at from is known; a store may
	// look for that row only in the 2·PositionHeartbeat before from.
	// Ordered by group, topic, partition, then At.
	PositionHistory(ctx context.Context, group string, from, to time.Time) ([]Position, error)
	// FirstPassed returns, for every group with a row on (topic,
	// partition), the earliest row whose Committed is above offset: the
	// poll that first saw the record at offset consumed. Groups that have
	// not passed it are left out. Sorted by group.
	FirstPassed(ctx context.Context, topic string, partition int32, offset int64) ([]Position, error)
	// Records returns the stored records at the given coordinates, in any
	// order; coordinates with no stored record are left out. When several
	// records share a coordinate (a topic deleted and created again), the
	// one with the newest Kafka timestamp is returned.
	Records(ctx context.Context, at []Coord) ([]RecordRef, error)
}

// PositionHeartbeat is the longest the poller goes without writing a row
// for a position it sees, moved or not.
const PositionHeartbeat = time.Hour

// Position is one observation of a consumer group's committed offset on one
// partition.
type Position struct {
	Group     string    `json:"group"`
	Topic     string    `json:"topic"`
	Partition int32     `json:"partition"`
	Committed int64     `json:"committed_offset"` // the next offset the group will read
	High      int64     `json:"high_watermark"`   // the partition's next offset to be written
	At        time.Time `json:"observed_at"`
	// Prev is the poll before At, which still saw the previous values (zero
	// for the first row of a key): a change happened in (Prev, At].
	Prev time.Time `json:"previous_poll,omitzero"`
	// Oldest is the Kafka timestamp of the record at Committed, the oldest
	// record the group has not committed, when Committed < High and that
	// record is stored; zero otherwise.
	Oldest time.Time `json:"oldest_waiting,omitzero"`
}

// Coord is a record's Kafka coordinates.
type Coord struct {
	Topic     string `json:"topic"`
	Partition int32  `json:"partition"`
	Offset    int64  `json:"offset"`
}

// RecordRef is what Records tells of a stored record.
type RecordRef struct {
	Coord
	EventID       string    `json:"event_id"`
	CorrelationID string    `json:"correlation_id"`
	FlowID        string    `json:"flow_id"`
	KafkaTime     time.Time `json:"kafka_time"`
}

// ScanPositions reads rows of (group, topic, partition, at, committed,
// high, prev, oldest), the three times as int64 that timeOf turns into
// times: the columns both backends select. It closes rows.
func ScanPositions(rows Rows, timeOf func(int64) time.Time) ([]Position, error) {
	defer rows.Close()
	out := []Position{}
	for rows.Next() {
		var p Position
		var at, prev, oldest int64
		if err := rows.Scan(&p.Group, &p.Topic, &p.Partition, &at, &p.Committed, &p.High, &prev, &oldest); err != nil {
			return nil, err
		}
		p.At, p.Prev, p.Oldest = timeOf(at), timeOf(prev), timeOf(oldest)
		out = append(out, p)
	}
	return out, rows.Err()
}

// String is c as "topic/partition/offset" (event.Coordinates).
func (c Coord) String() string {
	return c.Topic + "/" + strconv.FormatInt(int64(c.Partition), 10) + "/" + strconv.FormatInt(c.Offset, 10)
}

// ParseCoord reads "topic/partition/offset" (the topic may hold "/").
func ParseCoord(s string) (Coord, error) {
	i := strings.LastIndex(s, "/")
	if i < 0 {
		return Coord{}, fmt.Errorf("record %q: want topic/partition/offset", s)
	}
	j := strings.LastIndex(s[:i], "/")
	if j <= 0 {
		return Coord{}, fmt.Errorf("record %q: want topic/partition/offset", s)
	}
	p, err := strconv.ParseInt(s[j+1:i], 10, 32)
	if err != nil || p < 0 {
		return Coord{}, fmt.Errorf("record %q: bad partition", s)
	}
	off, err := strconv.ParseInt(s[i+1:], 10, 64)
	if err != nil || off < 0 {
		return Coord{}, fmt.Errorf("record %q: bad offset", s)
	}
	return Coord{Topic: s[:j], Partition: int32(p), Offset: off}, nil
}
