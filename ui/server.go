package ui

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v4"

	"github.com/eventscope/eventscope/graph"
	"github.com/eventscope/eventscope/store"
)

// Options configure the web server. Store is required (New panics without
// it); the rest may be nil.
type Options struct {
	// Store answers every page and API query.
	Store store.Reader
	// Ready reports whether the process can serve (store ping and ingest
	// joined); /readyz is 503 until it returns nil. Nil means always ready.
	Ready func(ctx context.Context) error
	// Stats returns the ingest counters for the dashboard and /api/stats;
	// nil when the server has no ingest.
	Stats func() IngestStats
	// Metrics serves /metrics (Prometheus); not registered when nil.
	Metrics http.Handler
	// Logger receives 5xx errors and panics; nil discards.
	Logger *slog.Logger
	// Now is the clock for "x ago" displays; nil means time.Now.
	Now func() time.Time
	// Graph tunes the causal analysis of flows (dead-letter topics, stall
	// rules, hop baseline). Its Now is set from Now on every request.
	Graph graph.Options
	// Live feeds /live and /api/live; nil answers 503 there.
	Live *Live
	// Groups lists the cluster's consumer groups for the service map; nil
	// leaves them out.
	Groups func(ctx context.Context) ([]ConsumerGroup, error)
	// Positions returns the latest poll of the consumer groups' positions
	// (ingest's Poller); nil when polling is off. The history and the
	// records come from Store when it implements store.Positions.
	Positions func() store.GroupsSnapshot
	// StatsTTL reuses the store's totals (store.Reader.Stats) for this long;
	// 0 asks the store on every request.
	StatsTTL time.Duration
	// BigFlowEvents: a flow with more events is big (0: the default): at
	// most BigFlowBuilds of them are loaded and built at once, and their
	// graphs are cached, FlowCacheEvents events in all (see flowBuilds).
	BigFlowEvents, BigFlowBuilds, FlowCacheEvents int
	// BigFlowWait is how long a big flow waits for a build slot before
	// 503 (0: 10 s).
	BigFlowWait time.Duration
	// Redrive enables redriving dead-lettered records (--allow-redrive);
	// nil: off, the routes 404 and no button shows.
	Redrive *RedriveOptions
}

// readyTimeout bounds one /readyz probe.
const readyTimeout = 2 * time.Second

// handler holds what the HTTP handlers share. It has no per-request state.
type handler struct {
	store   store.Reader
	ready   func(ctx context.Context) error
	stats   func() IngestStats
	metrics http.Handler
	log     *slog.Logger
	now     func() time.Time
	graph   graph.Options
	live    *Live
	groups  func(ctx context.Context) ([]ConsumerGroup, error)
	totals  *statsCache
	// positions is the consumer groups' latest poll; nil when off.
	positions func() store.GroupsSnapshot
	builds    *flowBuilds
	redrive   *RedriveOptions
	// redriveRun serialises and rate-limits redrives (nil when off).
	redriveRun *redriveRunner
}

// New returns the web UI and JSON API as an echo server, ready to be used as
// an http.Handler.
func New(opts Options) *echo.Echo {
	if opts.Store == nil {
		panic("ui.New: Options.Store is nil")
	}
	h := &handler{
		store: opts.Store, ready: opts.Ready, stats: opts.Stats, metrics: opts.Metrics,
		log: opts.Logger, now: opts.Now, graph: opts.Graph,
		live: opts.Live, groups: opts.Groups, totals: &statsCache{ttl: opts.StatsTTL},
		positions: opts.Positions, redrive: opts.Redrive, redriveRun: newRedriveRunner(opts.Redrive),
	}
	h.builds = newFlowBuilds(opts.BigFlowEvents, opts.BigFlowBuilds, opts.FlowCacheEvents, opts.BigFlowWait, time.Now)
	if h.log == nil {
		h.log = slog.New(slog.DiscardHandler)
	}
	if h.now == nil {
		h.now = time.Now
	}
	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	e.HTTPErrorHandler = h.handleError
	e.Use(h.accessLog)
	e.Use(recoverPanic)
	e.Use(h.securityHeaders)
	registerRoutes(e, h)
	return e
}

// recoverPanic turns a panic in a handler into an error (with the stack) for
// handleError, which logs it once and answers 500. echo's own Recover lives
// in echo/middleware, whose rate limiter would add golang.org/x/time to the
// module for nothing.
func recoverPanic(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) (err error) {
		defer func() {
			if r := recover(); r != nil {
				if r == http.ErrAbortHandler {
					panic(r)
				}
				err = fmt.Errorf("panic: %v\n%s", r, debug.Stack())
			}
		}()
		return next(c)
	}
}

// accessLog logs every request at debug level, after the error handler has
// written the response.
func (h *handler) accessLog(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		if err != nil {
			c.Error(err) // write the error response now, to log its status
		}
		h.log.Debug("http request", "method", c.Request().Method, "path", c.Request().URL.Path,
			"status", c.Response().Status, "duration_ms", float64(time.Since(start).Microseconds())/1000)
		return nil
	}
}

// securityHeaders sets headers every response should carry.
func (h *handler) securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		hd := c.Response().Header()
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("Referrer-Policy", "same-origin")
		hd.Set("X-Frame-Options", "DENY")
		return next(c)
	}
}

// graphOptions are the analysis options for a request made now.
func (h *handler) graphOptions() graph.Options {
	o := h.graph
	o.Now = h.now()
	return o
}

// render writes a templ component as an HTML response.
func render(c echo.Context, status int, comp templ.Component) error {
	c.Response().Header().Set(echo.HeaderContentType, echo.MIMETextHTMLCharsetUTF8)
	c.Response().WriteHeader(status)
	return comp.Render(c.Request().Context(), c.Response())
}

// isPartial reports whether htmx asked for just the element with id target
// (and not a history restore, which needs the whole page).
func isPartial(c echo.Context, target string) bool {
	r := c.Request()
	return r.Header.Get("HX-Request") == "true" &&
		r.Header.Get("HX-History-Restore-Request") != "true" &&
		r.Header.Get("HX-Target") == target
}
