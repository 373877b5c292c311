package ui

import (
	"fmt"
	"net/url"
	"strconv"
)

// failuresView is the /failures page.
type failuresView struct {
	Filter      failureFilter
	From, To    string
	Groups      []inboxGroupView
	Truncated   bool
	Unavailable string // why the store cannot list failures
	States      []string
	Audit       []auditRowView // redrives
	Alerts      []auditRowView // alerts (sent, suppressed, failed)
	HasAudit    bool           // the store keeps an audit log
}

// inboxGroupView is one group on /failures.
type inboxGroupView struct {
	failureGroupJSON
	Spark               sparklineView
	First, Last         string
	Records             []failureRecordView
	FlowLinks           []linkView
	StateClass, CountTx string
	RedriveURL          string // the group's confirmation page; "" when redrive is off or no dead letter
}

// failureRecordView is one record of a group.
type failureRecordView struct {
	failureRecordJSON
	Where, Time, FlowURL, EventURL string
	RedriveURL                     string // the confirmation page; "" when redrive is off or not a dead letter
}

// linkView is a link.
type linkView struct{ Text, URL string }

func failuresViewOf(f failureFilter, out failuresJSON, redriveOn bool) failuresView {
	v := failuresView{Filter: f, Truncated: out.Truncated, States: failStates}
	if !out.From.IsZero() {
		v.From, v.To = fmtTime(out.From), fmtTime(out.To)
	}
	for _, g := range out.Groups {
		counts := make([]float64, len(g.Counts))
		for i, n := range g.Counts {
			counts[i] = float64(n)
		}
		gv := inboxGroupView{failureGroupJSON: g, First: fmtTime(g.FirstSeen), Last: fmtTime(g.LastSeen),
			Spark:      sparkline(counts, fmt.Sprintf("%s of %s from %s to %s", plural(g.Count, "failure"), g.Type, v.From, v.To)),
			StateClass: "state-" + g.State, CountTx: strconv.Itoa(g.Count)}
		for _, r := range g.Records {
			gv.Records = append(gv.Records, failureRecordView{failureRecordJSON: r,
				Where: fmt.Sprintf("%s/%d/%d", r.Topic, r.Partition, r.Offset), Time: fmtTime(r.Time),
				FlowURL: FlowURL(r.FlowID), EventURL: FlowEventURL(r.FlowID, r.EventID)})
			if redriveOn && r.DeadLetter {
				gv.Records[len(gv.Records)-1].RedriveURL = "/failures/redrive?record=" + url.QueryEscape(r.Coord.String())
			}
		}
		if redriveOn && g.DeadLetters > 0 {
			gv.RedriveURL = "/failures/redrive/group?" + url.Values{"type": {g.Type}, "reason": {g.Reason}}.Encode()
		}
		for _, id := range g.Flows {
			gv.FlowLinks = append(gv.FlowLinks, linkView{Text: id, URL: FlowURL(id)})
		}
		v.Groups = append(v.Groups, gv)
	}
	return v
}
