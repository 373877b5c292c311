package main

import (
	"flag"
	"fmt"
	"log/slog"
	"net/url"
	"time"

	"github.com/eventscope/eventscope/alert"
	"github.com/eventscope/eventscope/store"
)

// alertFlags configure the failure webhooks.
type alertFlags struct {
	Webhook  string
	Format   string
	Interval time.Duration
	PerMin   int
	Rate     int
	Window   time.Duration
	Stuck    time.Duration
}

func (a *alertFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&a.Webhook, "alert-webhook", "", "URL to POST an alert to when a new failure group (type and normalised reason) appears, a group's rate crosses --alert-rate, or its dead letters stay stuck longer than --alert-stuck-after; off when empty")
	fs.StringVar(&a.Format, "alert-format", alert.FormatSlack, "alert body: slack ({\"text\"}, also Mattermost/Teams-compatible) or json")
	fs.DurationVar(&a.Interval, "alert-interval", 30*time.Second, "how often to look for new failure groups")
	fs.IntVar(&a.PerMin, "alert-per-minute", 10, "most alerts sent in a minute (the rest are counted in the next one)")
	fs.IntVar(&a.Rate, "alert-rate", 0, "alert when a failure group has at least this many failures within --alert-rate-window (0: no rate alerts)")
	fs.DurationVar(&a.Window, "alert-rate-window", 5*time.Minute, "the window of --alert-rate")
	fs.DurationVar(&a.Stuck, "alert-stuck-after", time.Hour, "alert when a group's dead letters stay stuck (flow still failing, not redriven) longer than this (0: no stuck alerts)")
}

func (a *alertFlags) validate() error {
	if a.Webhook == "" {
		return nil
	}
	u, err := url.Parse(a.Webhook)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("--alert-webhook %q: want an http(s) URL", a.Webhook)
	}
	if a.Format != alert.FormatSlack && a.Format != alert.FormatJSON {
		return fmt.Errorf("--alert-format %q: want slack or json", a.Format)
	}
	if a.Interval <= 0 || a.PerMin <= 0 || a.Window <= 0 {
		return fmt.Errorf("--alert-interval, --alert-per-minute and --alert-rate-window must be positive")
	}
	if a.Rate < 0 || a.Stuck < 0 {
		return fmt.Errorf("--alert-rate and --alert-stuck-after must not be negative")
	}
	return nil
}

// notifier is the alert notifier of st, nil when alerts are off or the
// store cannot list failures (logged).
func (a *alertFlags) notifier(st store.Store, base string, log *slog.Logger) *alert.Notifier {
	if a.Webhook == "" {
		return nil
	}
	fs, ok := st.(store.Failures)
	if !ok {
		log.Warn("--alert-webhook: this store cannot list failures; alerts are off")
		return nil
	}
	au, _ := st.(store.Audit) // nil: alerts are only logged
	return alert.New(alert.Config{URL: a.Webhook, Format: a.Format, PerMinute: a.PerMin, BaseURL: base,
		Rate: a.Rate, RateWindow: a.Window, StuckAfter: a.Stuck, Audit: au, Log: log.With("component", "alert")}, fs)
}
