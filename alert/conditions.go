package alert

import (
	"context"
	"fmt"
	"time"

	"github.com/eventscope/eventscope/diagnose"
	"github.com/eventscope/eventscope/redrive"
	"github.com/eventscope/eventscope/store"
)

// groupState is what the conditions need of one group at now.
type groupState struct {
	inWindow  int                 // failures within RateWindow
	stuck     int                 // stuck dead letters older than StuckAfter
	newest    *store.FailedRecord // newest record in the window
	oldStuck  *store.FailedRecord // oldest stuck dead letter
	firstRate time.Time           // oldest record in the window
}

// conditions returns the rate and stuck alerts due at now for recs (newest
// first), and remembers which groups it alerted so that each condition
// alerts once until it clears.
func (n *Notifier) conditions(ctx context.Context, recs []store.FailedRecord, now time.Time) ([]Alert, error) {
	if n.cfg.Rate <= 0 && n.cfg.StuckAfter <= 0 {
		return nil, nil
	}
	redriven, err := n.redriven(ctx)
	if err != nil {
		return nil, err
	}
	groups := map[key]*groupState{}
	var order []key
	for i := range recs {
		r := &recs[i]
		k := key{r.Type, diagnose.NormalizeReason(r.Reason)}
		g := groups[k]
		if g == nil {
			g = &groupState{}
			groups[k] = g
			order = append(order, k)
		}
		if n.cfg.Rate > 0 && now.Sub(r.Time) <= n.cfg.RateWindow {
			g.inWindow++
			if g.newest == nil {
				g.newest = r
			}
			g.firstRate = r.Time
		}
		if n.cfg.StuckAfter > 0 && r.DeadLetter && r.FlowStatus == diagnose.StatusFailed && !redriven[r.Coord] &&
			now.Sub(r.Time) > n.cfg.StuckAfter {
			g.stuck++
			g.oldStuck = r
		}
	}
	var out []Alert
	for _, k := range order {
		g := groups[k]
		if high := n.cfg.Rate > 0 && g.inWindow >= n.cfg.Rate; high && !n.rateHigh[k] {
			a := n.alertOf(KindRate, k, g.newest)
			a.Count, a.Window, a.FirstSeen = g.inWindow, n.cfg.RateWindow.String(), g.firstRate.UTC()
			out = append(out, a)
		}
		n.rateHigh[k] = n.cfg.Rate > 0 && g.inWindow >= n.cfg.Rate
		if g.stuck > 0 && !n.stuck[k] {
			a := n.alertOf(KindStuck, k, g.oldStuck)
			a.Count, a.Window = g.stuck, n.cfg.StuckAfter.String()
			out = append(out, a)
		}
		n.stuck[k] = g.stuck > 0
	}
	for k := range n.rateHigh { // groups gone from the records cleared
		if groups[k] == nil {
			delete(n.rateHigh, k)
			delete(n.stuck, k)
		}
	}
	return out, nil
}

// redriven is the records the audit log says were redriven (nil without
// an audit log).
func (n *Notifier) redriven(ctx context.Context) (map[store.Coord]bool, error) {
	if n.cfg.Audit == nil {
		return nil, nil
	}
	es, err := n.cfg.Audit.AuditLog(ctx, store.AuditQuery{Action: redrive.Action, Result: redrive.ResultOK, Limit: scanLimit})
	if err != nil {
		return nil, fmt.Errorf("alert: redriven records: %w", err)
	}
	out := make(map[store.Coord]bool, len(es))
	for _, e := range es {
		if c, err := store.ParseCoord(e.Target); err == nil {
			out[c] = true
		}
	}
	return out, nil
}
