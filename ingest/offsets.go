package ingest

import (
	"errors"
	"fmt"

	"github.com/IBM/sarama"
)

// partitionsOf returns the partitions of every topic.
func partitionsOf(client sarama.Client, topics []string) (map[string][]int32, error) {
	parts := make(map[string][]int32, len(topics))
	for _, t := range topics {
		ps, err := client.Partitions(t)
		if err != nil {
			return nil, fmt.Errorf("partitions of %s: %w", t, err)
		}
		parts[t] = ps
	}
	return parts, nil
}

// listOffsets returns the oldest or newest (at: sarama.OffsetOldest or
// OffsetNewest) offset of every partition in parts, with one request per
// leader broker rather than one per partition.
func listOffsets(client sarama.Client, parts map[string][]int32, at int64) (map[tp]int64, error) {
	return offsetsAt(client, parts, at, true)
}

// offsetsAt is listOffsets; unless strict, it leaves out the partitions
// without a leader or with an error in the answer (a topic being deleted)
// instead of failing.
func offsetsAt(client sarama.Client, parts map[string][]int32, at int64, strict bool) (map[tp]int64, error) {
	reqs := map[*sarama.Broker]*sarama.OffsetRequest{}
	asked := map[*sarama.Broker][]tp{}
	for t, ps := range parts {
		for _, p := range ps {
			b, err := client.Leader(t, p)
			if err != nil && !strict {
				continue
			}
			if err != nil {
				return nil, fmt.Errorf("leader of %s/%d: %w", t, p, err)
			}
			if reqs[b] == nil {
				reqs[b] = sarama.NewOffsetRequest(client.Config().Version)
			}
			reqs[b].AddBlock(t, p, at, 1)
			asked[b] = append(asked[b], tp{t, p})
		}
	}
	out := map[tp]int64{}
	for b, req := range reqs {
		resp, err := b.GetAvailableOffsets(req)
		if err != nil {
			return nil, fmt.Errorf("list offsets on broker %d: %w", b.ID(), err)
		}
		for _, k := range asked[b] {
			block := resp.GetBlock(k.topic, k.partition)
			var err error
			switch {
			case block == nil:
				err = fmt.Errorf("list offsets of %s/%d: %w", k.topic, k.partition, sarama.ErrIncompleteResponse)
			case !errors.Is(block.Err, sarama.ErrNoError):
				err = fmt.Errorf("list offsets of %s/%d: %w", k.topic, k.partition, block.Err)
			case len(block.Offsets) != 1:
				err = fmt.Errorf("list offsets of %s/%d: %d offsets in answer", k.topic, k.partition, len(block.Offsets))
			}
			if err != nil && strict {
				return nil, err
			}
			if err == nil {
				out[k] = block.Offsets[0]
			}
		}
	}
	return out, nil
}

// committedOffsets returns the group's committed offset of each partition in
// parts that has one.
func committedOffsets(client sarama.Client, group string, parts map[string][]int32) (map[tp]int64, error) {
	out := map[tp]int64{}
	if len(parts) == 0 {
		return out, nil
	}
	// NewClusterAdminFromClient holds nothing of its own; closing it would
	// close the shared client, so it is left to the GC.
	admin, err := sarama.NewClusterAdminFromClient(client)
	if err != nil {
		return nil, fmt.Errorf("admin client: %w", err)
	}
	resp, err := admin.ListConsumerGroupOffsets(group, parts)
	if errors.Is(err, sarama.ErrGroupIDNotFound) {
		return out, nil // a new group: nothing committed
	}
	if err != nil {
		return nil, fmt.Errorf("committed offsets of group %s: %w", group, err)
	}
	for t, ps := range parts {
		for _, p := range ps {
			if b := resp.GetBlock(t, p); b != nil && errors.Is(b.Err, sarama.ErrNoError) && b.Offset >= 0 {
				out[tp{t, p}] = b.Offset
			}
		}
	}
	return out, nil
}
