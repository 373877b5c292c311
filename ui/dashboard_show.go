package ui

import (
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
)

// dashboardShow renders the home page: totals, ingest status and lag,
// event rates per topic, flows with anomalies by kind, the slowest flows,
// event types new in the last hour (with schema drift), recent flows.
// Sections that need store.Insights are hidden when the store lacks it.
func (h *handler) dashboardShow(c echo.Context) error {
	ctx := c.Request().Context()
	now := h.now()
	st, err := h.store.Stats(ctx)
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
	}
	if h.stats != nil {
		v.IngestJSON = prettyJSON(h.stats())
	}
	for _, kind := range store.AnomalyKinds {
		page, err := h.store.Flows(ctx, store.FlowQuery{Limit: dashboardPerKind,
			Terms: []store.Term{{Field: store.FieldAnomaly, Value: kind}}})
		if err != nil {
			return fmt.Errorf("list flows with anomaly %s: %w", kind, err)
		}
		if len(page.Flows) > 0 {
			v.Anomalies = append(v.Anomalies, anomalyGroupView{Kind: kind, Flows: flowRows(now, page.Flows),
				More: page.NextCursor != "", MoreURL: SearchURL("anomaly:" + kind)})
		}
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
	return render(c, http.StatusOK, dashboardPage(pageMeta{Title: "Dashboard", Active: "/"}, v))
}
