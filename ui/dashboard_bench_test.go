package ui

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"
)

// BenchmarkPages measures the store-wide pages on the search benchmark's
// store (see BenchmarkSearch for the environment variables): the
// dashboard, the service map, and the live page's server-rendered list.
func BenchmarkPages(b *testing.B) {
	st, n := benchStore(b)
	h := New(Options{Store: st, Live: NewLive(1, 0)})
	for _, path := range []string{"/", "/services", "/live", "/api/services"} {
		b.Run(path, func(b *testing.B) {
			lat := make([]time.Duration, 0, b.N)
			for b.Loop() {
				rec := httptest.NewRecorder()
				t := time.Now()
				h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
				lat = append(lat, time.Since(t))
				if rec.Code != http.StatusOK {
					b.Fatalf("%s: status %d: %.300s", path, rec.Code, rec.Body)
				}
			}
			slices.Sort(lat)
			ms := func(q float64) float64 { return float64(lat[int(q*float64(len(lat)-1))].Microseconds()) / 1000 }
			b.ReportMetric(ms(0.5), "p50-ms")
			b.ReportMetric(ms(0.99), "p99-ms")
			b.ReportMetric(float64(n), "events")
		})
	}
}
