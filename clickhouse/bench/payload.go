package main

import (
	"flag"
	"fmt"
	"log"
	"math/rand/v2"
	"net/url"
	"regexp"
)

var onlyPages = flag.String("pages", "", "measure only the pages whose name matches this regular expression (e.g. 'text|payload'; default: all)")

// measured reports whether -pages selects p.
func measured(p page) bool {
	if *onlyPages == "" {
		return true
	}
	re, err := regexp.Compile(*onlyPages)
	if err != nil {
		log.Fatalf("-pages %q: %v", *onlyPages, err)
	}
	return re.MatchString(p.name)
}

// payloadPages are the payload text and field searches of issue 23, each
// matching and matching nothing, over the default 24 h window (the
// generator's payloads: {"eventId","eventType","producer","data":
// {"orderId","step","note"}}).
func payloadPages(k *known) []page {
	search := func(q string) func(*rand.Rand) string {
		return func(*rand.Rand) string { return "/api/flows?q=" + url.QueryEscape(q+" after:-24h") }
	}
	return []page{
		{"text common", "p99 < 300 ms", search(`"xxxxxxxx"`), false},
		{"text <absent>", "p99 < 300 ms", search(`"card swallowed"`), false},
		{"payload.data.step>=1 (common)", "p99 < 300 ms", search("payload.data.step>=1"), false},
		{"payload.data.orderId:<flow ID>", "p99 < 300 ms", func(r *rand.Rand) string {
			return "/api/flows?q=" + url.QueryEscape("payload.data.orderId:"+k.flows[r.IntN(len(k.flows))]+" after:-24h")
		}, true},
		{"payload.data.orderId:<absent>", "p99 < 300 ms", func(r *rand.Rand) string {
			return "/api/flows?q=" + url.QueryEscape(fmt.Sprintf("payload.data.orderId:none-%d after:-24h", r.Int()))
		}, true},
		{"payload.data.step>1000 (absent value)", "p99 < 300 ms", search("payload.data.step>1000"), false},
		{"has:payload.refund (absent field)", "p99 < 300 ms", search("has:payload.refund"), false},
	}
}
