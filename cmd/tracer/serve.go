package main

import (
	"context"
	"flag"
	"fmt"
	"io"
)

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var c config
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	c.registerServer(fs)
	c.registerKafka(fs)
	if err := parseFlags(fs, args, stderr); err != nil {
		return err
	}
	if err := c.validate(true); err != nil {
		return err
	}
	log := newLogger(&c, stderr)
	s, err := startServer(ctx, &c, log)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "eventscope serve: open %s\n", s.URL())
	return s.run(ctx, nil)
}
