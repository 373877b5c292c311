package main

import (
	"flag"
	"fmt"
	"log/slog"
	"net"
	"regexp"
	"strings"
	"time"

	"github.com/eventscope/eventscope/diagnose"
	"github.com/eventscope/eventscope/graph"
	"github.com/eventscope/eventscope/store"
)

// config is everything serve and demo need, built from flags with TRACER_*
// environment fallbacks and validated once at start.
type config struct {
	HTTPAddr  string
	Store     string
	LogLevel  string
	LogFormat string

	Brokers       string
	GroupID       string
	Topics        string
	ExcludeTopics string
	FromBeginning bool
	BatchSize     int
	BatchInterval time.Duration
	LiveMax       int
	Decoding      decoding
	Learn         bool
	Retention     retention
	GroupPoll     time.Duration
	TextIndex     bool
	FieldIndex    bool

	sec     security      // auth, hardening, redaction, Kafka and ClickHouse security
	redrive redriveFlags  // --allow-redrive
	alerts  alertFlags    // --alert-webhook
	flags   *flag.FlagSet // for the config dump at start

	// parsed by validate
	storeDSN string // Store with the --clickhouse-* flags applied
	brokers  []string
	topics   *regexp.Regexp
	exclude  *regexp.Regexp
	graph    graph.Options   // analysis settings (Diagnose points to diag)
	diag     diagnose.Config // the anomaly rules; the demo adds its stall rules
}

// registerServer adds the flags shared by serve and demo.
func (c *config) registerServer(fs *flag.FlagSet) {
	fs.StringVar(&c.HTTPAddr, "http-addr", "127.0.0.1:8080", "address the web UI and API listen on")
	fs.StringVar(&c.Store, "store", defaultStore, "where events are stored: "+backends.Usage(nil))
	fs.StringVar(&c.LogLevel, "log-level", "info", "debug, info, warn or error")
	fs.StringVar(&c.LogFormat, "log-format", "text", "text or json")
	fs.IntVar(&c.BatchSize, "batch-size", 0, "events per store write, at most (0: the store's own, 10000 for both stores)")
	fs.DurationVar(&c.BatchInterval, "batch-interval", 200*time.Millisecond, "longest an event waits for its batch to be written")
	fs.IntVar(&c.LiveMax, "live-max-clients", defaultLiveMax, "most /api/live streams open at once (429 beyond); 0: no limit")
	c.Decoding.register(fs)
	fs.BoolVar(&c.Learn, "learn", true, "learn hop latencies and usual follow-ups from the stored flows (slow_hop, learned stalls)")
	fs.DurationVar(&c.GroupPoll, "group-poll", 10*time.Second, "how often to read every consumer group's committed offsets (their lag and which events they have read); 0 turns it off")
	fs.BoolVar(&c.TextIndex, "text-index", false, "embedded store: keep a trigram index of payload text for quoted text searches (costs write CPU: docs/PERFORMANCE.md)")
	fs.BoolVar(&c.FieldIndex, "field-index", false, "embedded store: keep a read model of payload fields for has: and payload.PATH searches (costs write CPU: docs/PERFORMANCE.md)")
	fs.Var(&c.Retention, "retention", "drop events older than this, e.g. 7d (ClickHouse store: whole day partitions; 0 keeps everything)")
	c.sec.registerHTTP(fs)
	c.redrive.register(fs)
	c.alerts.register(fs)
	c.flags = fs
}

// registerKafka adds the flags that pick what serve consumes.
func (c *config) registerKafka(fs *flag.FlagSet) {
	fs.StringVar(&c.Brokers, "brokers", "", "Kafka bootstrap brokers, comma-separated host:port (required)")
	fs.StringVar(&c.GroupID, "group-id", "eventscope-tracer", "the tracer's own consumer group ID")
	fs.StringVar(&c.Topics, "topics", "", "regular expression of topics to include (default: all but internal __ topics)")
	fs.StringVar(&c.ExcludeTopics, "exclude-topics", "", "regular expression of topics to exclude")
	fs.BoolVar(&c.FromBeginning, "from-beginning", false, "backfill from the oldest offsets instead of starting at the newest")
	c.sec.registerKafka(fs)
}

// defaultLiveMax is the default --live-max-clients.
const defaultLiveMax = 256

