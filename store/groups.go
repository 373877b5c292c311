package store

import "time"

// GroupsSnapshot is what the latest poll of the cluster's consumer groups
// saw (ingest's position poller takes it; the UI shows it). It lives here,
// beside Position, because both ingest and ui speak it.
type GroupsSnapshot struct {
	// At is when the groups below were read; zero before the first poll
	// that succeeded.
	At     time.Time
	Groups []GroupStatus // sorted by name; eventscope's own group left out
	// Err is why the latest poll failed ("" when it did not); Groups are
	// then the last good poll's, of At.
	Err   string
	ErrAt time.Time
	// Interval is the poll interval.
	Interval time.Duration
}

// GroupStatus is one consumer group at the latest poll.
type GroupStatus struct {
	Name    string
	State   string // the coordinator's: Stable, Empty, PreparingRebalance, Dead...
	Members int
	// Partitions are the partitions it has committed offsets on, sorted by
	// topic and partition.
	Partitions []PartitionStatus
	// Err is why this group's offsets could not be read (an ACL denying
	// OffsetFetch, its coordinator down); Partitions are then empty.
	Err string
}

// PartitionStatus is a group's position on one partition.
type PartitionStatus struct {
	Position
	// Moved is when the poller first saw Committed at its current value
	// (at the latest, the poller's first poll).
	Moved time.Time
	// Pace is the group's usual time between moves of Committed on this
	// partition, as the poller has seen it; 0 while unknown.
	Pace time.Duration
	// Reset is the latest move of Committed backwards (an offset reset)
	// the poller saw, nil when none.
	Reset *OffsetReset
}

// OffsetReset is a committed offset moving backwards.
type OffsetReset struct {
	At   time.Time `json:"at"`
	From int64     `json:"from"`
	To   int64     `json:"to"`
}

// Behind is how many records wait for the group on the partition.
func (p *PartitionStatus) Behind() int64 { return max(p.High-p.Committed, 0) }

// MinStuck is the shortest stillness that counts as stuck.
const MinStuck = time.Minute

// StuckAfter is how long a group may sit still with records waiting before
// it counts as stuck: ten times its usual pace, at least three polls and
// at least MinStuck.
func (p *PartitionStatus) StuckAfter(poll time.Duration) time.Duration {
	return max(10*p.Pace, 3*poll, MinStuck)
}

// Stuck reports whether records wait on the partition and the group has
// not moved for much longer than its usual pace.
func (p *PartitionStatus) Stuck(now time.Time, poll time.Duration) bool {
	return p.Behind() > 0 && !p.Moved.IsZero() && now.Sub(p.Moved) > p.StuckAfter(poll)
}

// Group returns the status of the group named name, and whether there is one.
func (s GroupsSnapshot) Group(name string) (GroupStatus, bool) {
	for _, g := range s.Groups {
		if g.Name == name {
			return g, true
		}
	}
	return GroupStatus{}, false
}
