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
}

func (a *alertFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&a.Webhook, "alert-webhook", "", "URL to POST an alert to when a new failure group (type and normalised reason) appears; off when empty")
	fs.StringVar(&a.Format, "alert-format", alert.FormatSlack, "alert body: slack ({\"text\"}, also Mattermost/Teams-compatible) or json")
	fs.DurationVar(&a.Interval, "alert-interval", 30*time.Second, "how often to look for new failure groups")
	fs.IntVar(&a.PerMin, "alert-per-minute", 10, "most alerts sent in a minute (the rest are counted in the next one)")
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
	if a.Interval <= 0 || a.PerMin <= 0 {
		return fmt.Errorf("--alert-interval and --alert-per-minute must be positive")
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
	return alert.New(alert.Config{URL: a.Webhook, Format: a.Format, PerMinute: a.PerMin, BaseURL: base,
		Log: log.With("component", "alert")}, fs)
}
