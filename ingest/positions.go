package ingest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/IBM/sarama"

	"github.com/eventscope/eventscope/store"
)

// DefaultGroupPoll is how often the Poller reads the consumer groups'
// positions by default.
const DefaultGroupPoll = 10 * time.Second

// PollerConfig tunes a Poller. Brokers is required.
type PollerConfig struct {
	Brokers []string
	// Sarama is an optional client configuration (TLS, SASL, version),
	// copied; nil means sarama's defaults.
	Sarama *sarama.Config
	// Interval is the time between polls (DefaultGroupPoll when 0).
	Interval time.Duration
	// Timeout bounds one poll; a slower one is reported as failed (and
	// left to finish in the background: sarama's calls take no context).
	// 0 means the larger of Interval and 5 s.
	Timeout time.Duration
	// OwnGroup is eventscope's own consumer group, left out.
	OwnGroup string
}

// Poller reads, every Interval, the committed offsets of every consumer
// group of the cluster (but eventscope's own) on every partition, and the
// partitions' high watermarks, through sarama's cluster admin on a client
// of its own (ingest is unaffected by its failures). It keeps the latest
// snapshot in memory for the UI and writes the positions that moved to a
// store.Positions, with the time of the oldest record each group waits on.
type Poller struct {
	cfg  PollerConfig
	st   store.Positions // nil: keep no history
	log  *slog.Logger
	busy atomic.Bool // a poll is running (perhaps timed out, in the background)

	mu     sync.Mutex
	snap   store.GroupsSnapshot
	track  *tracker
	client sarama.Client
	admin  offsetsAdmin
	// hook wraps the admin client (tests inject faults with it).
	hook func(offsetsAdmin) offsetsAdmin
}

// offsetsAdmin is what a poll asks of sarama's ClusterAdmin.
type offsetsAdmin interface {
	ListConsumerGroups() (map[string]string, error)
	DescribeConsumerGroups(groups []string) ([]*sarama.GroupDescription, error)
	ListConsumerGroupOffsets(group string, parts map[string][]int32) (*sarama.OffsetFetchResponse, error)
	ListConsumerGroupOffsetsBatch(groups map[string]map[string][]int32) (map[string]*sarama.OffsetFetchResponseGroup, error)
}

