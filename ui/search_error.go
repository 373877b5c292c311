package ui

import (
	"errors"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/eventscope/eventscope/store"
)

// queryErrorView shows a search query that did not parse: the message and
// the query cut at the error's position, so the page can mark it.
type queryErrorView struct {
	Message  string
	Position int    // byte offset in the query
	Before   string // the query up to the position
	At       string // the character at the position ("" at the end)
	After    string // the rest
}

// queryErrorOf returns the view of err when it is a *store.QueryError
// about q, else nil.
func queryErrorOf(q string, err error) *queryErrorView {
	var qe *store.QueryError
	if !errors.As(err, &qe) {
		return nil
	}
	pos := min(max(qe.Pos, 0), len(q))
	v := &queryErrorView{Message: qe.Msg, Position: pos, Before: q[:pos]}
	if pos < len(q) {
		_, n := utf8.DecodeRuneInString(q[pos:])
		v.At, v.After = q[pos:pos+n], q[pos+n:]
	}
	return v
}

// queryErrorJSON is the body of a 400 for a bad query on the JSON API.
type queryErrorJSON struct {
	Error    string `json:"error"`
	Position int    `json:"position"` // byte offset in q, from 0
}

// apiFlowSearch is GET /api/flows (see apiFlowList): a query that does not
// parse is a 400 with the byte offset in q where the problem starts.
func (h *handler) apiFlowSearch(c echo.Context) error {
	return apiQueryError(c, h.apiFlowList(c))
}

// apiQueryError answers a *store.QueryError about the request's q as a 400
// {"error","position"}; other errors are returned as they are.
func apiQueryError(c echo.Context, err error) error {
	var qe *store.QueryError
	if err == nil || !errors.As(err, &qe) {
		return err
	}
	q := c.QueryParam("q")
	lead := len(q) - len(strings.TrimLeftFunc(q, unicode.IsSpace)) // parseSearch trims q
	return c.JSON(http.StatusBadRequest, queryErrorJSON{Error: "bad query: " + qe.Error(), Position: lead + qe.Pos})
}
