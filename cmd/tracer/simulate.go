package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/IBM/sarama"

	"github.com/eventscope/eventscope/sim"
)

func runSimulate(ctx context.Context, args []string, _, stderr io.Writer) error {
	var c config
	fs := flag.NewFlagSet("simulate", flag.ContinueOnError)
	fs.StringVar(&c.Brokers, "brokers", "", "Kafka bootstrap brokers, comma-separated host:port (required)")
	fs.StringVar(&c.LogLevel, "log-level", "info", "debug, info, warn or error")
	fs.StringVar(&c.LogFormat, "log-format", "text", "text or json")
	rate := fs.Float64("rate", 2, "new orders per second")
	mixed := fs.Bool("mixed-conventions", true, "services use different ID conventions (CloudEvents, headers, JSON envelopes)")
	c.sec.registerKafka(fs)
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	if err := c.sec.validateKafka(); err != nil {
		return err
	}
	var saramaConfig func() *sarama.Config
	if base := c.sec.sarama; base != nil {
		// The shop makes one client per service and sets fields of its
		// config: each gets its own copy (TLS and SASL settings shared).
		saramaConfig = func() *sarama.Config {
			cp := *base
			return &cp
		}
	}
	brokers, err := parseBrokers(c.Brokers, true)
	if err != nil {
		return err
	}
	if *rate <= 0 {
		return fmt.Errorf("--rate %g: want a positive number of orders per second", *rate)
	}
	if _, err := parseLevel(c.LogLevel); err != nil {
		return err
	}
	log := newLogger(&c, stderr)
	err = sim.Run(ctx, sim.Config{Brokers: brokers, Rate: *rate, Faults: sim.DefaultFaults(),
		MixedConventions: *mixed, Logger: log, SaramaConfig: saramaConfig})
	if errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}