// NewPoller returns a Poller writing its history to st (nil: none).
func NewPoller(cfg PollerConfig, st store.Positions, log *slog.Logger) *Poller {
	if cfg.Interval <= 0 {
		cfg.Interval = DefaultGroupPoll
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = max(cfg.Interval, 5*time.Second)
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Poller{cfg: cfg, st: st, log: log.With("component", "positions"), track: newTracker(cfg.Interval),
		snap: store.GroupsSnapshot{Interval: cfg.Interval}}
}

// Snapshot returns what the latest poll saw. Its slices are shared: do not
// modify them.
func (p *Poller) Snapshot() store.GroupsSnapshot {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.snap
}

// Run polls now and then every Interval until ctx is done, and closes the
// client. A failed poll is reported in the snapshot and logged; the next
// one tries again.
func (p *Poller) Run(ctx context.Context) {
	defer p.closeClient()
	tick := time.NewTicker(p.cfg.Interval)
	defer tick.Stop()
	for {
		if err := p.Poll(ctx); err != nil && ctx.Err() == nil {
			p.log.Warn("consumer positions unavailable", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// ErrPollRunning is returned by Poll while the previous poll still runs.
var ErrPollRunning = errors.New("the previous poll has not finished")

// Poll reads the positions once, updates the snapshot and writes what
// moved. Its error is also recorded in the snapshot.
func (p *Poller) Poll(ctx context.Context) error {
	if !p.busy.CompareAndSwap(false, true) {
		return p.fail(fmt.Errorf("poll: %w (slow broker?)", ErrPollRunning))
	}
	ctx, cancel := context.WithTimeout(ctx, p.cfg.Timeout)
	defer cancel()
	done := make(chan error, 1)
	go func() {
		err := p.poll(ctx)
		p.busy.Store(false) // before the answer: the caller may poll again at once
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			return p.fail(err)
		}
		return nil
	case <-ctx.Done():
		return p.fail(fmt.Errorf("poll: no answer within %s: %w", p.cfg.Timeout, ctx.Err()))
	}
}

func (p *Poller) fail(err error) error {
	p.mu.Lock()
	p.snap.Err, p.snap.ErrAt = err.Error(), time.Now().UTC()
	p.mu.Unlock()
	return err
}

func (p *Poller) poll(ctx context.Context) error {
	at := time.Now().UTC()
	r, err := p.read()
	if err != nil {
		p.closeClient() // connect afresh next time
		return err
	}
	p.mu.Lock()
	need := p.track.update(r, at)
	p.mu.Unlock()
	var refs []store.RecordRef
	if p.st != nil && len(need) > 0 {
		if refs, err = p.st.Records(ctx, need); err != nil {
			p.log.Warn("times of the oldest waiting records", "err", err)
		}
	}
	p.mu.Lock()
	rows := p.track.rows(refs, need, at)
	groups := p.track.groups(r)
	p.mu.Unlock()
	if p.st != nil && len(rows) > 0 {
		if err := p.st.WritePositions(ctx, rows); err != nil {
			p.log.Warn("store consumer positions", "rows", len(rows), "err", err)
		}
	}
	p.mu.Lock()
	p.snap = store.GroupsSnapshot{At: at, Groups: groups, Interval: p.cfg.Interval}
	p.mu.Unlock()
	return nil
}

// reading is what one poll read from the cluster.
type reading struct {
	groups  []groupReading // sorted by name
	offsets map[string]map[tp]int64
	high    map[tp]int64
}

type groupReading struct {
	name, state string
	members     int
	note        string // its description failed: state and members unknown
	err         string // its offsets could not be read
}

// read asks the cluster for the groups, their committed offsets and the
// high watermarks of the partitions they have offsets on.
func (p *Poller) read() (reading, error) {
	admin, client, err := p.connect()
	if err != nil {
		return reading{}, err
	}
	listed, err := admin.ListConsumerGroups()
	if err != nil {
		return reading{}, fmt.Errorf("list consumer groups: %w", err)
	}
	var names []string
	for name := range listed {
		if name != p.cfg.OwnGroup {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	r := reading{offsets: map[string]map[tp]int64{}}
	if len(names) == 0 {
		return r, nil
	}
	// A broker refusing DescribeGroups (an ACL) costs the groups' state
	// and members, not their offsets.
	descs, descErr := admin.DescribeConsumerGroups(names)
	byName := map[string]*sarama.GroupDescription{}
	for _, d := range descs {
		byName[d.GroupId] = d
	}
	parts := map[string][]int32{}
	for _, name := range names {
		g := groupReading{name: name}
		if d := byName[name]; d != nil {
			g.state, g.members = d.State, len(d.Members)
			if !errors.Is(d.Err, sarama.ErrNoError) {
				g.note = "describe: " + d.Err.Error()
			}
		} else if descErr != nil {
			g.note = "describe: " + descErr.Error()
		}
		if g.state == "Dead" { // deleted since it was listed
			continue
		}
		r.groups = append(r.groups, g)
	}
	fetched := fetchOffsets(admin, r.groups)
	for i := range r.groups {
		g := &r.groups[i]
		f := fetched[g.name]
		if f.err != "" {
			g.err = f.err
			continue
		}
		r.offsets[g.name] = f.offsets
		for k := range f.offsets {
			if !slices.Contains(parts[k.topic], k.partition) {
				parts[k.topic] = append(parts[k.topic], k.partition)
			}
		}
	}
	if r.high, err = offsetsAt(client, parts, sarama.OffsetNewest, false); err != nil {
		return reading{}, fmt.Errorf("high watermarks: %w", err)
	}
	return r, nil
}

// connect returns the poller's admin client, connecting when it has none.
func (p *Poller) connect() (offsetsAdmin, sarama.Client, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.client != nil {
		return p.admin, p.client, nil
	}
	cfg := sarama.NewConfig()
	if p.cfg.Sarama != nil {
		c := *p.cfg.Sarama
		cfg = &c
	}
	client, err := sarama.NewClient(p.cfg.Brokers, cfg)
	if err != nil {
		return nil, nil, fmt.Errorf("connect: %w", err)
	}
	admin, err := sarama.NewClusterAdminFromClient(client)
	if err != nil {
		client.Close()
		return nil, nil, fmt.Errorf("cluster admin: %w", err)
	}
	p.client, p.admin = client, admin
	if p.hook != nil {
		p.admin = p.hook(admin)
	}
	return p.admin, p.client, nil
}

func (p *Poller) closeClient() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.client != nil {
		p.client.Close() // the admin holds nothing else
		p.client, p.admin = nil, nil
	}
}
