package ui

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/eventscope/eventscope/event"
)

// replayBody mirrors the JSON of GET /api/flows/{id}/replay as a client
// reads it.
type replayBody struct {
	CorrelationID string `json:"correlation_id"`
	Order         string `json:"order"`
	EntityKey     string `json:"entity_key"`
	OrdersDiffer  bool   `json:"orders_differ"`
	Steps         []struct {
		EventID      string                    `json:"event_id"`
		Time         string                    `json:"time"`
		State        map[string]map[string]any `json:"state"`
		Index        int                       `json:"index"`
		Type         string                    `json:"type"`
		Coordinates  string                    `json:"coordinates"`
		ArrivalTime  string                    `json:"arrival_time"`
		TimeIndex    int                       `json:"time_index"`
		ArrivalIndex int                       `json:"arrival_index"`
		Moved        bool                      `json:"moved"`
		Entity       string                    `json:"entity"`
		Changed      []string                  `json:"changed"`
		Removed      []string                  `json:"removed"`
		Changes      []struct {
			Path, Op string
			Old, New any
		} `json:"changes"`
		Skipped      bool   `json:"skipped"`
		Note         string `json:"note"`
		Anomalies    []struct{ Kind string }
		NewAnomalies []struct {
			Kind     string   `json:"kind"`
			EventIDs []string `json:"event_ids"`
		} `json:"new_anomalies"`
		ResolvedAnomalies []any `json:"resolved_anomalies"`
	} `json:"steps"`
}

func TestReplayAPI(t *testing.T) {
	ts := newReplayServer(t)
	rec := ts.get(t, "/api"+ReplayURL(replayFlowID))
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	var b replayBody
	decodeJSON(t, rec, &b)
	if b.CorrelationID != replayFlowID || b.Order != "time" || b.EntityKey != "" || !b.OrdersDiffer || len(b.Steps) != 6 {
		t.Fatalf("header %+v, %d steps", b, len(b.Steps))
	}
	var got []string
	for _, s := range b.Steps {
		got = append(got, s.EventID+" "+s.Type)
	}
	if want := []string{"r1 OrderPlaced", "r2 PizzaPrepared", "r2 PizzaPrepared", "r3 PaymentFailed",
		"r4 OrderCancelled", "r5 AuditLogged"}; !cmp.Equal(got, want) {
		t.Errorf("steps %v", got)
	}
	s := b.Steps[4] // OrderCancelled
	if s.Time != "2026-11-23T10:00:00.7Z" || s.Index != 4 || s.Entity != replayFlowID || s.Coordinates != "orders/0/11" ||
		s.TimeIndex != 4 || s.ArrivalIndex != 4 || s.Moved || s.ArrivalTime != "2026-11-23T10:00:01.004Z" {
		t.Errorf("step 4: %+v", s)
	}
	if !cmp.Equal(s.Changed, []string{"cancelReason", "status"}) || !cmp.Equal(s.Removed, []string{"kitchenStatus"}) {
		t.Errorf("step 4 changed %v removed %v", s.Changed, s.Removed)
	}
	if len(s.Changes) != 3 || s.Changes[2].Path != "status" || s.Changes[2].Old != "placed" || s.Changes[2].New != "cancelled" {
		t.Errorf("step 4 changes %+v", s.Changes)
	}
	st := s.State[replayFlowID]
	if st["status"] != "cancelled" || st["paymentStatus"] != "failed" || st["total"] != 19.5 || st["kitchenStatus"] != nil {
		t.Errorf("state after OrderCancelled: %v", st)
	}
	if b.Steps[0].State[replayFlowID]["status"] != "placed" || len(b.Steps[0].Changed) != 5 {
		t.Errorf("step 0 keeps its own state: %v, changed %v", b.Steps[0].State, b.Steps[0].Changed)
	}
	if d := b.Steps[2]; len(d.NewAnomalies) != 1 || d.NewAnomalies[0].Kind != "duplicate" ||
		!cmp.Equal(d.NewAnomalies[0].EventIDs, []string{"r2"}) || len(d.Anomalies) != 1 {
		t.Errorf("duplicate at step 2: %+v", d)
	}
	if a := b.Steps[5]; !a.Skipped || !strings.Contains(a.Note, "not JSON") || a.Changed == nil || a.Removed == nil ||
		a.Changes == nil || a.ResolvedAnomalies == nil || len(a.State) != 1 {
		t.Errorf("skipped step: %+v", a)
	}
	if b.Steps[1].Moved || !b.Steps[3].Moved || b.Steps[3].ArrivalIndex != 1 {
		t.Errorf("moved: %+v", b.Steps[3])
	}
}

