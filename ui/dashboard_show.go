package ui

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

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
func (h *handler) dashboardShow(c echo.Context) error {
	ctx := c.Request().Context()
	now := h.now()
	st, err := h.totals.get(ctx, h.store)
	if err != nil {
		return fmt.Errorf("load stats: %w", err)
	}
	recent, err := h.store.Flows(ctx, store.FlowQuery{Limit: dashboardFlows})
	if err != nil {
		return fmt.Errorf("list recent flows: %w", err)
	}
	v := homeView{Events: st.Events, Flows: st.Flows, Recent: flowRows(now, recent.Flows), MoreURL: SearchURL("*"),
		RateWindow: "last hour, " + rateStep.String() + " buckets"}
	lag := map[string]int64{}
	if ist, ok := h.ingestStats(); ok {
		v.Ingest = ingestViewOf(ist, now)
		lag, v.LagShown = ist.lagByTopic(), len(ist.Partitions) > 0
		v.IngestJSON = prettyJSON(ist)
	}
	if v.Statuses, v.Failures, v.Sampled, err = h.statusCounts(ctx, now); err != nil {
		return err
	}
	if v.Anomalies, err = h.anomalyGroups(ctx, now); err != nil {
		return err
	}
	var series []store.TopicSeries
	if ins, ok := h.store.(store.Insights); ok {
		to := now.Truncate(rateStep).Add(rateStep) // the current bucket, still filling, is last
		if series, err = ins.TopicRates(ctx, to.Add(-rateWindow), to, rateStep); err != nil {
			return fmt.Errorf("topic rates: %w", err)
		}
		slow, err := ins.SlowestFlows(ctx, now.Add(-rateWindow), dashboardSlowest)
		if err != nil {
			return fmt.Errorf("slowest flows: %w", err)
		}
		types, err := ins.EventTypes(ctx, now.Add(-typesWindow-typesBaseline), now.Add(-typesWindow))
		if err != nil {
			return fmt.Errorf("event types: %w", err)
		}
		v.RatesShown, v.SlowestShown, v.TypesShown = true, true, true
		v.Slowest, v.NewTypes = flowRows(now, slow), newTypeRows(now, types)
	}
	v.Topics = topicRows(st.Topics, series, lag, v.RatesShown)
	internalToggle(&v, st.Internal, showInternal(c.QueryParams()))
	if v.Behind, err = h.groupsBehind(ctx); err != nil {
		return err
	}
	return render(c, http.StatusOK, dashboardPage(pageMeta{Title: "Dashboard", Active: "/"}, v))
}

// anomalyGroups lists, per anomaly kind, the newest flows showing it among
// those active in the last anomalyWindow. One query for flows with any
// kind comes first (an empty prefix matches every kind); only a kind it
// leaves short of dashboardPerKind while more flows exist gets its own
// query, so a store with no or frequent anomalies is asked once.
func (h *handler) anomalyGroups(ctx context.Context, now time.Time) ([]anomalyGroupView, error) {
	from := now.Add(-anomalyWindow)
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
	var out []anomalyGroupView
	for _, kind := range store.AnomalyKinds {
		flows, more := byKind[kind], false
		if len(flows) < dashboardPerKind && found.NextCursor != "" {
			page, err := h.store.Flows(ctx, store.FlowQuery{Limit: dashboardPerKind, From: from,
				Terms: []store.Term{{Field: store.FieldAnomaly, Value: kind}}})
			if err != nil {
				return nil, fmt.Errorf("list flows with anomaly %s: %w", kind, err)
			}
			flows, more = page.Flows, page.NextCursor != ""
		}
		if len(flows) > dashboardPerKind {
			flows, more = flows[:dashboardPerKind], true
		}
		if len(flows) > 0 {
			out = append(out, anomalyGroupView{Kind: kind, Flows: flowRows(now, flows), More: more,
				MoreURL: SearchURL("anomaly:" + kind + " after:-24h")})
		}
	}
	return out, nil
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
		v.InternalNote = fmt.Sprintf("%d records on %d internal topics (stream-processor repartition and changelog topics and the like), kept out of every other number here:", n, len(internal))
		v.InternalURL, v.InternalLink = "/", "Hide internal topics"
		return
	}
	v.InternalNote = fmt.Sprintf("%d records on %d internal topics are not counted here.", n, len(internal))
	v.InternalURL, v.InternalLink = "/?internal=1", "Show internal topics"
}
