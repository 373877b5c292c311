package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/eventscope/eventscope/event"
)

// decoding is the part of the config that says how records become events:
// the --config file (conventions, dead-letter patterns) and --payload-cap.
type decoding struct {
	ConfigFile     string
	PayloadCap     string
	InternalTopics string
	Schemas        schemaSource

	event event.Config // parsed by load
}

func (d *decoding) register(fs *flag.FlagSet) {
	fs.StringVar(&d.ConfigFile, "config", "", "YAML file with in-house ID conventions, dead-letter topic patterns and redaction rules (docs/CONFIG.md)")
	fs.StringVar(&d.InternalTopics, "internal-topics", "", "regular expression of more internal topics (besides Kafka Streams, ksqlDB, Connect and schema-registry names): stored, but hidden from flows, counts and the service map by default")
	d.Schemas.register(fs)
	fs.StringVar(&d.PayloadCap, "payload-cap", "", "largest payload stored per event, e.g. 256KiB (default: the config file's payload_cap, else 256KiB)")
}

// load reads and validates the config file and the cap flag.
func (d *decoding) load() error {
	if d.ConfigFile != "" {
		b, err := os.ReadFile(d.ConfigFile)
		if err != nil {
			return fmt.Errorf("--config: %w", err)
		}
		if d.event, err = event.ParseConfig(b); err != nil {
			return fmt.Errorf("--config %s: %w", d.ConfigFile, err)
		}
	}
	if d.PayloadCap != "" {
		n, err := event.ParseSize(d.PayloadCap)
		if err != nil {
			return fmt.Errorf("--payload-cap: %w", err)
		}
		d.event.PayloadCap = n
	}
	if d.InternalTopics != "" {
		d.event.InternalTopics = d.InternalTopics
		if err := d.event.Validate(); err != nil {
			return fmt.Errorf("--internal-topics: %w", err)
		}
	}
	var err error
	d.event.Schemas, err = d.Schemas.load()
	return err
}
