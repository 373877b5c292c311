package auth

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"golang.org/x/crypto/bcrypt"
)

// BenchmarkLoginFlood measures what 50 clients sending wrong Basic
// passwords as fast as they can (each from its own 127.0.0.x address) do
// to an authenticated user's requests, through real HTTP on loopback:
// mean, p50 and p99 latency alone, then under the flood (15 s each, as in
// issue 17), and how many password checks the flood got. The attackers run
// in the same process, so their own CPU counts against the user too. Run it once:
//
//	go test ./ui/auth -run '^$' -bench LoginFlood -benchtime 1x
func BenchmarkLoginFlood(b *testing.B) {
	const attackers, phase = 50, 15 * time.Second
	h, err := bcrypt.GenerateFromPassword([]byte("s3cret"), bcrypt.DefaultCost)
	if err != nil {
		b.Fatal(err)
	}
	mws, err := Middleware(Config{Mode: ModeBasic, Users: map[string][]byte{"alice": h}, SearchRate: -1})
	if err != nil {
		b.Fatal(err)
	}
	e := echo.New()
	e.Use(mws...)
	e.GET("/", func(c echo.Context) error { return c.String(200, "ok") })
	srv := httptest.NewServer(e)
	defer srv.Close()

	user := func(stop <-chan struct{}) []time.Duration {
		c := &http.Client{}
		var lat []time.Duration
		for {
			select {
			case <-stop:
				return lat
			default:
			}
			req, _ := http.NewRequest("GET", srv.URL+"/", nil)
			req.SetBasicAuth("alice", "s3cret")
			t0 := time.Now()
			resp, err := c.Do(req)
			if err != nil || resp.StatusCode != 200 {
				b.Fatalf("authenticated request: %v %v", err, resp)
			}
			resp.Body.Close()
			lat = append(lat, time.Since(t0))
		}
	}
	run := func(withFlood bool) (mean, p50, p99 time.Duration, checks, refused int64) {
		stop := make(chan struct{})
		var wg sync.WaitGroup
		var n401, n429 atomic.Int64
		if withFlood {
			for i := range attackers {
				local := &net.TCPAddr{IP: net.IPv4(127, 0, 1, byte(10+i))}
				tr := &http.Transport{DialContext: (&net.Dialer{LocalAddr: local}).DialContext}
				c := &http.Client{Transport: tr}
				wg.Go(func() {
					defer tr.CloseIdleConnections()
					for j := 0; ; j++ {
						select {
						case <-stop:
							return
						default:
						}
						req, _ := http.NewRequestWithContext(context.Background(), "GET", srv.URL+"/", nil)
						req.SetBasicAuth("alice", fmt.Sprint("guess", j))
						resp, err := c.Do(req)
						if err != nil {
							continue
						}
						resp.Body.Close()
						switch resp.StatusCode {
						case 401:
							n401.Add(1)
						case 429:
							n429.Add(1)
						}
					}
				})
			}
		}
		done := make(chan []time.Duration)
		go func() { done <- user(stop) }()
		time.Sleep(phase)
		close(stop)
		lat := <-done
		wg.Wait()
		slices.Sort(lat)
		var sum time.Duration
		for _, d := range lat {
			sum += d
		}
		return sum / time.Duration(len(lat)), lat[len(lat)/2], lat[len(lat)*99/100], n401.Load(), n429.Load()
	}
	for range b.N {
		baseMean, base50, base99, _, _ := run(false)
		mean, p50, p99, checks, refused := run(true)
		b.ReportMetric(float64(baseMean.Microseconds())/1000, "alone_mean_ms")
		b.ReportMetric(float64(mean.Microseconds())/1000, "flood_mean_ms")
		b.ReportMetric(float64(base50.Microseconds())/1000, "alone_p50_ms")
		b.ReportMetric(float64(base99.Microseconds())/1000, "alone_p99_ms")
		b.ReportMetric(float64(p50.Microseconds())/1000, "flood_p50_ms")
		b.ReportMetric(float64(p99.Microseconds())/1000, "flood_p99_ms")
		b.ReportMetric(float64(checks)/phase.Seconds(), "checks/s")
		b.ReportMetric(float64(refused)/phase.Seconds(), "throttled/s")
	}
}
