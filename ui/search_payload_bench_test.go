package ui

import (
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/eventscope/eventscope/sqlite"
)

// envBenchIndexes names the optional payload indexes the search benchmark
// opens its store with: "text", "fields", both comma-separated, or "none"
// (drops them); unset leaves the file as it is.
const envBenchIndexes = "EVENTSCOPE_SEARCH_BENCH_INDEXES"

func benchIndexes(b *testing.B) []sqlite.Option {
	v := os.Getenv(envBenchIndexes)
	if v == "" {
		return nil
	}
	on := map[string]bool{}
	for _, s := range strings.Split(v, ",") {
		switch s {
		case "text", "fields":
			on[s] = true
		case "none":
		default:
			b.Fatalf("%s=%q: want text, fields, both or none", envBenchIndexes, v)
		}
	}
	return []sqlite.Option{sqlite.WithTextIndex(on["text"]), sqlite.WithFieldIndex(on["fields"])}
}

// benchPayload is the i-th event's payload, ~300 bytes of order JSON: the
// customer (one of 50k), the flow's status, a total, items with
// quantities, and, in one flow of 100, the reason "card declined".
func benchPayload(i, flow, step int) []byte {
	status := "placed"
	if flow%100 == 7 && step == 8 {
		status = "failed: card declined by issuer"
	}
	p := fmt.Sprintf(`{"orderId":"ord-%07d","step":%d,"customer":{"id":"cus-%d","name":"Customer %d"},"status":%q,`+
		`"total":%d.%02d,"currency":"EUR","items":[{"sku":"pz-%d","quantity":%d,"unitPrice":%d.50},{"sku":"dr-%d","quantity":1}],"note":"`,
		flow, step, flow%50_000, flow%50_000, status, 5+i%200, i%100, i%37, 1+i%3, 8+i%9, i%11)
	const pad = "extra cheese no onions ring the bell twice leave at the door thank you "
	for len(p) < 290 {
		p += pad[:min(len(pad), 290-len(p))]
	}
	return []byte(p + `"}`)
}

// payloadSearches are BenchmarkSearch's payload text and field searches,
// each matching (many flows, or a few) and matching nothing.
func payloadSearches() []searchKind {
	api := func(q string) func() string { return func() string { return "/api/flows?q=" + url.QueryEscape(q) } }
	return []searchKind{
		{"text_common", api(`"ring the bell"`), http.StatusOK},
		{"text_rare", api(`"card declined"`), http.StatusOK},
		{"text_none", api(`"card swallowed"`), http.StatusOK},
		{"field_common", api("payload.items.quantity>=2"), http.StatusOK},
		{"field_rare", api("payload.customer.id:cus-4242"), http.StatusOK},
		{"field_none_value", api("payload.customer.id:cus-nope"), http.StatusOK},
		{"field_none_number", api("payload.total>100000"), http.StatusOK},
		{"has_none", api("has:payload.refund"), http.StatusOK},
	}
}
