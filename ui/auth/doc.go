// Package auth is the HTTP protection of eventscope's web UI and API, as
// echo middleware: authentication (none, basic with a bcrypt htpasswd file,
// bearer tokens, or a user header from a trusted reverse proxy) with
// configurable public paths, and hardening (security headers with a CSP
// that allows no inline script, request body and time limits, a per-client
// rate limit on search, and cross-origin (CSRF) protection of every
// state-changing request). Middleware builds the chain from a Config.
package auth
