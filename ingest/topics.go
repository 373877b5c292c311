package ingest

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/IBM/sarama"
)

// topics refreshes the cluster metadata and returns the wanted topics, sorted.
func (in *Ingester) topics(client sarama.Client) ([]string, error) {
	if err := client.RefreshMetadata(); err != nil {
		return nil, fmt.Errorf("refresh metadata: %w", err)
	}
	all, err := client.Topics()
	if err != nil {
		return nil, err
	}
	var out []string
	for _, t := range all {
		if in.cfg.wanted(t) {
			out = append(out, t)
		}
	}
	slices.Sort(out)
	return out, nil
}

// watch refreshes the topic list every RefreshInterval and returns it as soon
// as it differs from current; nil when ctx is done first.
func (in *Ingester) watch(ctx context.Context, client sarama.Client, current []string) []string {
	tick := time.NewTicker(in.cfg.RefreshInterval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
		ts, err := in.topics(client)
		if err != nil {
			in.log.Warn("refresh topic list", "err", err)
			continue
		}
		if !slices.Equal(ts, current) {
			return ts
		}
	}
}

// diff returns the elements of a that are not in b.
func diff(a, b []string) []string {
	var out []string
	for _, s := range a {
		if !slices.Contains(b, s) {
			out = append(out, s)
		}
	}
	return out
}

// startBackfill records, per partition, the records present now that this
// group has not consumed: from its committed offset (or the oldest) to the
// high watermark. Failing that, ingest goes on without progress figures.
func (in *Ingester) startBackfill(client sarama.Client, parts map[string][]int32) {
	committed, err := committedOffsets(client, in.cfg.GroupID, parts)
	if err != nil {
		in.log.Warn("backfill: no progress figures", "err", err)
		return
	}
	oldest, err := listOffsets(client, parts, sarama.OffsetOldest)
	if err != nil {
		in.log.Warn("backfill: no progress figures", "err", err)
		return
	}
	newest, err := listOffsets(client, parts, sarama.OffsetNewest)
	if err != nil {
		in.log.Warn("backfill: no progress figures", "err", err)
		return
	}
	spans := map[tp]span{}
	var total int64
	for k, end := range newest {
		start := oldest[k]
		if c, ok := committed[k]; ok && c > start {
			start = c
		}
		start = min(start, end)
		spans[k] = span{start: start, end: end}
		total += end - start
	}
	in.st.startBackfill(spans, time.Now())
	in.log.Info("backfill started", "records", total, "partitions", len(spans))
}

// logProgress logs backfill progress every ProgressEvery until it completes
// or ctx is done.
func (in *Ingester) logProgress(ctx context.Context) {
	tick := time.NewTicker(in.cfg.ProgressEvery)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		b := in.st.snapshot(time.Now()).Backfill
		if b == nil {
			return
		}
		if b.Complete {
			in.log.Info("backfill complete", "records", b.Total,
				"seconds", time.Since(b.StartedAt).Round(time.Millisecond).Seconds())
			return
		}
		in.log.Info("backfill progress", "done", b.Done, "total", b.Total,
			"rate_per_sec", int64(b.RatePerSec), "eta", time.Duration(b.ETASeconds*float64(time.Second)).Round(time.Second).String())
	}
}
