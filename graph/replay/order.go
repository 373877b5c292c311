package replay

import (
	"cmp"
	"slices"
	"time"

	"github.com/eventscope/eventscope/event"
)

// sortedIndex returns the indexes of events in order o; ties keep the
// given order.
func sortedIndex(events []event.Event, o Order) []int {
	idx := make([]int, len(events))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(i, j int) int {
		a, b := &events[i], &events[j]
		if o == ByArrival {
			if c := a.IngestedAt.Compare(b.IngestedAt); c != 0 {
				return c
			}
			if c := a.KafkaTime.Compare(b.KafkaTime); c != 0 {
				return c
			}
		} else if c := a.Time.Compare(b.Time); c != 0 {
			return c
		}
		if c := cmp.Compare(a.Topic, b.Topic); c != 0 {
			return c
		}
		if c := cmp.Compare(a.Partition, b.Partition); c != 0 {
			return c
		}
		return cmp.Compare(a.Offset, b.Offset)
	})
	return idx
}

// ArrivalTime is the time ByArrival orders an event by: when it was
// ingested, else its Kafka record timestamp.
func ArrivalTime(e *event.Event) time.Time {
	if !e.IngestedAt.IsZero() {
		return e.IngestedAt
	}
	return e.KafkaTime
}

// markOrders sets each step's TimeIndex, ArrivalIndex and Moved.
func markOrders(steps []Step, byTime, byArrival []int) {
	n := len(steps)
	stepOf := make([]int, n) // source index -> step
	for k := range steps {
		stepOf[steps[k].Source] = k
	}
	arrivalRank := make([]int, n) // source index -> arrival position
	for r, i := range byArrival {
		arrivalRank[i] = r
		steps[stepOf[i]].ArrivalIndex = r
	}
	seq := make([]int, n) // arrival positions in time order
	for r, i := range byTime {
		steps[stepOf[i]].TimeIndex = r
		seq[r] = arrivalRank[i]
	}
	keep := longestIncreasing(seq)
	for r, i := range byTime {
		steps[stepOf[i]].Moved = !keep[r]
	}
}

// longestIncreasing marks one longest strictly increasing subsequence of
// seq (patience sorting, O(n log n)); seq is a permutation, so the
// unmarked elements are the fewest that must move to sort it.
func longestIncreasing(seq []int) []bool {
	tails := []int{}              // tails[l]: index in seq ending an increasing run of length l+1
	prev := make([]int, len(seq)) // predecessor in the run
	for i, v := range seq {
		l, _ := slices.BinarySearchFunc(tails, v, func(t, v int) int { return cmp.Compare(seq[t], v) })
		if l > 0 {
			prev[i] = tails[l-1]
		} else {
			prev[i] = -1
		}
		if l == len(tails) {
			tails = append(tails, i)
		} else {
			tails[l] = i
		}
	}
	keep := make([]bool, len(seq))
	if len(tails) == 0 {
		return keep
	}
	for i := tails[len(tails)-1]; i >= 0; i = prev[i] {
		keep[i] = true
	}
	return keep
}
