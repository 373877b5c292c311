package ui

import (
	"strconv"

	"github.com/eventscope/eventscope/graph"
)

// deliveriesView is the event page's "read by" section.
type deliveriesView struct {
	Rows  []deliveryRowView
	Error string
}

// deliveryRowView is one consumer group's delivery of the event.
type deliveryRowView struct {
	Group, URL, State string
	Committed         string
	When              string // consumed: between which polls; pending: how long it has waited
	Behind            string // pending: records ahead of it
	Stuck, Reset      bool
}

func deliveriesViewOf(ds []deliveryJSON, errMsg string) deliveriesView {
	v := deliveriesView{Error: errMsg}
	for _, d := range ds {
		r := deliveryRowView{Group: d.Group, URL: d.URL, State: d.State, Committed: "—", Stuck: d.Stuck, Reset: d.Reset}
		if d.Committed != nil {
			r.Committed = strconv.FormatInt(*d.Committed, 10)
		}
		switch {
		case d.State == statePending:
			r.When = "waiting " + graph.FormatMS(d.Waiting*1000)
			r.Behind = strconv.FormatInt(d.Behind, 10)
		case d.ConsumedBefore != nil && d.ConsumedAfter != nil:
			r.When = "between " + fmtTime(*d.ConsumedAfter) + " and " + fmtTime(*d.ConsumedBefore)
		case d.ConsumedBefore != nil:
			r.When = "by " + fmtTime(*d.ConsumedBefore)
		default:
			r.When = "before the positions history starts"
		}
		v.Rows = append(v.Rows, r)
	}
	return v
}
