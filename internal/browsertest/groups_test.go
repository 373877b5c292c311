package browsertest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/IBM/sarama"
)

// TestConsumerGroupInBrowser publishes a three-event flow on a topic of the
// demo's broker, lets a consumer group read only its first record and
// stop, then checks in chromium that /groups/{name} shows the group two
// records behind with its lag in time and trend, and that the flow graph
// badges the two unread events.
func TestConsumerGroupInBrowser(t *testing.T) {
	d := StartDemo(t, "--group-poll", "100ms")
	broker := brokerOf(t, d)
	stamp := time.Now().UnixNano()
	topic, group, corr := fmt.Sprintf("billing-requests-%d", stamp), fmt.Sprintf("billing-%d", stamp), fmt.Sprintf("bill-%d", stamp)
	var msgs []*sarama.ProducerMessage
	for i := range 3 {
		cause := ""
		if i > 0 {
			cause = fmt.Sprintf("%s-%d", corr, i-1)
		}
		v, _ := json.Marshal(map[string]string{"eventId": fmt.Sprintf("%s-%d", corr, i), "causationId": cause,
			"correlationId": corr, "eventType": fmt.Sprintf("Billing%d", i), "producer": "billing"})
		msgs = append(msgs, &sarama.ProducerMessage{Topic: topic, Value: sarama.ByteEncoder(v),
			Timestamp: time.Now().Add(-time.Minute)})
	}
	publishTo(t, broker, topic, msgs)
	readFirst(t, broker, topic, group)

	var g struct {
		LagMessages int64    `json:"lag_messages"`
		LagSeconds  *float64 `json:"lag_seconds"`
	}
	deadline := time.Now().Add(60 * time.Second)
	for getJSON(d.URL+"/api/groups/"+url.PathEscape(group), &g) != nil || g.LagMessages != 2 || g.LagSeconds == nil {
		if time.Now().After(deadline) {
			t.Fatalf("group %s never showed 2 records behind with a lag in time: %+v\n%s", group, g, d.Logs())
		}
		time.Sleep(100 * time.Millisecond)
	}

	b := NewBrowser(t)
	b.Navigate(d.URL + "/groups/" + url.PathEscape(group))
	b.WaitVisible("[data-testid=partition-row]")
	if got := Eval[string](b, `document.querySelector("[data-testid=group-lag-messages]").textContent`); got != "2" {
		t.Errorf("records behind = %q, want 2", got)
	}
	if got := Eval[string](b, `document.querySelector("[data-testid=partition-lag-time]").textContent`); got == "not stored" || got == "0 ms" {
		t.Errorf("lag in time = %q, want the age of the unread record", got)
	}
	if n := Eval[int](b, `document.querySelectorAll("[data-testid=group-trend] polyline").length`); n != 2 {
		t.Errorf("%d trend lines, want 2 (time and records)", n)
	}
	b.Screenshot("group.png")

	b.Navigate(d.URL + "/flows/" + url.PathEscape(corr))
	b.WaitVisible("[data-testid=pending-badge]")
	badged := Eval[[]string](b, `[...document.querySelectorAll("[data-testid=graph-node]")]
		.filter(n => n.querySelector("[data-testid=pending-badge]")).map(n => n.dataset.eventId).sort()`)
	if want := []string{corr + "-1", corr + "-2"}; strings.Join(badged, ",") != strings.Join(want, ",") {
		t.Errorf("badged events = %v, want %v", badged, want)
	}
	title := Eval[string](b, `document.querySelector("[data-testid=pending-badge] title").textContent`)
	if title != "1 group has not read this: "+group {
		t.Errorf("badge says %q", title)
	}
	b.Screenshot("flow-pending-badge.png")
}

// readFirst lets group read and commit the first record of topic, then
// leave.
func readFirst(t *testing.T, broker, topic, group string) {
	t.Helper()
	cfg := sarama.NewConfig()
	cfg.Consumer.Offsets.Initial = sarama.OffsetOldest
	cfg.Consumer.Offsets.AutoCommit.Enable = false
	cg, err := sarama.NewConsumerGroup([]string{broker}, group, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer cg.Close()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	if err := cg.Consume(ctx, []string{topic}, firstOnly{cancel}); err != nil && !errors.Is(err, context.Canceled) {
		t.Fatal(err)
	}
	if !errors.Is(ctx.Err(), context.Canceled) {
		t.Fatalf("group %s read nothing: %v", group, ctx.Err())
	}
}

type firstOnly struct{ done func() }

func (firstOnly) Setup(sarama.ConsumerGroupSession) error   { return nil }
func (firstOnly) Cleanup(sarama.ConsumerGroupSession) error { return nil }
func (f firstOnly) ConsumeClaim(s sarama.ConsumerGroupSession, c sarama.ConsumerGroupClaim) error {
	for m := range c.Messages() {
		if m.Offset == 0 {
			s.MarkMessage(m, "")
			s.Commit()
			f.done()
		}
	}
	return nil
}
