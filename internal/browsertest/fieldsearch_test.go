package browsertest

import (
	"slices"
	"strings"
	"testing"
)

// fieldSearch types payload field searches into the search box of the
// demo at base and follows a field suggestion: after type:OrderPlaced the
// page lists the type's payload fields; clicking the customer.id one
// searches with has: it and lists flows; a comparison
// every order meets lists flows, one none meets lists none.
func fieldSearch(t *testing.T, b *Browser, base string) {
	input := `[data-testid=search-form] input[name=q]`
	b.Navigate(base + "/search")
	b.Submit(input, "type:OrderPlaced")
	b.WaitVisible(`[data-testid=field-suggestion]`)
	terms := Eval[[]string](b, `Array.from(document.querySelectorAll("[data-testid=field-suggestion]")).map(a => a.dataset.term)`)
	// The demo's records carry the order either as the payload or inside
	// an envelope's "data": find where customer.id is.
	id := ""
	for _, term := range terms {
		if strings.HasSuffix(term, ".customer.id") {
			id = term
			break
		}
	}
	if id == "" {
		t.Fatalf("suggestions %q lack a customer.id", terms)
	}
	at := strings.TrimSuffix(id, "customer.id") // "payload." or "payload.data."
	for _, want := range []string{at + "items.quantity", at + "total"} {
		if !slices.Contains(terms, want) {
			t.Errorf("suggestions %q lack %s", terms, want)
		}
	}
	b.Screenshot("field-suggestions.png")
	// Follow the link as a click would (a click races the poll with the
	// page it replaces: "Cannot find context").
	href := Eval[string](b, `document.querySelector('[data-testid=field-suggestion][data-term="`+id+`"]').href`)
	b.Navigate(href)
	if !strings.Contains(b.Location(), "has%3A"+id) {
		t.Errorf("the suggestion leads to %s", b.Location())
	}
	if q := Eval[string](b, `document.querySelector("[data-testid=search-form] input[name=q]").value`); q != "type:OrderPlaced has:"+id {
		t.Errorf("search box after the suggestion holds %q", q)
	}
	if n := Eval[int](b, `document.querySelectorAll("[data-testid=flow-row]").length`); n == 0 {
		t.Error("following the suggestion lists no flow")
	}
	b.Screenshot("field-suggestion-followed.png")

	// search types q and waits for its results page (its box holds q).
	search := func(q string) {
		b.Submit(input, q)
		b.WaitVisible(`[data-testid=search-form] input[name=q][value="` + q + `"]`)
	}
	search("type:OrderPlaced " + at + "total>0 " + at + "items.quantity>=1")
	if n := Eval[int](b, `document.querySelectorAll("[data-testid=flow-row]").length`); n == 0 {
		t.Error("a field search every order meets lists no flow")
	}
	b.Screenshot("field-search.png")
	for _, q := range []string{at + "total<0", "has:payload.no.such.field"} {
		search(q)
		if n := Eval[int](b, `document.querySelectorAll("[data-testid=search-empty]").length`); n != 1 {
			t.Errorf("%s: no empty result", q)
		}
	}
}
