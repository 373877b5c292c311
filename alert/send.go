package alert

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"time"
)

// allow reports whether one more alert fits the rate limit at now.
func (n *Notifier) allow(now time.Time) bool {
	n.sent = slices.DeleteFunc(n.sent, func(t time.Time) bool { return now.Sub(t) >= time.Minute })
	if len(n.sent) >= n.cfg.PerMinute {
		return false
	}
	n.sent = append(n.sent, now)
	return true
}

// text is what the alert says, in one line.
func (a Alert) text() string {
	var s string
	switch a.Kind {
	case KindRate:
		s = fmt.Sprintf("Failure rate: %d × %s: %s in %s", a.Count, a.Type, a.Reason, a.Window)
	case KindStuck:
		s = fmt.Sprintf("Stuck dead letters: %d × %s: %s stuck longer than %s (oldest %s)", a.Count, a.Type, a.Reason,
			a.Window, a.FirstSeen.Format(time.RFC3339))
	default:
		s = fmt.Sprintf("New failure group: %s: %s", a.Type, a.Reason)
	}
	return s + fmt.Sprintf(" (topic %s, service %s, flow %s) %s", a.Topic, a.Service, a.FlowID, a.URL)
}

// body is a's webhook body in the configured format.
func (n *Notifier) body(a Alert) ([]byte, error) {
	if n.cfg.Format == FormatSlack {
		text := a.text()
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
