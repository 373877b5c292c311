package ui

import (
	"context"
	"crypto/subtle"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/eventscope/eventscope/diagnose"
	"github.com/eventscope/eventscope/store"
)

// redriveGroupView is the confirmation page of a group redrive.
type redriveGroupView struct {
	Type, Reason string
	Records      []redriveGroupRecordView // what would be produced, one per record
	Skipped      int                      // records of the group past GroupMax (a later run takes them)
	Token        string
}

// redriveGroupRecordView is one dead letter of the group and what its
// redrive would produce, or why it would not.
type redriveGroupRecordView struct {
	Record  string
	Plan    redrivePlanView
	Problem string // cannot be redriven
	Before  string // already redriven (skipped unless forced)
}

// groupTitle names a group on the redrive pages.
func groupTitle(typ, reason string) string {
	if reason == "" {
		return typ
	}
	return typ + ": " + reason
}

// groupDeadLetters returns the dead letters of the failure group (type,
// normalised reason), newest first, at most max of them, and how many more
// the group has.
func (h *handler) groupDeadLetters(ctx context.Context, typ, reason string, max int) ([]store.Coord, int, error) {
	fs, ok := capability[store.Failures](h.store)
	if !ok {
		return nil, 0, echo.NewHTTPError(http.StatusNotImplemented, errNoFailures.Error())
	}
	recs, err := fs.FailedRecords(ctx, store.FailureQuery{Limit: failureLimit})
	if err != nil {
		return nil, 0, err
	}
	var out []store.Coord
	more := 0
	for i := range recs {
		r := &recs[i]
		if !r.DeadLetter || r.Type != typ || diagnose.NormalizeReason(r.Reason) != reason {
			continue
		}
		if len(out) == max {
			more++
			continue
		}
		out = append(out, r.Coord)
	}
	if len(out) == 0 {
		return nil, 0, echo.NewHTTPError(http.StatusNotFound, "no dead letter in the failure group "+groupTitle(typ, reason))
	}
	return out, more, nil
}

// groupToken is what a group confirmation binds: the group and exactly
// the records it listed.
func groupToken(typ, reason string, recs []string) string {
	return "group\x00" + typ + "\x00" + reason + "\x00" + strings.Join(recs, "\x00")
}

// tokenOK compares a posted confirmation token with the expected one.
func tokenOK(got, want string) bool {
	return subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}
