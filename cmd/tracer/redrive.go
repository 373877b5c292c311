package main

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/IBM/sarama"

	"github.com/eventscope/eventscope/redrive"
	"github.com/eventscope/eventscope/store"
	"github.com/eventscope/eventscope/ui"
	"github.com/eventscope/eventscope/ui/auth"
)

// redriveFlags turn on redriving dead-lettered records from /failures.
type redriveFlags struct {
	Allow     bool
	Operators string
	Origins   string
	GroupMax  int
	PerSecond float64
	operators []string
	origins   redrive.Origins
}

func (r *redriveFlags) register(fs *flag.FlagSet) {
	fs.BoolVar(&r.Allow, "allow-redrive", false, "let operators re-publish dead-lettered records to their original topic from /failures (needs --auth and --redrive-operators; the Kafka principal needs Write on those topics)")
	fs.StringVar(&r.Operators, "redrive-operators", "", "comma-separated users allowed to redrive (htpasswd or proxy user names; \"token\" for the bearer tokens)")
	fs.StringVar(&r.Origins, "redrive-origin-headers", "", "per dead-letter topic glob, the headers naming the original topic, tried before the built-in ones: \"glob=header,header;glob=header\" (e.g. \"billing.*.dead=x-source-topic\")")
	fs.IntVar(&r.GroupMax, "redrive-group-max", 100, "most records one group redrive produces")
	fs.Float64Var(&r.PerSecond, "redrive-per-second", 20, "most records redriven per second (all operators together)")
}

// validate checks the redrive flags against the rest of the configuration.
func (r *redriveFlags) validate(c *config) error {
	for _, o := range strings.Split(r.Operators, ",") {
		if o = strings.TrimSpace(o); o != "" {
			r.operators = append(r.operators, o)
		}
	}
	var err error
	if r.origins, err = redrive.ParseOrigins(r.Origins); err != nil {
		return fmt.Errorf("--redrive-origin-headers: %w", err)
	}
	if r.GroupMax <= 0 || r.PerSecond <= 0 {
		return errors.New("--redrive-group-max and --redrive-per-second must be positive")
	}
	if !r.Allow {
		return nil
	}
	switch {
	case c.sec.Auth == "" || c.sec.Auth == auth.ModeNone:
		return errors.New("--allow-redrive needs --auth (basic, token or proxy): redrive is refused to anonymous users")
	case len(r.operators) == 0:
		return errors.New("--allow-redrive needs --redrive-operators (who may redrive)")
	case c.sec.redactor.Enabled():
		return errors.New("--allow-redrive with redaction: the stored records are redacted, so a redrive would publish the redacted bytes")
	}
	return nil
}

// kafkaProducer produces redriven records with a sarama SyncProducer that
// has the consumer's TLS and SASL settings, opened on first use.
type kafkaProducer struct {
	brokers []string
	base    *sarama.Config // nil: plaintext
	mu      sync.Mutex
	p       sarama.SyncProducer
}

func (k *kafkaProducer) producer() (sarama.SyncProducer, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.p != nil {
		return k.p, nil
	}
	cfg := sarama.NewConfig()
	if k.base != nil {
		c := *k.base
		cfg = &c
	}
	cfg.ClientID = "eventscope-redrive"
	cfg.Version = sarama.V2_1_0_0 // record headers
	cfg.Net.DialTimeout = 5 * time.Second
	cfg.Producer.Return.Successes = true
	cfg.Producer.RequiredAcks = sarama.WaitForAll
	cfg.Producer.Retry.Max = 3
	p, err := sarama.NewSyncProducer(k.brokers, cfg)
	if err != nil {
		return nil, fmt.Errorf("open kafka producer: %w", err)
	}
	k.p = p
	return p, nil
}

// Produce implements redrive.Producer.
func (k *kafkaProducer) Produce(ctx context.Context, r redrive.Record) (store.Coord, error) {
	p, err := k.producer()
	if err != nil {
		return store.Coord{}, err
	}
	msg := &sarama.ProducerMessage{Topic: r.Topic, Value: sarama.ByteEncoder(r.Value)}
	if len(r.Key) > 0 {
		msg.Key = sarama.ByteEncoder(r.Key)
	}
	for _, h := range r.Headers {
		msg.Headers = append(msg.Headers, sarama.RecordHeader{Key: []byte(h.Key), Value: []byte(h.Value)})
	}
	if err := ctx.Err(); err != nil {
		return store.Coord{}, err
	}
	part, off, err := p.SendMessage(msg)
	if err != nil {
		return store.Coord{}, fmt.Errorf("produce to %s: %w", r.Topic, err)
	}
	return store.Coord{Topic: r.Topic, Partition: part, Offset: off}, nil
}

// Close closes the producer if it was opened.
func (k *kafkaProducer) Close() error {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.p == nil {
		return nil
	}
	return k.p.Close()
}

// redriveOptions is the UI's redrive configuration (nil when off) and the
// producer to close at shutdown.
func redriveOptions(c *config) (*ui.RedriveOptions, *kafkaProducer) {
	if !c.redrive.Allow {
		return nil, nil
	}
	k := &kafkaProducer{brokers: c.brokers, base: c.sec.sarama}
	secret := make([]byte, 32)
	rand.Read(secret) //nolint:errcheck // crypto/rand.Read never fails
	return &ui.RedriveOptions{Producer: k, Operators: c.redrive.operators, Secret: secret, Origins: c.redrive.origins,
		GroupMax: c.redrive.GroupMax, PerSecond: c.redrive.PerSecond}, k
}