func (c *config) validate(needBrokers bool) error {
	if c.LiveMax < 0 {
		return fmt.Errorf("--live-max-clients %d: must not be negative", c.LiveMax)
	}
	if _, _, err := net.SplitHostPort(c.HTTPAddr); err != nil {
		return fmt.Errorf("--http-addr %q: want host:port", c.HTTPAddr)
	}
	b, err := checkStore(c.Store)
	if err != nil {
		return err
	}
	if _, err := parseLevel(c.LogLevel); err != nil {
		return err
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		return fmt.Errorf("--log-format %q: want text or json", c.LogFormat)
	}
	if c.BatchSize < 0 {
		return fmt.Errorf("--batch-size %d: want 0 (the store's own) or more", c.BatchSize)
	}
	if c.BatchInterval <= 0 {
		return fmt.Errorf("--batch-interval %s: want a positive duration", c.BatchInterval)
	}
	if c.GroupPoll < 0 {
		return fmt.Errorf("--group-poll %s: want a duration, or 0 to turn it off", c.GroupPoll)
	}
	if c.Retention > 0 && !b.Retention {
		return fmt.Errorf("--retention %s: the %s keeps everything; only %s drops old events",
			c.Retention.String(), b.Name, backends.Usage(func(b store.Backend) bool { return b.Retention }))
	}
	if (c.TextIndex || c.FieldIndex) && !b.PayloadIndexes {
		return fmt.Errorf("--text-index, --field-index: the %s has no optional payload indexes; only %s",
			b.Name, backends.Usage(func(b store.Backend) bool { return b.PayloadIndexes }))
	}
	if err := c.Decoding.load(); err != nil {
		return err
	}
	c.diag = diagnose.Default()
	if c.Learn {
		c.diag.Learned = &diagnose.BaselineSource{}
	}
	if c.diag.Rules, err = stallRulesFile(c.Decoding.ConfigFile); err != nil {
		return err
	}
	c.diag.DeadLetterTopics = append(c.diag.DeadLetterTopics, c.Decoding.event.DeadLetterPatterns...)
	c.graph.Diagnose = &c.diag
	if c.brokers, err = parseBrokers(c.Brokers, needBrokers); err != nil {
		return err
	}
	if c.topics, err = compileOptional("--topics", c.Topics); err != nil {
		return err
	}
	if c.exclude, err = compileOptional("--exclude-topics", c.ExcludeTopics); err != nil {
		return err
	}
	if err := c.sec.validateHTTP(c.HTTPAddr, c.Decoding.ConfigFile); err != nil {
		return err
	}
	if err := c.redrive.validate(c); err != nil {
		return err
	}
	if err := c.alerts.validate(); err != nil {
		return err
	}
	if err := c.sec.validateKafka(); err != nil {
		return err
	}
	if c.storeDSN, err = c.sec.storeDSN(c.Store); err != nil {
		return err
	}
	return nil
}

func compileOptional(flagName, expr string) (*regexp.Regexp, error) {
	if expr == "" {
		return nil, nil
	}
	re, err := regexp.Compile(expr)
	if err != nil {
		return nil, fmt.Errorf("%s: bad regular expression: %w", flagName, err)
	}
	return re, nil
}

func parseLevel(s string) (slog.Level, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(s)); err != nil {
		return 0, fmt.Errorf("--log-level %q: want debug, info, warn or error", s)
	}
	return l, nil
}

// parseBrokers splits a comma-separated broker list and checks each is host:port.
func parseBrokers(list string, required bool) ([]string, error) {
	var out []string
	for _, b := range strings.Split(list, ",") {
		if b = strings.TrimSpace(b); b == "" {
			continue
		}
		if _, _, err := net.SplitHostPort(b); err != nil {
			return nil, fmt.Errorf("--brokers: %q is not host:port", b)
		}
		out = append(out, b)
	}
	if required && len(out) == 0 {
		return nil, fmt.Errorf("--brokers is required (e.g. --brokers localhost:9092, or TRACER_BROKERS)")
	}
	return out, nil
}

// payloadIndexes are the optional payload indexes the server keeps: the
// flags decide (off unless given), for backends that have them.
func (c *config) payloadIndexes() *store.PayloadIndexes {
	if b, err := backends.Lookup(c.storeDSN); err != nil || !b.PayloadIndexes {
		return nil
	}
	return &store.PayloadIndexes{Text: c.TextIndex, Fields: c.FieldIndex}
}
