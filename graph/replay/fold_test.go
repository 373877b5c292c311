package replay_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/eventscope/eventscope/graph/replay"
)

func TestFold(t *testing.T) {
	type want struct {
		state   string
		changes []string
		skipped bool
		note    string // substring of Note
	}
	tests := []struct {
		name     string
		payloads []string // one event each, all with Kafka key "k"
		want     []want
	}{{
		name: "nested objects merge recursively",
		payloads: []string{
			`{"data":{"orderId":"o1","status":"placed","customer":{"id":"c1","name":"Ann"}}}`,
			`{"data":{"status":"paid","customer":{"name":"Anna","tier":"gold"}}}`,
		},
		want: []want{
			{state: `{"customer":{"id":"c1","name":"Ann"},"orderId":"o1","status":"placed"}`,
				changes: []string{`added customer null->{"id":"c1","name":"Ann"}`, `added orderId null->"o1"`, `added status null->"placed"`}},
			{state: `{"customer":{"id":"c1","name":"Anna","tier":"gold"},"orderId":"o1","status":"paid"}`,
				changes: []string{`changed customer.name "Ann"->"Anna"`, `added customer.tier null->"gold"`, `changed status "placed"->"paid"`}},
		},
	}, {
		name:     "arrays replace, equal values change nothing",
		payloads: []string{`{"data":{"items":[1,2],"n":1}}`, `{"data":{"items":[3],"n":1}}`, `{"data":{"items":[3]}}`},
		want: []want{
			{state: `{"items":[1,2],"n":1}`, changes: []string{`added items null->[1,2]`, `added n null->1`}},
			{state: `{"items":[3],"n":1}`, changes: []string{`changed items [1,2]->[3]`}},
			{state: `{"items":[3],"n":1}`},
		},
	}, {
		name: "null removes, also nested; null for a missing member is nothing",
		payloads: []string{
			`{"data":{"a":1,"b":{"c":2,"d":3},"keep":true}}`,
			`{"data":{"a":null,"b":{"c":null},"x":null}}`,
			`{"data":{"b":null}}`,
		},
		want: []want{
			{state: `{"a":1,"b":{"c":2,"d":3},"keep":true}`, changes: []string{`added a null->1`, `added b null->{"c":2,"d":3}`, `added keep null->true`}},
			{state: `{"b":{"d":3},"keep":true}`, changes: []string{`removed a 1->null`, `removed b.c 2->null`}},
			{state: `{"keep":true}`, changes: []string{`removed b {"d":3}->null`}},
		},
	}, {
		name:     "a new object drops its nulls; an object replaces a scalar",
		payloads: []string{`{"data":{"s":"x"}}`, `{"data":{"n":{"p":null,"q":{"r":null,"z":1}},"s":{"v":null,"w":2}}}`},
		want: []want{
			{state: `{"s":"x"}`, changes: []string{`added s null->"x"`}},
			{state: `{"n":{"q":{"z":1}},"s":{"w":2}}`, changes: []string{`added n null->{"q":{"z":1}}`, `changed s "x"->{"w":2}`}},
		},
	}, {
		name: "payloads that are not JSON objects are skipped with a note",
		payloads: []string{
			`{"data":{"v":1}}`, `hello, not JSON`, "\x00\x01\xfe", ``, `[1,2]`, `{"data":"text"}`, `{"data":null}`,
			`{"data_base64":"AAE="}`, `{"data":{"v":2}`,
		},
		want: []want{
			{state: `{"v":1}`, changes: []string{`added v null->1`}},
			{state: `{"v":1}`, skipped: true, note: "payload is not JSON (text)"},
			{state: `{"v":1}`, skipped: true, note: "payload is not JSON (base64)"},
			{state: `{"v":1}`, skipped: true, note: "empty payload"},
			{state: `{"v":1}`, skipped: true, note: "payload is a JSON array, not an object"},
			{state: `{"v":1}`, skipped: true, note: "data is a JSON string"},
			{state: `{"v":1}`, skipped: true, note: "data is a JSON null"},
			{state: `{"v":1}`, skipped: true, note: "data_base64"},
			{state: `{"v":1}`, skipped: true, note: "payload is not JSON (text)"},
		},
	}, {
		name:     "a skipped first step has no state yet",
		payloads: []string{`plain`, `{"v":1}`},
		want: []want{
			{state: `null`, skipped: true, note: "not JSON"},
			{state: `{"v":1}`, changes: []string{`added v null->1`}},
		},
	}, {
		name: "without data the whole object minus the envelope folds",
		payloads: []string{
			`{"metadata":{"eventId":"e1"},"eventId":"e1","correlation_id":"c","Event-Type":"X","timestamp":"t","id":"biz","type":"pizza","status":"a"}`,
			`{"specversion":"1.0","id":"ce1","type":"X","source":"s","time":"t","subject":"o","status":"b"}`,
			`{"messageId":"m1","conversationId":"c","message":{"status":"c","total":9.50}}`,
		},
		want: []want{
			{state: `{"id":"biz","status":"a","type":"pizza"}`, changes: []string{`added id null->"biz"`, `added status null->"a"`, `added type null->"pizza"`}},
			{state: `{"id":"biz","status":"b","type":"pizza"}`, changes: []string{`changed status "a"->"b"`}},
			{state: `{"id":"biz","status":"c","total":9.50,"type":"pizza"}`, changes: []string{`changed status "b"->"c"`, `added total null->9.50`}},
		},
	}, {
		name:     "keys with dots are escaped in paths",
		payloads: []string{`{"data":{"a.b":{"c\\d":1}}}`, `{"data":{"a.b":{"c\\d":2}}}`},
		want: []want{
			{state: `{"a.b":{"c\\d":1}}`, changes: []string{`added a\.b null->{"c\\d":1}`}},
			{state: `{"a.b":{"c\\d":2}}`, changes: []string{`changed a\.b.c\\d 1->2`}},
		},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var evs = make([]eventT, 0, len(tc.payloads))
			for i, p := range tc.payloads {
				evs = append(evs, ev("e"+string(rune('a'+i)), "", "T", "k", i*10, p))
			}
			steps := replay.Steps(evs, replay.Options{})
			if len(steps) != len(tc.want) {
				t.Fatalf("%d steps, want %d", len(steps), len(tc.want))
			}
			for i, w := range tc.want {
				s := steps[i]
				if got := state(t, s); got != w.state {
					t.Errorf("step %d state = %s, want %s", i, got, w.state)
				}
				if diff := cmp.Diff(w.changes, changes(t, s)); diff != "" {
					t.Errorf("step %d changes (-want +got):\n%s", i, diff)
				}
				if s.Skipped != w.skipped || !strings.Contains(s.Note, w.note) || (w.note == "" && s.Note != "") {
					t.Errorf("step %d skipped %v note %q, want %v %q", i, s.Skipped, s.Note, w.skipped, w.note)
				}
				if s.Entity != "k" {
					t.Errorf("step %d entity %q, want the Kafka key", i, s.Entity)
				}
			}
		})
	}
}

