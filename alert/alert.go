// Package alert sends a webhook when a new failure group appears: a
// failed or dead-lettered event whose (type, normalised reason) was not
// seen before, in Slack-compatible ({"text"}) or plain JSON. Groups that
// exist when it starts are known, not new. Sends are rate-limited and
// retried.
package alert

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"time"

	"github.com/eventscope/eventscope/diagnose"
	"github.com/eventscope/eventscope/store"
)

// Formats of the webhook body.
const (
	FormatSlack = "slack"
	FormatJSON  = "json"
)

// Config configures a Notifier.
type Config struct {
	URL    string
	Format string // FormatSlack or FormatJSON
	// PerMinute bounds the alerts sent in any minute (0: 10); the rest
	// are dropped and counted in the next alert's "suppressed".
	PerMinute int
	// Retries after a failed send (0: 3), Backoff before the first retry
	// (doubling; 0: 1s).
	Retries int
	Backoff time.Duration
	// BaseURL prefixes the /failures link in alerts ("" leaves it relative).
	BaseURL string
	Client  *http.Client
	Log     *slog.Logger
}

// Alert is the plain JSON body, and what the Slack text says.
type Alert struct {
	Kind       string    `json:"kind"` // "new_failure_group"
	Type       string    `json:"type"`
	Reason     string    `json:"reason"`
	FirstSeen  time.Time `json:"first_seen"`
	Topic      string    `json:"topic"`
	Service    string    `json:"service"`
	EventID    string    `json:"event_id"`
	FlowID     string    `json:"flow_id"`
	URL        string    `json:"url"`
	Suppressed int       `json:"suppressed,omitempty"`
}

type key struct{ typ, reason string }

// Notifier watches the failures of a store.
type Notifier struct {
	cfg        Config
	src        store.Failures
	seen       map[key]bool
	started    bool
	sent       []time.Time
	suppressed int
}

// scanLimit bounds the records read per check.
const scanLimit = 20000

// New returns a Notifier of src's failures.
func New(cfg Config, src store.Failures) *Notifier {
	if cfg.PerMinute <= 0 {
		cfg.PerMinute = 10
	}
	if cfg.Retries <= 0 {
		cfg.Retries = 3
	}
	if cfg.Backoff <= 0 {
		cfg.Backoff = time.Second
	}
	if cfg.Client == nil {
		cfg.Client = &http.Client{Timeout: 10 * time.Second}
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	return &Notifier{cfg: cfg, src: src, seen: map[key]bool{}}
}

// Check reads the newest failures and alerts on each group not seen
// before (the first Check only learns the groups). It returns the alerts
// it sent.
func (n *Notifier) Check(ctx context.Context, now time.Time) ([]Alert, error) {
	recs, err := n.src.FailedRecords(ctx, store.FailureQuery{Limit: scanLimit})
	if err != nil {
		return nil, fmt.Errorf("alert: read failures: %w", err)
	}
	var out []Alert
	for i := len(recs) - 1; i >= 0; i-- { // oldest first
		r := &recs[i]
		k := key{r.Type, diagnose.NormalizeReason(r.Reason)}
		if n.seen[k] {
			continue
		}
		n.seen[k] = true
		if !n.started {
			continue
		}
		a := Alert{Kind: "new_failure_group", Type: k.typ, Reason: k.reason, FirstSeen: r.Time.UTC(), Topic: r.Topic,
			Service: r.Source, EventID: r.EventID, FlowID: r.FlowID, URL: n.cfg.BaseURL + "/failures"}
		if !n.allow(now) {
			n.suppressed++
			continue
		}
		a.Suppressed, n.suppressed = n.suppressed, 0
		if err := n.send(ctx, a); err != nil {
			n.cfg.Log.Warn("alert webhook", "err", err, "type", a.Type, "reason", a.Reason)
			continue
		}
		out = append(out, a)
	}
	n.started = true
	return out, nil
}

// allow reports whether one more alert fits the rate limit at now.
func (n *Notifier) allow(now time.Time) bool {
	n.sent = slices.DeleteFunc(n.sent, func(t time.Time) bool { return now.Sub(t) >= time.Minute })
	if len(n.sent) >= n.cfg.PerMinute {
		return false
	}
	n.sent = append(n.sent, now)
	return true
}

// body is a's webhook body in the configured format.
func (n *Notifier) body(a Alert) ([]byte, error) {
	if n.cfg.Format == FormatSlack {
		text := fmt.Sprintf("New failure group: %s: %s (topic %s, service %s, flow %s) %s", a.Type, a.Reason, a.Topic, a.Service, a.FlowID, a.URL)
		if a.Suppressed > 0 {
			text += fmt.Sprintf(" (%d more alerts suppressed by the rate limit)", a.Suppressed)
		}
		return json.Marshal(map[string]string{"text": text})
	}
	return json.Marshal(a)
}

// send posts a, retrying with a doubling backoff on errors and 5xx/429.
func (n *Notifier) send(ctx context.Context, a Alert) error {
	b, err := n.body(a)
	if err != nil {
		return err
	}
	wait := n.cfg.Backoff
	for try := 0; ; try++ {
		err = n.post(ctx, b)
		if err == nil || try >= n.cfg.Retries {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(wait):
		}
		wait *= 2
	}
}

func (n *Notifier) post(ctx context.Context, b []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, n.cfg.URL, bytes.NewReader(b))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := n.cfg.Client.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode >= 300 {
		return fmt.Errorf("webhook answered %s", resp.Status)
	}
	return nil
}

// Run checks every interval until ctx ends.
func (n *Notifier) Run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if _, err := n.Check(ctx, time.Now()); err != nil && ctx.Err() == nil {
			n.cfg.Log.Warn("alert check", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
