package ui

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"slices"

	"github.com/labstack/echo/v4"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/redrive"
	"github.com/eventscope/eventscope/store"
	"github.com/eventscope/eventscope/ui/auth"
)

// RedriveOptions configures redrive (see Options.Redrive).
type RedriveOptions struct {
	// Producer produces the redriven records.
	Producer redrive.Producer
	// Operators are the users (htpasswd or proxy names, "token" for the
	// bearer token) allowed to redrive. Nobody else may, and without
	// authentication nobody may.
	Operators []string
	// Secret keys the confirmation tokens (random per process is fine).
	Secret []byte
	// Origins: per dead-letter topic, the headers naming the original
	// topic, tried before the built-in ones (redrive.OriginHeaders).
	Origins redrive.Origins
	// GroupMax bounds the records one group redrive produces (0: 100);
	// PerSecond bounds the records redriven per second by this process,
	// all users together (0: 20).
	GroupMax  int
	PerSecond float64
}

// operator returns the request's user when it may redrive, else a 403.
func (h *handler) operator(c echo.Context) (string, error) {
	u := auth.User(c)
	if u == "" {
		return "", echo.NewHTTPError(http.StatusForbidden, "redrive needs authentication (--auth) and an operator (--redrive-operators)")
	}
	if !slices.Contains(h.redrive.Operators, u) {
		return "", echo.NewHTTPError(http.StatusForbidden, fmt.Sprintf("%s is not an operator: redrive is for --redrive-operators", u))
	}
	return u, nil
}

// confirmToken binds a confirmation page to its user and what it
// confirms (a record's coordinates, or a group's records): the POST must
// carry it, so a redrive is always one the user saw confirmed.
func (h *handler) confirmToken(user, what string) string {
	m := hmac.New(sha256.New, h.redrive.Secret)
	m.Write([]byte(user + "\x00" + what))
	return hex.EncodeToString(m.Sum(nil))
}

// deadLetter loads the stored record at the coordinates the "record"
// parameter names.
func (h *handler) deadLetter(ctx context.Context, raw string) (*event.Event, error) {
	at, err := store.ParseCoord(raw)
	if err != nil {
		return nil, badRequest(err.Error())
	}
	ps, ok := capability[store.Positions](h.store)
	if !ok {
		return nil, echo.NewHTTPError(http.StatusNotImplemented, "this store cannot find records by coordinates")
	}
	refs, err := ps.Records(ctx, []store.Coord{at})
	if err != nil {
		return nil, err
	}
	if len(refs) == 0 {
		return nil, echo.NewHTTPError(http.StatusNotFound, "no stored record "+at.String())
	}
	evs, err := baseStore(h.store).EventsByID(ctx, refs[0].EventID)
	if err != nil {
		return nil, err
	}
	for i := range evs {
		if evs[i].Topic == at.Topic && evs[i].Partition == at.Partition && evs[i].Offset == at.Offset {
			return &evs[i], nil
		}
	}
	return nil, echo.NewHTTPError(http.StatusNotFound, "no stored record "+at.String())
}

// redriveAudit is the store's audit log, or a 501 when it keeps none (a
// redrive that cannot be audited is refused).
func (h *handler) redriveAudit() (store.Audit, error) {
	au, ok := capability[store.Audit](h.store)
	if !ok {
		return nil, echo.NewHTTPError(http.StatusNotImplemented, "this store keeps no audit log: redrive is refused")
	}
	return au, nil
}

// redrivenBefore returns the successful redrive of rec in the audit log.
func redrivenBefore(ctx context.Context, au store.Audit, rec store.Coord) (*store.AuditEntry, error) {
	es, err := au.AuditLog(ctx, store.AuditQuery{Action: ActionRedrive, Target: rec.String(), Result: ResultOK, Limit: 1})
	if err != nil {
		return nil, err
	}
	if len(es) == 0 {
		return nil, nil
	}
	return &es[0], nil
}

// errRefused marks a redrive refused before producing.
var errRefused = errors.New("refused")

// redriveTarget is what both redrive handlers check first: the caller is
// an operator, the store keeps an audit log, and raw names a stored
// dead-lettered record.
func (h *handler) redriveTarget(c echo.Context, raw string) (user string, au store.Audit, e *event.Event, err error) {
	if user, err = h.operator(c); err != nil {
		return "", nil, nil, err
	}
	if au, err = h.redriveAudit(); err != nil {
		return "", nil, nil, err
	}
	if e, err = h.deadLetter(c.Request().Context(), raw); err != nil {
		return "", nil, nil, err
	}
	return user, au, e, nil
}
