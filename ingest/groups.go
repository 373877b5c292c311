package ingest

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/IBM/sarama"
)

// GroupInfo is one consumer group of the cluster, as the service map shows
// it: who reads which topics, and how far behind.
type GroupInfo struct {
	Name    string `json:"name"`
	State   string `json:"state"` // the coordinator's: Stable, Empty, PreparingRebalance, ...
	Members int    `json:"members"`
	// Topics are the topics its members are assigned or it has committed
	// offsets on, sorted; internal "__" topics are left out.
	Topics []string `json:"topics"`
	// Lag sums, over the partitions it has committed offsets on, the high
	// watermark minus the committed offset; -1 when it has committed none.
	Lag int64 `json:"lag"`
}

// ConsumerGroups lists the cluster's consumer groups through sarama's
// cluster admin, sorted by name. base is an optional client configuration
// (TLS, SASL, version), copied; nil means sarama's defaults. sarama's calls
// take no context: when ctx ends first, ConsumerGroups returns ctx's error
// and the calls finish (and the connections close) in the background,
// bounded by the configuration's network timeouts.
func ConsumerGroups(ctx context.Context, brokers []string, base *sarama.Config) ([]GroupInfo, error) {
	type result struct {
		groups []GroupInfo
		err    error
	}
	done := make(chan result, 1)
	go func() {
		gs, err := consumerGroups(brokers, base)
		done <- result{gs, err}
	}()
	select {
	case r := <-done:
		return r.groups, r.err
	case <-ctx.Done():
		return nil, fmt.Errorf("list consumer groups: %w", ctx.Err())
	}
}

func consumerGroups(brokers []string, base *sarama.Config) ([]GroupInfo, error) {
	cfg := sarama.NewConfig()
	if base != nil {
		c := *base
		cfg = &c
	}
	client, err := sarama.NewClient(brokers, cfg)
	if err != nil {
		return nil, fmt.Errorf("list consumer groups: connect: %w", err)
	}
	admin, err := sarama.NewClusterAdminFromClient(client)
	if err != nil {
		client.Close()
		return nil, fmt.Errorf("list consumer groups: cluster admin: %w", err)
	}
	defer admin.Close() // closes client too
	listed, err := admin.ListConsumerGroups()
	if err != nil {
		return nil, fmt.Errorf("list consumer groups: %w", err)
	}
	names := make([]string, 0, len(listed))
	for name := range listed {
		names = append(names, name)
	}
	slices.Sort(names)
	if len(names) == 0 {
		return []GroupInfo{}, nil
	}
	descs, err := admin.DescribeConsumerGroups(names)
	if err != nil {
		return nil, fmt.Errorf("describe %d consumer groups: %w", len(names), err)
	}
	out := make([]GroupInfo, 0, len(descs))
	for _, d := range descs {
		g, err := groupInfo(client, admin, d)
		if err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	slices.SortFunc(out, func(a, b GroupInfo) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

// groupInfo completes one described group with its topics and lag.
func groupInfo(client sarama.Client, admin sarama.ClusterAdmin, d *sarama.GroupDescription) (GroupInfo, error) {
	g := GroupInfo{Name: d.GroupId, State: d.State, Members: len(d.Members), Topics: []string{}, Lag: -1}
	topics := map[string]bool{}
	for _, m := range d.Members {
		if a, err := m.GetMemberAssignment(); err == nil && a != nil {
			for t := range a.Topics {
				topics[t] = true
			}
		}
	}
	offs, err := admin.ListConsumerGroupOffsets(d.GroupId, nil) // nil: every partition with an offset
	if err != nil {
		return g, fmt.Errorf("consumer group %s offsets: %w", d.GroupId, err)
	}
	for topic, parts := range offs.Blocks {
		for p, b := range parts {
			if b == nil || b.Err != sarama.ErrNoError || b.Offset < 0 {
				continue
			}
			topics[topic] = true
			hwm, err := client.GetOffset(topic, p, sarama.OffsetNewest)
			if err != nil {
				continue // a deleted topic: no lag to count
			}
			g.Lag = max(g.Lag, 0) + max(hwm-b.Offset, 0)
		}
	}
	for t := range topics {
		if !strings.HasPrefix(t, "__") {
			g.Topics = append(g.Topics, t)
		}
	}
	slices.Sort(g.Topics)
	return g, nil
}
