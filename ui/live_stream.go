package ui

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
)

// liveKeepAlive is how often an idle stream sends a comment, so proxies
// keep it open and a skipped count is not held back for long.
const liveKeepAlive = 15 * time.Second

// liveWriteTimeout is how long a write to a live client may take before
// the client is disconnected.
const liveWriteTimeout = 30 * time.Second

// liveSkipCheck is how often a stream whose buffer has drained looks for
// events dropped since the last one sent.
const liveSkipCheck = time.Second

// apiLiveStream is GET /api/live?q=: Server-Sent Events, one
// "data: {Event JSON}" per arriving event that matches q (the search
// language, evaluated per event: see store.MatchesEvent; anomaly terms are
// ignored). When the client falls behind, the events that did not fit its
// buffer are dropped and an "event: skipped" with data {"skipped":N} says
// how many, before the next event that gets through. Beyond the hub's
// client limit a new stream gets 429 with Retry-After.
func (h *handler) apiLiveStream(c echo.Context) error {
	if h.live == nil {
		return echo.NewHTTPError(http.StatusServiceUnavailable, "the live tail is not available on this server")
	}
	q, err := parseSearch(c.QueryParam("q"), h.now())
	if err != nil {
		return apiQueryError(c, err)
	}
	client, err := h.live.subscribe(q)
	switch {
	case errors.Is(err, errLiveFull):
		c.Response().Header().Set("Retry-After", "10")
		return echo.NewHTTPError(http.StatusTooManyRequests, "too many live-tail clients; retry later")
	case err != nil:
		return echo.NewHTTPError(http.StatusServiceUnavailable, err.Error())
	}
	defer h.live.unsubscribe(client)

	w := c.Response()
	hd := w.Header()
	hd.Set(echo.HeaderContentType, "text/event-stream; charset=utf-8")
	hd.Set("Cache-Control", "no-store")
	hd.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	if _, err := fmt.Fprint(w, "retry: 2000\n: connected\n\n"); err != nil {
		return nil
	}
	w.Flush()

	ctx := c.Request().Context()
	keep := time.NewTicker(liveKeepAlive)
	defer keep.Stop()
	check := time.NewTicker(liveSkipCheck)
	defer check.Stop()
	for {
		var err error
		// A client that cannot take a write within liveWriteTimeout is
		// dropped (where the writer supports deadlines).
		_ = rc.SetWriteDeadline(time.Now().Add(liveWriteTimeout))
		select {
		case <-ctx.Done():
			return nil
		case <-h.live.done:
			return nil
		case it := <-client.ch:
			if it.skipped > 0 {
				err = writeSkipped(w, it.skipped)
			}
			if err == nil {
				_, err = w.Write(it.data)
			}
		case <-check.C:
			if len(client.ch) == 0 {
				if n := h.live.takeSkipped(client); n > 0 {
					err = writeSkipped(w, n)
				}
			}
		case <-keep.C:
			_, err = fmt.Fprint(w, ": keep-alive\n\n")
		}
		if err != nil {
			return nil // the client went away
		}
		w.Flush()
	}
}

func writeSkipped(w http.ResponseWriter, n int64) error {
	_, err := fmt.Fprintf(w, "event: skipped\ndata: {\"skipped\":%d}\n\n", n)
	return err
}
