package ui

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/store"
)

// redriveRunner runs redrives one at a time (so that two requests cannot
// both find a record not yet redriven and produce it twice) and no faster
// than RedriveOptions.PerSecond records a second, all users together.
type redriveRunner struct {
	mu   sync.Mutex
	gap  time.Duration
	next time.Time
}

func newRedriveRunner(o *RedriveOptions) *redriveRunner {
	if o == nil {
		return nil
	}
	ps := o.PerSecond
	if ps <= 0 {
		ps = 20
	}
	return &redriveRunner{gap: time.Duration(float64(time.Second) / ps)}
}

// groupMax is the most records one group redrive produces.
func (o *RedriveOptions) groupMax() int {
	if o.GroupMax <= 0 {
		return 100
	}
	return o.GroupMax
}

// wait blocks until the rate limit lets one more record go (r.mu held).
func (r *redriveRunner) wait(ctx context.Context) error {
	now := time.Now()
	if d := r.next.Sub(now); d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
		now = r.next
	}
	r.next = now.Add(r.gap)
	return nil
}

// redriveRequest is one record to redrive and how.
type redriveRequest struct {
	User          string
	Event         *event.Event
	Force, DryRun bool
	Note          string // prefixes the audit detail (e.g. the group)
}

// redriveOne redrives one record (r.mu held): refused when it cannot be
// planned or, unless forced, was redriven before; a dry run only audits.
// Every attempt is written to the audit log; the HTTP status says how it
// went (200, 409 already redriven, 422 cannot, 502 the produce failed).
func (h *handler) redriveOne(ctx context.Context, au store.Audit, q redriveRequest) (int, store.AuditEntry, error) {
	e := q.Event
	from := store.Coord{Topic: e.Topic, Partition: e.Partition, Offset: e.Offset}
	entry := store.AuditEntry{At: h.now().UTC(), User: q.User, Action: ActionRedrive, Target: from.String()}
	finish := func(status int, result, detail string) (int, store.AuditEntry, error) {
		entry.Result, entry.Detail = result, q.Note+detail
		if err := au.WriteAudit(ctx, entry); err != nil {
			return 0, entry, fmt.Errorf("redrive %s: audit: %w", from, err)
		}
		return status, entry, nil
	}
	rec, err := h.redrive.Origins.Plan(e, q.User)
	if err != nil {
		return finish(http.StatusUnprocessableEntity, ResultRefused, err.Error())
	}
	if !q.Force {
		prev, err := redrivenBefore(ctx, au, from)
		if err != nil {
			return 0, entry, err
		}
		if prev != nil {
			return finish(http.StatusConflict, ResultRefused, "already redriven by "+prev.User+" at "+fmtTime(prev.At)+": force to redrive again")
		}
	}
	if q.DryRun {
		return finish(http.StatusOK, ResultDryRun, fmt.Sprintf("would produce to %s (%s, %s)", rec.Topic, plural(len(rec.Value), "byte"), plural(len(rec.Headers), "header")))
	}
	if err := h.redriveRun.wait(ctx); err != nil {
		return finish(http.StatusServiceUnavailable, ResultError, "rate limit: "+err.Error())
	}
	at, err := h.redrive.Producer.Produce(ctx, rec)
	if err != nil {
		h.log.Error("redrive", "record", from.String(), "user", q.User, "err", err)
		return finish(http.StatusBadGateway, ResultError, err.Error())
	}
	return finish(http.StatusOK, ResultOK, "produced as "+at.String())
}
