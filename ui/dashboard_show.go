package ui

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"golang.org/x/sync/errgroup"

	"github.com/eventscope/eventscope/store"
)

// What the dashboard shows.
const (
	dashboardFlows   = 25               // recent flows listed
	dashboardPerKind = 5                // flows listed per anomaly kind
	dashboardSlowest = 10               // slowest flows listed
	rateWindow       = time.Hour        // sparkline span
	rateStep         = 30 * time.Second // sparkline bucket
	typesWindow      = time.Hour        // event types "new" within it ...
	typesBaseline    = 24 * time.Hour   // ... compared with this much before
	anomalyWindow    = 24 * time.Hour   // flows with anomalies: active within it
)

// dashboardShow renders the home page: totals, ingest status and lag,
// event rates per topic, flows with anomalies by kind, the slowest flows,
// event types new in the last hour (with schema drift), recent flows.
// Sections that need store.Insights are hidden when the store lacks it.
// The sections' queries are independent and run at once: the page takes
// as long as the slowest, not their sum.
func (h *handler) dashboardShow(c echo.Context) error {
	now := h.now()
	g, ctx := errgroup.WithContext(c.Request().Context())
	var st store.Stats
	var recent store.FlowPage
	var v homeView
	g.Go(func() (err error) {
		if st, err = h.totals.get(ctx, h.store); err != nil {
			return fmt.Errorf("load stats: %w", err)
		}
		return nil
	})
	g.Go(func() (err error) {
		if recent, err = h.store.Flows(ctx, store.FlowQuery{Limit: dashboardFlows}); err != nil {
			return fmt.Errorf("list recent flows: %w", err)
		}
		return nil
	})
	g.Go(func() (err error) {
		v.Statuses, v.Failures, v.Sampled, err = h.statusCounts(ctx, now)
		return err
	})
	g.Go(func() (err error) {
		v.Anomalies, err = h.anomalyGroups(ctx, now)
		return err
	})
	g.Go(func() (err error) {
		v.Behind, err = h.groupsBehind(ctx)
		return err
	})
	var series []store.TopicSeries
	var slow []store.FlowSummary
	var types []store.TypeInfo
	ins, insights := h.store.(store.Insights)
	if insights {
		g.Go(func() (err error) {
			to := now.Truncate(rateStep).Add(rateStep) // the current bucket, still filling, is last
			if series, err = ins.TopicRates(ctx, to.Add(-rateWindow), to, rateStep); err != nil {
				return fmt.Errorf("topic rates: %w", err)
			}
			return nil
		})
		g.Go(func() (err error) {
			if slow, err = ins.SlowestFlows(ctx, now.Add(-rateWindow), dashboardSlowest); err != nil {
				return fmt.Errorf("slowest flows: %w", err)
			}
			return nil
		})
		g.Go(func() (err error) {
			if types, err = ins.EventTypes(ctx, now.Add(-typesWindow-typesBaseline), now.Add(-typesWindow)); err != nil {
				return fmt.Errorf("event types: %w", err)
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	v.Events, v.Flows, v.Recent, v.MoreURL = st.Events, st.Flows, flowRows(now, recent.Flows), SearchURL("*")
	v.RateWindow = "last hour, " + rateStep.String() + " buckets"
	lag := map[string]int64{}
	if ist, ok := h.ingestStats(); ok {
		v.Ingest = ingestViewOf(ist, now)
		lag, v.LagShown = ist.lagByTopic(), len(ist.Partitions) > 0
		v.IngestJSON = prettyJSON(ist)
	}
	if insights {
		v.RatesShown, v.SlowestShown, v.TypesShown = true, true, true
		v.Slowest, v.NewTypes = flowRows(now, slow), newTypeRows(now, types)
	}
	v.Topics = topicRows(st.Topics, series, lag, v.RatesShown)
	internalToggle(&v, st.Internal, showInternal(c.QueryParams()))
	return render(c, http.StatusOK, dashboardPage(pageMeta{Title: "Dashboard", Active: "/"}, v))
}

// anomalyGroups lists, per anomaly kind, the newest flows showing it among
// those active in the last anomalyWindow. One query for flows with any
// kind comes first (an empty prefix matches every kind); only a kind it
// leaves short of dashboardPerKind while more flows exist gets its own
// query (those run at once), so a store with no or frequent anomalies is
// asked once.
func (h *handler) anomalyGroups(ctx context.Context, now time.Time) ([]anomalyGroupView, error) {
	from := now.Add(-anomalyWindow)
	if ov, ok := h.store.(store.Overview); ok { // every kind in one query
		byKind, err := ov.KindFlows(ctx, from, dashboardPerKind+1)
		if err != nil {
			return nil, fmt.Errorf("list flows with anomalies: %w", err)
		}
		return anomalyGroupViews(now, byKind, nil), nil
	}
	found, err := h.store.Flows(ctx, store.FlowQuery{Limit: 4 * dashboardPerKind, From: from,
		Terms: []store.Term{{Field: store.FieldAnomaly, Prefix: true}}})
	if err != nil {
		return nil, fmt.Errorf("list flows with anomalies: %w", err)
	}
	byKind := map[string][]store.FlowSummary{}
	for _, f := range found.Flows {
		for _, k := range f.Anomalies {
			byKind[k] = append(byKind[k], f)
		}
	}
	pages := make([]*store.FlowPage, len(store.AnomalyKinds)) // a kind's own query, when it needs one
	g, gctx := errgroup.WithContext(ctx)
	for i, kind := range store.AnomalyKinds {
		if len(byKind[kind]) >= dashboardPerKind || found.NextCursor == "" {
			continue
		}
		g.Go(func() error {
			page, err := h.store.Flows(gctx, store.FlowQuery{Limit: dashboardPerKind, From: from,
				Terms: []store.Term{{Field: store.FieldAnomaly, Value: kind}}})
			if err != nil {
				return fmt.Errorf("list flows with anomaly %s: %w", kind, err)
			}
			pages[i] = &page
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return anomalyGroupViews(now, byKind, pages), nil
}

// anomalyGroupViews lists the anomaly groups, in store.AnomalyKinds
// order, from the flows found per kind (more than dashboardPerKind: more
// exist) or the kind's own page (pages[i], when not nil).
func anomalyGroupViews(now time.Time, byKind map[string][]store.FlowSummary, pages []*store.FlowPage) []anomalyGroupView {
	var out []anomalyGroupView
	for i, kind := range store.AnomalyKinds {
		flows, more := byKind[kind], false
		if i < len(pages) && pages[i] != nil {
			flows, more = pages[i].Flows, pages[i].NextCursor != ""
		}
		if len(flows) > dashboardPerKind {
			flows, more = flows[:dashboardPerKind], true
		}
		if len(flows) > 0 {
			out = append(out, anomalyGroupView{Kind: kind, Flows: flowRows(now, flows), More: more,
				MoreURL: SearchURL("anomaly:" + kind + " after:-24h")})
		}
	}
	return out
}

// internalToggle fills the dashboard's internal-topics line: the counts of
// the internal topics (kept out of every other number on the page) when
// show is set, else how many records they hold and a link to show them.
func internalToggle(v *homeView, internal []store.TopicCount, show bool) {
	if len(internal) == 0 {
		return
	}
	var n int64
	for _, t := range internal {
		n += t.Events
	}
	if show {
		for _, t := range internal {
			v.Internal = append(v.Internal, topicRowView{Topic: t.Topic, URL: SearchURL("topic:" + t.Topic), Events: t.Events})
		}
		v.InternalNote = plural(int(n), "record") + " on " + plural(len(internal), "internal topic") + " (stream-processor repartition and changelog topics and the like), kept out of every other number here:"
		v.InternalURL, v.InternalLink = "/", "Hide internal topics"
		return
	}
	v.InternalNote = plural(int(n), "record") + " on " + plural(len(internal), "internal topic") + " " + agree(int(n), "is", "are") + " not counted here."
	v.InternalURL, v.InternalLink = "/?internal=1", "Show internal topics"
}
