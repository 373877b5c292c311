package ui

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/eventscope/eventscope/store"
)

// searchList is the search page. An empty query shows the box. A single
// token that names a flow or an event exactly redirects (303) to it, and a
// Kafka key shared by one flow to that flow. Anything else is parsed as the
// search language (store.ParseQuery; "*" lists all flows) and the matching
// flows are listed, newest first, a page at a time ("Next" carries the
// cursor). A query that does not parse is a 400 showing the message under
// the box with the error's position marked.
func (h *handler) searchList(c echo.Context) error {
	ctx := c.Request().Context()
	q := strings.TrimSpace(c.QueryParam("q"))
	m := pageMeta{Title: "Search", Active: "/search", Query: q}
	if q == "" {
		return render(c, http.StatusOK, searchPage(m, searchPageView{}))
	}
	cursor := c.QueryParam("cursor")
	if cursor == "" && !strings.ContainsAny(q, " \t\r\n") && q != "*" {
		if to, err := h.jump(c, q); err != nil || to != "" {
			if err != nil {
				return err
			}
			return c.Redirect(http.StatusSeeOther, to)
		}
	}
	fq, err := parseSearch(q, h.now())
	if qe := queryErrorOf(q, err); qe != nil {
		m.Title = "Bad query"
		return render(c, http.StatusBadRequest, searchPage(m, searchPageView{Query: q, Error: qe}))
	}
	if err != nil {
		return err
	}
	fq.Cursor = cursor
	page, err := h.store.Flows(ctx, fq)
	if err != nil {
		return fmt.Errorf("search flows %q: %w", q, err)
	}
	if err := h.markTruncated(ctx, fq, page.Flows); err != nil {
		return fmt.Errorf("search flows %q: %w", q, err)
	}
	v := searchPageView{Query: q, Searched: true, Flows: flowRows(h.now(), page.Flows), Paged: cursor != "", ScanCut: page.ScanCut}
	for _, f := range page.Flows {
		if f.PayloadTruncated {
			v.Truncated++
		}
	}
	if v.Fields, err = h.fieldSuggestions(ctx, q, fq); err != nil {
		return err
	}
	if page.NextCursor != "" {
		v.NextURL = SearchURL(q) + "&cursor=" + url.QueryEscape(page.NextCursor)
	}
	v.Count = resultCount(len(page.Flows), v.Paged, v.NextURL != "")
	return render(c, http.StatusOK, searchPage(m, v))
}

// resultCount says how many flows a page of results shows. The store
// pages by cursor and does not count the whole match, so a page with more
// after it says so rather than guessing a total.
func resultCount(n int, paged, more bool) string {
	flows := plural(n, "flow")
	switch {
	case more:
		return flows + " on this page, newest first; more on the next page"
	case paged:
		return flows + " on this last page"
	case n == 1:
		return "1 flow matches"
	default:
		return flows + " match, newest first"
	}
}

// searchPageView is the search page: the box, and results once searched.
type searchPageView struct {
	Query    string
	Searched bool
	Error    *queryErrorView // the query did not parse
	Flows    []flowRowView
	Paged    bool              // this is not the first page
	NextURL  string            // next page of results; empty on the last
	Count    string            // "3 flows match, newest first"
	Fields   []fieldSuggestion // payload fields of the type searched for
	// Truncated: flows listed that a payload search found by a payload
	// cut at the size limit.
	Truncated int
	// ScanCut: the store stopped the search at its time budget
	// (store.FlowPage.ScanCut).
	ScanCut bool
}

// scanCutNote says that a search stopped at its time budget, with n
// matches so far, and whether the next page goes on from there.
func scanCutNote(n int, more bool) string {
	s := "The search stopped at its time limit before it had looked at every flow"
	if n > 0 {
		s += ": these are the matches found so far"
	}
	if more {
		return s + ". Next → goes on from where it stopped."
	}
	return s + ". Narrow it (a type:, a shorter window with after:) to search everything."
}

// truncatedNote says that n listed flows were searched by a cut payload.
func truncatedNote(n int) string {
	flows := strconv.Itoa(n) + " of these flows hold"
	if n == 1 {
		flows = "1 of these flows holds"
	}
	return flows + " a payload cut at the size limit: it was searched as stored, so what came after the cut is not found."
}

// jump returns where a bare token leads when it names a flow, an event or a
// key of a single flow exactly; "" when it should be listed instead.
func (h *handler) jump(c echo.Context, token string) (string, error) {
	ctx := c.Request().Context()
	res, err := h.store.Resolve(ctx, token)
	switch {
	case errors.Is(err, store.ErrNotFound):
		return "", nil
	case err != nil:
		return "", fmt.Errorf("resolve %q: %w", token, err)
	case res.Match == store.MatchEvent:
		return FlowEventURL(res.FlowID, res.EventID), nil
	case res.Match == store.MatchKey:
		// a key may be shared by many flows: jump only when it is one
		page, err := h.store.Flows(ctx, store.FlowQuery{
			Terms: []store.Term{{Field: store.FieldKey, Value: token}}, Limit: 2})
		if err != nil {
			return "", fmt.Errorf("list flows with key %q: %w", token, err)
		}
		if len(page.Flows) > 1 {
			return "", nil
		}
	}
	return FlowURL(res.FlowID), nil
}
