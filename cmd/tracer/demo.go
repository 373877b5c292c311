package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"

	"github.com/eventscope/eventscope/graph"
	"github.com/eventscope/eventscope/sim"
)

// demoTopics are created up front so the tracer taps them from the first order.
var demoTopics = []string{"orders", "kitchen", "payments", "delivery", "loyalty", "payments.DLT"}

func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var c config
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	c.registerServer(fs)
	rate := fs.Float64("rate", 2, "new orders per second")
	brokerAddr := fs.String("broker-addr", "127.0.0.1:0", "where the embedded Kafka-protocol broker listens")
	mixed := fs.Bool("mixed-conventions", true, "services use different ID conventions (CloudEvents, headers, JSON envelopes)")
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	if *rate <= 0 {
		return fmt.Errorf("--rate %g: want a positive number of orders per second", *rate)
	}
	// The loyalty topic runs in Avro with its schema in a --schema-dir,
	// unless the user points the demo at schemas of their own.
	avroLoyalty := c.Decoding.Schemas.Registry == "" && c.Decoding.Schemas.Dir == ""
	if avroLoyalty {
		dir, err := demoSchemaDir()
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		c.Decoding.Schemas.Dir = dir
	}
	if err := c.validate(false); err != nil {
		return err
	}
	log := newLogger(&c, stderr)

	broker, err := sim.StartBroker(*brokerAddr, 3, demoTopics...)
	if err != nil {
		return fmt.Errorf("start embedded broker: %w", err)
	}
	defer broker.Close()
	c.brokers = broker.Addrs()
	c.GroupID = "eventscope-tracer"
	c.FromBeginning = true // the embedded broker is new: take everything it holds
	c.diag.Rules = append(c.diag.Rules, graph.DemoStallRules()...)
	log.Info("embedded Kafka-protocol broker started", "component", "sim", "addr", c.brokers[0])

	s, err := startServer(ctx, &c, log)
	if err != nil {
		return err
	}
	simCtx, stopSim := context.WithCancel(context.WithoutCancel(ctx))
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		err := sim.Run(simCtx, sim.Config{
			Brokers:          c.brokers,
			Rate:             *rate,
			Faults:           sim.DefaultFaults(),
			MixedConventions: *mixed,
			AvroLoyalty:      avroLoyalty,
			Logger:           log,
		})
		if err != nil && !errors.Is(err, context.Canceled) {
			log.Error("simulated pizza shop stopped", "component", "sim", "err", err)
		}
	}()
	fmt.Fprintf(stdout, "eventscope demo: open %s\n", s.URL())
	return s.run(ctx, func() {
		stopSim()
		wg.Wait()
	})
}

// demoSchemaDir writes the simulated shop's Avro schemas into a new
// temporary directory, named by ID as --schema-dir reads them.
func demoSchemaDir() (string, error) {
	dir, err := os.MkdirTemp("", "eventscope-demo-schemas-")
	if err != nil {
		return "", fmt.Errorf("demo schema dir: %w", err)
	}
	for name, text := range sim.AvroSchemas() {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			os.RemoveAll(dir)
			return "", fmt.Errorf("demo schema dir: %w", err)
		}
	}
	return dir, nil
}
