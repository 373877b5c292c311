// Package alert sends webhooks about failures: when a new failure group
// appears (a failed or dead-lettered event whose type and normalised
// reason were not seen before), when a group's rate crosses a threshold,
// and when dead letters stay stuck longer than a limit; in Slack-compatible
// ({"text"}) or plain JSON. Groups that exist when it starts are known,
// not new. Sends are rate-limited and retried, and every alert (sent,
// suppressed or failed) is written to the audit log when there is one, so
// that /failures shows them.
package alert

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/eventscope/eventscope/diagnose"
	"github.com/eventscope/eventscope/store"
)

// Formats of the webhook body.
const (
	FormatSlack = "slack"
	FormatJSON  = "json"
)

// Kinds of alerts.
const (
	KindNewGroup = "new_failure_group"
	KindRate     = "failure_rate"
	KindStuck    = "stuck_dead_letters"
)

// Audit log names of alerts: the action, the user, and the results.
const (
	Action           = "alert"
	User             = "eventscope"
	ResultSent       = "sent"
	ResultSuppressed = "suppressed"
	ResultError      = "error"
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
	// Rate alerts when a group has at least Rate failures within the last
	// RateWindow (0: no rate alerts; window 0: 5m), once until it drops
	// below again.
	Rate       int
	RateWindow time.Duration
	// StuckAfter alerts when a group has dead letters whose flows still
	// fail, not redriven, older than this (0: no stuck alerts), once until
	// none is stuck.
	StuckAfter time.Duration
	// BaseURL prefixes the /failures link in alerts ("" leaves it relative).
	BaseURL string
	// Audit, when set, gets every alert; redrives found in it are not stuck.
	Audit  store.Audit
	Client *http.Client
	Log    *slog.Logger
}

// Alert is the plain JSON body, and what the Slack text says.
type Alert struct {
	Kind      string    `json:"kind"` // KindNewGroup, KindRate or KindStuck
	Type      string    `json:"type"`
	Reason    string    `json:"reason"`
	FirstSeen time.Time `json:"first_seen"`
	Topic     string    `json:"topic"`
	Service   string    `json:"service"`
	EventID   string    `json:"event_id"`
	FlowID    string    `json:"flow_id"`
	URL       string    `json:"url"`
	// Count: for a rate alert the failures in Window; for a stuck alert
	// the stuck dead letters, the oldest from FirstSeen.
	Count      int    `json:"count,omitempty"`
	Window     string `json:"window,omitempty"`
	Suppressed int    `json:"suppressed,omitempty"`
}

type key struct{ typ, reason string }

// Notifier watches the failures of a store.
type Notifier struct {
	cfg        Config
	src        store.Failures
	seen       map[key]bool
	rateHigh   map[key]bool // groups above the rate threshold (alerted)
	stuck      map[key]bool // groups with stuck dead letters (alerted)
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
	if cfg.RateWindow <= 0 {
		cfg.RateWindow = 5 * time.Minute
	}
	if cfg.Client == nil {
		cfg.Client = &http.Client{Timeout: 10 * time.Second}
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	return &Notifier{cfg: cfg, src: src, seen: map[key]bool{}, rateHigh: map[key]bool{}, stuck: map[key]bool{}}
}

// Check reads the newest failures and alerts on each group not seen
// before (the first Check only learns the groups), each group whose rate
// crossed the threshold, and each group whose dead letters are stuck
// (both at now). It returns the alerts it sent.
func (n *Notifier) Check(ctx context.Context, now time.Time) ([]Alert, error) {
	recs, err := n.src.FailedRecords(ctx, store.FailureQuery{Limit: scanLimit})
	if err != nil {
		return nil, fmt.Errorf("alert: read failures: %w", err)
	}
	var due []Alert
	for i := len(recs) - 1; i >= 0; i-- { // oldest first
		r := &recs[i]
		k := key{r.Type, diagnose.NormalizeReason(r.Reason)}
		if n.seen[k] {
			continue
		}
		n.seen[k] = true
		if n.started {
			due = append(due, n.alertOf(KindNewGroup, k, r))
		}
	}
	n.started = true
	cond, err := n.conditions(ctx, recs, now)
	if err != nil {
		return nil, err
	}
	var out []Alert
	for _, a := range append(due, cond...) {
		if !n.allow(now) {
			n.suppressed++
			n.audit(ctx, now, a, ResultSuppressed, "rate limit")
			continue
		}
		a.Suppressed, n.suppressed = n.suppressed, 0
		if err := n.send(ctx, a); err != nil {
			n.cfg.Log.Warn("alert webhook", "err", err, "kind", a.Kind, "type", a.Type, "reason", a.Reason)
			n.audit(ctx, now, a, ResultError, err.Error())
			continue
		}
		n.audit(ctx, now, a, ResultSent, "")
		out = append(out, a)
	}
	return out, nil
}

// alertOf is an alert of kind about group k, from its record r.
func (n *Notifier) alertOf(kind string, k key, r *store.FailedRecord) Alert {
	return Alert{Kind: kind, Type: k.typ, Reason: k.reason, FirstSeen: r.Time.UTC(), Topic: r.Topic, Service: r.Source,
		EventID: r.EventID, FlowID: r.FlowID, URL: n.cfg.BaseURL + "/failures"}
}

// audit writes alert a and its result to the audit log, if there is one.
func (n *Notifier) audit(ctx context.Context, now time.Time, a Alert, result, why string) {
	if n.cfg.Audit == nil {
		return
	}
	detail := a.text()
	if why != "" {
		detail += " (" + why + ")"
	}
	e := store.AuditEntry{At: now.UTC(), User: User, Action: Action, Target: a.Kind, Result: result, Detail: detail}
	if err := n.cfg.Audit.WriteAudit(ctx, e); err != nil {
		n.cfg.Log.Warn("alert audit", "err", err)
	}
}
