package ui

import (
	"strconv"
	"unicode/utf8"

	"github.com/eventscope/eventscope/redrive"
	"github.com/eventscope/eventscope/store"
)

// redriveView is the confirmation page.
type redriveView struct {
	Record, FlowURL string
	Plan            redrivePlanView
	Problem         string // why it cannot be redriven
	Before          string // the earlier successful redrive, if any
	Token           string
}

// redrivePlanView is exactly what would be produced.
type redrivePlanView struct {
	Topic, OriginHeader, Key, Value, Size string
	Headers                               [][2]string
}

func redrivePlanViewOf(r redrive.Record) redrivePlanView {
	v := redrivePlanView{Topic: r.Topic, OriginHeader: r.OriginHeader, Key: bytesText(r.Key), Value: bytesText(r.Value),
		Size: plural(len(r.Value), "byte")}
	for _, h := range r.Headers {
		v.Headers = append(v.Headers, [2]string{h.Key, bytesText([]byte(h.Value))})
	}
	return v
}

// bytesText shows bytes as text when they are UTF-8, else quoted with escapes.
func bytesText(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	return strconv.Quote(string(b))
}

// redriveDoneView is the page after a redrive of one record or a group
// (or its refusal): the audit entries it wrote.
type redriveDoneView struct {
	Title   string // the group; "" for one record
	Result  string // of the one record; for a group, "ok" when any was produced
	Entries []auditRowView
	FlowURL string // one record's flow
}

// auditRowView is one audit log entry.
type auditRowView struct {
	At, User, Action, Target, Result, Detail string
}

func auditRowViewOf(a store.AuditEntry) auditRowView {
	return auditRowView{At: fmtTime(a.At), User: a.User, Action: a.Action, Target: a.Target, Result: a.Result, Detail: a.Detail}
}
