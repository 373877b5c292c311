package auth

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
)

// securityHeaders sets the headers every response carries. The CSP allows
// scripts and styles only from the server's own files: no inline script,
// no event handler attributes, no javascript: URLs.
func securityHeaders(csp string) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			h := c.Response().Header()
			h.Set("Content-Security-Policy", csp)
			h.Set("X-Content-Type-Options", "nosniff")
			h.Set("Referrer-Policy", "same-origin")
			h.Set("X-Frame-Options", "DENY")
			h.Set("Cross-Origin-Opener-Policy", "same-origin")
			return next(c)
		}
	}
}

// bodyLimit refuses bodies over max bytes: at once (413) when the
// Content-Length says so, else when the handler reads past the limit.
func bodyLimit(max int64) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			r := c.Request()
			if r.ContentLength > max {
				return echo.NewHTTPError(http.StatusRequestEntityTooLarge, "request body too large")
			}
			if r.Body != nil && r.Body != http.NoBody {
				r.Body = http.MaxBytesReader(c.Response(), r.Body, max)
			}
			return next(c)
		}
	}
}

// crossOrigin rejects state-changing (non GET/HEAD/OPTIONS) requests that a
// browser marks as cross-origin (Sec-Fetch-Site, else Origin against Host):
// CSRF protection that needs no token in the pages. Requests without those
// headers are not from a browser page and pass (they must authenticate).
func crossOrigin() echo.MiddlewareFunc {
	cop := http.NewCrossOriginProtection()
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if err := cop.Check(c.Request()); err != nil {
				return echo.NewHTTPError(http.StatusForbidden, "cross-origin request refused")
			}
			return next(c)
		}
	}
}

// timeout puts a deadline on each request's context, so store queries of
// a slow request are cancelled. Streams (Server-Sent Events on /api/live)
// are exempt: they are meant to stay open. There is deliberately no
// http.Server WriteTimeout for the same reason.
func timeout(d time.Duration, exempt []string) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			r := c.Request()
			if matchPath(exempt, r.URL.Path) {
				return next(c)
			}
			ctx, cancel := context.WithTimeout(r.Context(), d)
			defer cancel()
			c.SetRequest(r.WithContext(ctx))
			return next(c)
		}
	}
}