func TestReplayAPIParams(t *testing.T) {
	ts := newReplayServer(t)
	var b replayBody
	decodeJSON(t, ts.get(t, "/api"+ReplayURL(replayFlowID)+"?order=arrival&entity=data.orderId&state=entity"), &b)
	var got []string
	for _, s := range b.Steps {
		got = append(got, s.EventID)
		if len(s.State) > 1 || s.Entity != "pizza-1" && s.EventID != "r5" {
			t.Errorf("step %s: entity %q, state %v", s.EventID, s.Entity, s.State)
		}
	}
	if b.Order != "arrival" || b.EntityKey != "data.orderId" || !cmp.Equal(got, []string{"r1", "r3", "r2", "r2", "r4", "r5"}) {
		t.Errorf("order %s key %s steps %v", b.Order, b.EntityKey, got)
	}
	if last := b.Steps[5]; last.Entity != "" || len(last.State) != 0 {
		t.Errorf("the audit record (no JSON) has entity %q state %v", last.Entity, last.State)
	}
	var none replayBody
	decodeJSON(t, ts.get(t, "/api"+ReplayURL(replayFlowID)+"?state=none"), &none)
	if len(none.Steps) != 6 || len(none.Steps[3].State) != 0 {
		t.Errorf("state=none: %v", none.Steps)
	}
	if rec := ts.get(t, "/api"+ReplayURL(replayFlowID)+"?state=some"); rec.Code != 400 {
		t.Errorf("state=some: %d", rec.Code)
	}
}

// TestReplayManyEntities: the state panel shows the entities touched last
// and says how many it leaves out.
func TestReplayManyEntities(t *testing.T) {
	evs := replayFlow1k()
	ts := newTestServer(t, Options{Store: newFakeStore(evs...)})
	doc := parseHTML(t, ts.get(t, ReplayURL("batch-1000")+"?step=500").Body.String())
	shown := attrs(doc, `[data-testid="entity-state"]`, "data-entity")
	current := attrs(doc, `[data-testid="entity-state"][data-current="true"]`, "data-entity")
	omitted := texts(doc, `[data-testid="replay-entities-omitted"]`)
	if len(shown) != maxStateEntities || len(current) != 1 || len(omitted) != 1 || !strings.HasPrefix(omitted[0], "38 more entities") {
		t.Errorf("shown %v current %v omitted %v", shown, current, omitted)
	}
	if open := attrs(doc, `[data-testid="entity-state"][open]`, "data-entity"); !cmp.Equal(open, current) {
		t.Errorf("open entities %v, want only the current %v", open, current)
	}
	if rows := doc.Find(`[data-testid="replay-row"]`).Length(); rows != 1000 {
		t.Errorf("%d rows, want 1000", rows)
	}
}

// TestReplayAPIManyEntities: a flow whose state=all answer would repeat too
// many entity states asks for state=entity, which works.
func TestReplayAPIManyEntities(t *testing.T) {
	var evs []event.Event
	for i := 0; i < 800; i++ { // 800 entities: 320,400 states repeated
		e := ev(fmt.Sprintf("m%d", i), "many", "", "Touched", "svc", "t", 0, int64(i), i)
		e.Key = fmt.Sprintf("k%d", i)
		e.Payload = []byte(`{"data":{"n":` + strconv.Itoa(i) + `}}`)
		e.PayloadSize = len(e.Payload)
		evs = append(evs, e)
	}
	ts := newTestServer(t, Options{Store: newFakeStore(evs...)})
	rec := ts.get(t, "/api"+ReplayURL("many"))
	if rec.Code != 400 || !strings.Contains(rec.Body.String(), "320400 entity states") {
		t.Errorf("state=all: %d %s", rec.Code, rec.Body)
	}
	var b replayBody
	decodeJSON(t, ts.get(t, "/api"+ReplayURL("many")+"?state=entity"), &b)
	if len(b.Steps) != 800 || len(b.Steps[799].State) != 1 || b.Steps[799].State["k799"]["n"] != 799.0 {
		t.Errorf("state=entity: %d steps, last %v", len(b.Steps), b.Steps[len(b.Steps)-1].State)
	}
}