// TestFoldSharesState checks that a step never changes an earlier step's
// state and that untouched objects are shared, not copied.
func TestFoldSharesState(t *testing.T) {
	steps := replay.Steps([]eventT{
		ev("e1", "", "T", "k", 0, `{"data":{"a":{"x":1},"b":{"y":1}}}`),
		ev("e2", "", "T", "k", 1, `{"data":{"a":{"x":2}}}`),
	}, replay.Options{})
	if got := state(t, steps[0]); got != `{"a":{"x":1},"b":{"y":1}}` {
		t.Errorf("step 0 state changed to %s", got)
	}
	b0, b1 := steps[0].State["b"].(map[string]any), steps[1].State["b"].(map[string]any)
	b1["probe"] = true
	if _, ok := b0["probe"]; !ok {
		t.Errorf("untouched object b was copied, want it shared")
	}
}

func TestEntities(t *testing.T) {
	evs := []eventT{
		ev("e1", "", "OrderPlaced", "kA", 0, `{"data":{"orderId":"A","status":"placed"}}`),
		ev("e2", "", "OrderPlaced", "kB", 10, `{"data":{"orderId":"B","status":"placed"}}`),
		ev("e3", "", "OrderPaid", "kA", 20, `{"data":{"orderId":"A","status":"paid"}}`),
		ev("e4", "", "OrderPaid", "kB", 30, `{"orderId":"B","status":"paid"}`),         // no data: whole value
		ev("e5", "", "Audit", "kA", 40, `{"data":{"note":"no order id"}}`),             // no entity key
		ev("e6", "", "Weird", "kB", 50, `{"data":{"orderId":42,"status":"numbered"}}`), // a number key
	}
	tests := []struct {
		key      string
		entities []string
		final    []replay.EntityState
		note     string // of e5
	}{
		{key: "", entities: []string{"kA", "kB", "kA", "kB", "kA", "kB"}},
		{key: "data.orderId", entities: []string{"A", "B", "A", "B", "", "42"}, note: "no data.orderId in the payload"},
	}
	for _, tc := range tests {
		t.Run("key="+tc.key, func(t *testing.T) {
			steps := replay.Steps(evs, replay.Options{EntityKey: tc.key})
			var got []string
			for _, s := range steps {
				got = append(got, s.Entity)
			}
			if diff := cmp.Diff(tc.entities, got); diff != "" {
				t.Errorf("entities (-want +got):\n%s", diff)
			}
			if !strings.Contains(steps[4].Note, tc.note) || steps[4].Skipped {
				t.Errorf("e5 note %q skipped %v, want %q and folded", steps[4].Note, steps[4].Skipped, tc.note)
			}
		})
	}
	steps := replay.Steps(evs, replay.Options{EntityKey: "data.orderId"})
	got := map[string]string{}
	var order []string
	for _, es := range replay.State(steps, 3) {
		got[es.Entity] = compact(t, es.State)
		order = append(order, es.Entity)
	}
	want := map[string]string{"A": `{"orderId":"A","status":"paid"}`, "B": `{"orderId":"B","status":"paid"}`}
	if diff := cmp.Diff(want, got); diff != "" || !cmp.Equal(order, []string{"A", "B"}) {
		t.Errorf("State at step 3 %v (-want +got):\n%s", order, diff)
	}
	if m := replay.StateMap(steps, 0); len(m) != 1 || compact(t, m["A"]) != `{"orderId":"A","status":"placed"}` {
		t.Errorf("StateMap at step 0 = %s", compact(t, m))
	}
	bad := replay.Steps(evs[:1], replay.Options{EntityKey: "data..x"})
	if !strings.Contains(bad[0].Note, "bad JSON path") || bad[0].Entity != "" {
		t.Errorf("bad path: entity %q note %q", bad[0].Entity, bad[0].Note)
	}
}

