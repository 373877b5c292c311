package ui

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// eventShow renders one event with links to its cause and effects. When
// its ID occurs in several flows the page lists them (?flow= picks one).
func (h *handler) eventShow(c echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	rel, err := h.loadEvent(c.Request().Context(), id, c.QueryParam("flow"))
	if err != nil {
		return err
	}
	e := &rel.records[0]
	var cause *eventLinkView
	if len(rel.causes) > 0 {
		l := eventLinker(&rel.causes[0])
		cause = &l
	}
	effects := make([]eventLinkView, 0, len(rel.effects))
	for i := range rel.effects {
		effects = append(effects, eventLinker(&rel.effects[i]))
	}
	dups := make([]string, 0, len(rel.records)-1)
	for i := range rel.records[1:] {
		dups = append(dups, rel.records[i+1].Coordinates())
	}
	v := detailFor(e, cause, effects, dups)
	if i := recordIndex(rel.flow, e); i >= 0 {
		v.Diff = buildDiff(rel.flow, i, eventLinker)
	}
	ds, dErr, err := h.deliveries(c.Request().Context(), e)
	if err != nil {
		return err
	}
	dv := deliveriesViewOf(ds, dErr)
	v.Deliveries = &dv
	return render(c, http.StatusOK, eventPage(pageMeta{Title: "Event " + label(e)}, v, flowChoices(id, rel)))
}
