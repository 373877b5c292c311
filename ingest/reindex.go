package ingest

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/store"
)

// SchemaWaiter is what a Reindexer needs of the schema decoder
// (schema.Decoder): the schemas records wait for and whether one can be
// had now.
type SchemaWaiter interface {
	// Waiting returns the IDs decodes could not get.
	Waiting() []int32
	// Available reports whether the schema can be had now.
	Available(id int32) bool
	// Forget stops listing id unless a decode failed to get it at or
	// after since; it reports whether it did.
	Forget(id int32, since time.Time) bool
}

// ReindexConfig configures a Reindexer; zero values take defaults.
type ReindexConfig struct {
	Store    store.Rewriter
	Decoder  *event.Decoder
	Schemas  SchemaWaiter
	Redact   func(*event.Event) // as ingest redacts; nil: none
	Interval time.Duration      // between passes; default 5 s
	Batch    int                // records a Rewrite; default 500
	// Grace: a schema is forgotten only when no decode failed to get it
	// for this long before a pass (records decoded then may still be on
	// their way to the store); default 2 min.
	Grace time.Duration
	Now   func() time.Time
}

// Reindexer stores again, decoded, the records that were stored while
// their schema could not be had (event.NeedsSchema): once the schema is
// known their payload names the IDs that put them into their flow. It
// never holds up ingest: it runs beside it, a batch at a time.
type Reindexer struct {
	cfg      ReindexConfig
	log      *slog.Logger
	seededAt time.Time
	seeds    []int32 // schemas the store says records wait for
}

// NewReindexer returns a Reindexer; Run starts it.
func NewReindexer(cfg ReindexConfig, log *slog.Logger) *Reindexer {
	if cfg.Interval <= 0 {
		cfg.Interval = 5 * time.Second
	}
	if cfg.Batch <= 0 {
		cfg.Batch = 500
	}
	if cfg.Grace <= 0 {
		cfg.Grace = 2 * time.Minute
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Reindexer{cfg: cfg, log: log.With("component", "reindex")}
}

// Run makes a pass at start and every Interval until ctx is done.
func (r *Reindexer) Run(ctx context.Context) {
	t := time.NewTicker(r.cfg.Interval)
	defer t.Stop()
	for {
		if n, err := r.Pass(ctx); err != nil && ctx.Err() == nil {
			r.log.Warn("rewriting records that waited for their schema", "err", err, "rewritten", n)
		} else if n > 0 {
			r.log.Info("records that waited for their schema stored decoded", "rewritten", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// reseedEvery is how often a pass asks the store which schemas records
// wait for (the first pass always does).
const reseedEvery = 10 * time.Minute

// Pass rewrites the records waiting for every schema that can be had
// now, and returns how many it rewrote. The first pass (and one every
// reseedEvery) also asks the store which schemas records wait for.
func (r *Reindexer) Pass(ctx context.Context) (int, error) {
	if now := r.cfg.Now(); r.seededAt.IsZero() || now.Sub(r.seededAt) >= reseedEvery {
		// The store names what records wait for: at start (records from
		// before) and now and then (the decoder's list is bounded).
		ids, err := r.cfg.Store.WaitingSchemas(ctx)
		if err != nil {
			return 0, fmt.Errorf("find the schemas records wait for: %w", err)
		}
		r.seeds, r.seededAt = append(r.seeds, ids...), now
	}
	total := 0
	var left []int32
	for _, id := range dedupe(append(slices.Clone(r.seeds), r.cfg.Schemas.Waiting()...)) {
		start := r.cfg.Now()
		if !r.cfg.Schemas.Available(id) {
			left = append(left, id)
			continue
		}
		n, err := r.schema(ctx, id)
		total += n
		if err != nil {
			return total, fmt.Errorf("schema %d: %w", id, err)
		}
		r.cfg.Schemas.Forget(id, start.Add(-r.cfg.Grace))
	}
	r.seeds = left
	return total, nil
}

// schema rewrites, a batch at a time, the records waiting for schema id.
func (r *Reindexer) schema(ctx context.Context, id int32) (int, error) {
	note := event.PendingNote(id)
	done := map[string]bool{}
	total := 0
	for {
		evs, err := r.cfg.Store.Undecoded(ctx, note, r.cfg.Batch)
		if err != nil || len(evs) == 0 {
			return total, err
		}
		rs := make([]store.Rewrite, 0, len(evs))
		for _, old := range evs {
			key := old.Coordinates() + "@" + old.KafkaTime.String()
			if done[key] {
				continue
			}
			done[key] = true
			n, ok := r.cfg.Decoder.Reindex(old, r.cfg.Now())
			if !ok && event.NeedsSchema(&old) {
				return total, nil // the schema went away meanwhile: next pass
			}
			if !ok {
				// Cut or dropped payload: it stays, and waits no more.
				n = old
				n.DecodeError = event.StopWaiting(old.DecodeError, id, "payload not kept whole, not decoded")
				n.IngestedAt = r.cfg.Now()
			}
			if r.cfg.Redact != nil {
				r.cfg.Redact(&n)
			}
			rs = append(rs, store.Rewrite{Old: old, New: n})
		}
		if len(rs) == 0 {
			return total, fmt.Errorf("%d records still waiting after being rewritten", len(evs))
		}
		if err := r.cfg.Store.Rewrite(ctx, rs); err != nil {
			return total, err
		}
		total += len(rs)
	}
}

func dedupe(ids []int32) []int32 {
	seen := map[int32]bool{}
	out := ids[:0]
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}
