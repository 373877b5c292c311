package ingest

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/IBM/sarama"
)

// deny makes the admin fail like a broker whose ACLs deny DescribeGroups.
type deny struct{ offsetsAdmin }

var errDenied = errors.New("kafka server: The client is not authorized to access this group")

func (deny) DescribeConsumerGroups([]string) ([]*sarama.GroupDescription, error) {
	return nil, errDenied
}

// denyAll also denies OffsetFetch, batched or not.
type denyAll struct{ deny }

func (denyAll) ListConsumerGroupOffsetsBatch(map[string]map[string][]int32) (map[string]*sarama.OffsetFetchResponseGroup, error) {
	return nil, errDenied
}

func (denyAll) ListConsumerGroupOffsets(string, map[string][]int32) (*sarama.OffsetFetchResponse, error) {
	return nil, errDenied
}

// denyList denies listing the groups.
type denyList struct{ offsetsAdmin }

func (denyList) ListConsumerGroups() (map[string]string, error) { return nil, errDenied }

// stall blocks every listing until release is closed.
type stall struct {
	offsetsAdmin
	release chan struct{}
}

func (s stall) ListConsumerGroups() (map[string]string, error) {
	<-s.release
	return s.offsetsAdmin.ListConsumerGroups()
}

func TestPollerFaults(t *testing.T) {
	f := newPosFixture(t)
	f.commit(t, map[int32]int64{0: 4})
	p := f.poller(t)
	pollGroup(t, p, f.group)

	// DescribeGroups denied: offsets still come, the group says why its
	// state is unknown. OffsetFetch denied too: the group says so, the
	// poll does not fail.
	p.closeClient()
	p.hook = func(a offsetsAdmin) offsetsAdmin { return deny{a} }
	mustPoll(t, p)
	g, _ := p.Snapshot().Group(f.group)
	if len(g.Partitions) != 1 || g.State != "" || !strings.Contains(g.Err, errDenied.Error()) {
		t.Errorf("describe denied: %+v; want the offsets, no state, and the denial", g)
	}
	p.closeClient()
	p.hook = func(a offsetsAdmin) offsetsAdmin { return denyAll{deny{a}} }
	if err := p.Poll(t.Context()); err != nil {
		t.Fatalf("poll with offsets denied: %v", err)
	}
	g, _ = p.Snapshot().Group(f.group)
	if len(g.Partitions) != 0 || !strings.Contains(g.Err, "offsets: "+errDenied.Error()) {
		t.Errorf("offsets denied: %+v; want no partitions and the denial", g)
	}
	// Listing denied: the poll fails, the last good groups stay.
	good := p.Snapshot().At
	p.closeClient()
	p.hook = func(a offsetsAdmin) offsetsAdmin { return denyList{a} }
	err := p.Poll(t.Context())
	s := p.Snapshot()
	if !errors.Is(err, errDenied) || !strings.Contains(s.Err, errDenied.Error()) || !s.At.Equal(good) {
		t.Errorf("denied poll: err %v, snapshot err %q at %v; want the denial, and the last good groups of %v", err, s.Err, s.At, good)
	}
	if _, ok := s.Group(f.group); !ok {
		t.Errorf("the last good poll's groups are gone after a failed poll")
	}

	// A slow broker: the poll times out, the next one says the previous
	// one still runs, and polling works again once the broker answers.
	release := make(chan struct{})
	p.closeClient()
	p.hook = func(a offsetsAdmin) offsetsAdmin { return stall{a, release} }
	p.cfg.Timeout = 200 * time.Millisecond
	if err := p.Poll(t.Context()); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("slow poll: %v, want a deadline", err)
	}
	if err := p.Poll(t.Context()); !errors.Is(err, ErrPollRunning) {
		t.Errorf("poll during a slow one: %v, want ErrPollRunning", err)
	}
	close(release)
	p.cfg.Timeout = 5 * time.Second
	eventually(t, 5*time.Second, "the slow poll ends", func() bool { return !p.busy.Load() })
	pollGroup(t, p, f.group)
	if s := p.Snapshot(); s.Err != "" {
		t.Errorf("snapshot err %q after a good poll", s.Err)
	}
}
