// Command tracer is eventscope's one binary: it taps a Kafka cluster,
// stores every event by correlation and causation ID, and serves the web UI
// that draws each flow. Subcommands: serve, demo, simulate, flow, migrate,
// version.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/eventscope/eventscope/clickhouse"
	"github.com/eventscope/eventscope/sqlite"
	"github.com/eventscope/eventscope/store"
)

// backends are the stores --store can name, the only place cmd/tracer
// names them: the rest asks this list (store.Backends) by DSN.
var backends = store.Backends{sqlite.Backend(), clickhouse.Backend()}

// defaultStore is where the embedded store lives unless --store says otherwise.
const defaultStore = "sqlite://./eventscope-data/events.db"

func main() {
	limitMemory()
	stop := startProfile(os.Stderr)
	code := run(os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

func commands() []command {
	return []command{
		{"serve", "tap a Kafka cluster and serve the UI", runServe},
		{"demo", "the whole product on embedded defaults: broker, pizza shop, store, UI", runDemo},
		{"simulate", "run the demo's pizza shop against an external Kafka cluster", runSimulate},
		{"flow", "print a flow as a tree: tracer flow (--store DSN | --url URL) CORRELATION_ID", runFlow},
		{"migrate", "create the ClickHouse database and apply migrations", runMigrate},
		{"version", "print the version", runVersion},
	}
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	for _, c := range commands() {
		if c.name != args[0] {
			continue
		}
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		err := c.run(ctx, args[1:], stdout, stderr)
		switch {
		case err == nil:
			return 0
		case errors.Is(err, flag.ErrHelp):
			return 0
		case errors.Is(err, errUsage):
			return 2
		default:
			fmt.Fprintf(stderr, "tracer %s: %v\n", c.name, err)
			return 1
		}
	}
	fmt.Fprintf(stderr, "tracer: unknown command %q\n\n", args[0])
	usage(stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: tracer <command> [flags]\n\ncommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-9s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'tracer <command> -h' for its flags. Every flag has a TRACER_* environment fallback.")
}