func TestPaths(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
		err  bool
	}{
		{in: "data.orderId", want: []string{"data", "orderId"}},
		{in: `a\.b.c\\d`, want: []string{"a.b", `c\d`}},
		{in: "items.0.sku", want: []string{"items", "0", "sku"}},
		{in: "", err: true}, {in: "a.", err: true}, {in: ".a", err: true}, {in: `a\`, err: true},
	} {
		got, err := replay.ParsePath(tc.in)
		if (err != nil) != tc.err || !cmp.Equal(got, tc.want) {
			t.Errorf("ParsePath(%q) = %q, %v", tc.in, got, err)
		}
		if err == nil {
			p := ""
			for _, k := range got {
				p = replay.JoinPath(p, k)
			}
			if p != tc.in {
				t.Errorf("JoinPath of %q = %q", got, p)
			}
		}
	}
}

func TestTrailingData(t *testing.T) {
	for _, p := range []string{`{"a":1} {"b":2}`, `{"a":1}}`, `{"a":1} x`} {
		s := replay.Steps([]eventT{ev("e", "", "T", "k", 0, p)}, replay.Options{})
		if !s[0].Skipped || !strings.Contains(s[0].Note, "not JSON") {
			t.Errorf("%s: skipped %v note %q", p, s[0].Skipped, s[0].Note)
		}
	}
	if s := replay.Steps([]eventT{ev("e", "", "T", "k", 0, " {\"a\":1}\n ")}, replay.Options{}); s[0].Skipped {
		t.Errorf("white space around JSON: %s", s[0].Note)
	}
}
