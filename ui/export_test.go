package ui

import (
	"strings"
	"testing"
	"time"

	"github.com/eventscope/eventscope/graph"
)

func TestFlowExport(t *testing.T) {
	ts := newTestServer(t, Options{})
	f := graph.Build(newFakeStore(pizzaFlow()...).events, graph.Options{Now: t0.Add(time.Hour)})
	for _, tc := range []struct {
		target, ctype, file, body string
	}{
		{ExportURL("ord-1", "dot"), "text/vnd.graphviz; charset=utf-8", "flow-ord-1.dot", graph.DOT(f)},
		{ExportURL("ord-1", "mermaid"), "text/vnd.mermaid; charset=utf-8", "flow-ord-1.mmd", graph.Mermaid(f)},
		{ExportURL("ord-1", "json"), "application/json", "flow-ord-1.json", ""},
		{ExportURL("key:cust/42", "dot"), "text/vnd.graphviz; charset=utf-8", "flow-key_cust_42.dot", ""},
		{ExportURL("tenant/a b%2F?#x", "mermaid"), "text/vnd.mermaid; charset=utf-8", "flow-tenant_a_b_2F__x.mmd", ""},
	} {
		rec := ts.get(t, tc.target)
		if rec.Code != 200 {
			t.Errorf("%s: %d %.200s", tc.target, rec.Code, rec.Body)
			continue
		}
		if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, tc.ctype) {
			t.Errorf("%s: Content-Type %q, want %q", tc.target, ct, tc.ctype)
		}
		if cd := rec.Header().Get("Content-Disposition"); cd != `attachment; filename="`+tc.file+`"` {
			t.Errorf("%s: Content-Disposition %q", tc.target, cd)
		}
		if tc.body != "" && rec.Body.String() != tc.body {
			t.Errorf("%s: body\n%s\nwant\n%s", tc.target, rec.Body, tc.body)
		}
	}
	var body flowJSON
	decodeJSON(t, ts.get(t, ExportURL("ord-1", "json")), &body)
	if body.CorrelationID != "ord-1" || len(body.Events) != 6 || len(body.Edges) != 3 || len(body.Anomalies) != 3 {
		t.Errorf("JSON export: %s, %d events, %d edges, %d anomalies", body.CorrelationID, len(body.Events), len(body.Edges), len(body.Anomalies))
	}
	for target, code := range map[string]int{
		"/flows/ord-1/export":             400,
		"/flows/ord-1/export?format=svg":  400,
		ExportURL("nope", "dot"):          404,
		"/flows/ord-1%2Fexport":           404, // a flow named "ord-1/export"
		"/flows/ord-1/export?format=dot ": 400,
	} {
		if rec := ts.get(t, strings.ReplaceAll(target, " ", "%20")); rec.Code != code {
			t.Errorf("%s: %d, want %d", target, rec.Code, code)
		}
	}
	// the flow page links every format
	doc := parseHTML(t, ts.get(t, "/flows/ord-1").Body.String())
	got := attrs(doc, `[data-testid="export-links"] a`, "href")
	want := []string{"/flows/ord-1/export?format=dot", "/flows/ord-1/export?format=mermaid", "/flows/ord-1/export?format=json"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("export links = %q", got)
	}
}
