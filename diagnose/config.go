package diagnose

import (
	"github.com/eventscope/eventscope/event"
	"path"
	"strings"
	"time"
	"unicode"
)

// Rule is an explicit stall rule: an event of type After expects an event
// of one of the types Expect within Within. A follow-up counts when it is a
// causal descendant of the event, or when it has no known cause in the flow
// and is not earlier than the event (so flows without causation IDs work).
// Learned is the number of flows a learned rule was drawn from (0 for a
// rule from the configuration).
type Rule struct {
	After   string        `json:"after" yaml:"after"`
	Expect  []string      `json:"expect" yaml:"expect"`
	Within  time.Duration `json:"within" yaml:"within"`
	Learned int           `json:"learned,omitempty" yaml:"-"`
	// Given (learned rules only) is the type of the failure the flows it
	// was learned from had (the first failure not recovered): the rule
	// applies to flows with that failure only. "": flows without one.
	Given string `json:"given,omitempty" yaml:"-"`
}

// Config is what the rules are tuned with. The zero value is not useful:
// start from Default and change what differs.
type Config struct {
	// DeadLetterTopics are topic globs (path.Match syntax, matched against
	// the lowercased topic name) of dead-letter topics.
	DeadLetterTopics []string
	// FailureTypes and CompensationTypes are words (or CamelCase word
	// sequences) matched, case-insensitively, as whole words of an event's
	// type name: "Failed" matches PaymentFailed and payment.failed, not
	// Unfailedness; "TimedOut" matches OrderTimedOut.
	FailureTypes      []string
	CompensationTypes []string
	// FailureFields are payload fields that make an event a failure when
	// present and non-empty, looked up at the payload's top level and under
	// each of PayloadNests.
	FailureFields []string
	// FailureHeaders are headers (case-insensitive) that make an event a
	// failure when present and non-empty.
	FailureHeaders []string
	// ReasonFields are payload fields, then ReasonHeaders headers, tried in
	// order for a failure's reason (first non-empty wins).
	ReasonFields  []string
	ReasonHeaders []string
	PayloadNests  []string
	// UnpublishedCauses are the ID conventions (event.Convention* names)
	// whose causation ID may name a message that is never published to
	// Kafka: Axon's axon-metadata-correlationId names the message the
	// handler handled, which is the command when an aggregate applied the
	// event (commands travel on Axon's command bus, not Kafka). An unseen
	// cause of such an event is no orphan (Class.UnpublishedCause).
	UnpublishedCauses []string
	// Rules are explicit stall rules; they override learned rules for the
	// same After type.
	Rules []Rule
	// A hop is slow when its latency is above SlowMargin × the baseline's
	// p99 and above SlowFloor.
	SlowMargin float64
	SlowFloor  time.Duration
	// Baseline holds what was learned from stored traffic (nil: nothing
	// learned; slow_hop is then off and only explicit rules stall flows).
	// Learned, when Baseline is nil, is where a learner publishes it.
	Baseline *Baseline
	Learned  *BaselineSource

	// The word sequences of FailureTypes and CompensationTypes, with the
	// slices they were made from (a copy of the Config shares them; a new
	// slice makes them again).
	failWords, compWords patternWords
}

// patternWords caches the word sequences of one pattern list.
type patternWords struct {
	from  []string
	words [][]string
}

// of returns the word sequences of ps, from the cache when ps is the slice
// they were made from.
func (p *patternWords) of(ps []string) [][]string {
	if len(ps) > 0 && len(p.from) == len(ps) && &p.from[0] == &ps[0] {
		return p.words
	}
	return wordSeqs(ps)
}

// base is the baseline in force (nil: none).
func (c *Config) base() *Baseline {
	if c.Baseline != nil {
		return c.Baseline
	}
	return c.Learned.Get()
}

var dlHeaders = []string{"dlt-exception-message", "kafka_dlt-exception-message", "x-exception-message", "__connect.errors.exception.message"}

// Default returns the built-in configuration: the dead-letter naming
// conventions (*.DLT, *-dlt, *-dlq, *.dlq, dlq.*), the failure and
// compensation words, fields and headers of the issue that defined them,
// slow hops at 3 × p99 and at least 100ms, no stall rules.
func Default() Config {
	return Config{
		DeadLetterTopics: []string{"*.dlt", "*-dlt", "*-dlq", "*.dlq", "dlq.*"},
		FailureTypes: []string{"Failed", "Failure", "Rejected", "Declined", "Error", "Exception",
			"Timeout", "TimedOut", "Aborted", "Expired", "Denied"},
		CompensationTypes: []string{"Cancelled", "Canceled", "Refunded", "Compensated", "Reversed",
			"Reverted", "Released", "RolledBack", "Voided"},
		FailureFields:     []string{"error", "exception"},
		FailureHeaders:    dlHeaders,
		ReasonFields:      []string{"reason", "error", "errorMessage", "message", "exception"},
		ReasonHeaders:     dlHeaders,
		PayloadNests:      []string{"data", "payload"},
		UnpublishedCauses: []string{event.ConventionAxon},
		SlowMargin:        3,
		SlowFloor:         100 * time.Millisecond,
	}.compiled()
}

// compiled returns c with the word sequences of its type patterns cached.
func (c Config) compiled() Config {
	c.failWords = patternWords{c.FailureTypes, wordSeqs(c.FailureTypes)}
	c.compWords = patternWords{c.CompensationTypes, wordSeqs(c.CompensationTypes)}
	return c
}

// IsDeadLetter reports whether topic is a dead-letter topic. ("*" matches
// "/" too: path.Match's separator means nothing in a topic name.)
func (c *Config) IsDeadLetter(topic string) bool {
	t := strings.ReplaceAll(strings.ToLower(topic), "/", "\x00")
	for _, p := range c.DeadLetterTopics {
		if ok, err := path.Match(strings.ReplaceAll(strings.ToLower(p), "/", "\x00"), t); ok && err == nil {
			return true
		}
	}
	return false
}

// IsDeadLetterTopic reports whether topic follows a built-in dead-letter
// naming convention (Default's DeadLetterTopics).
func IsDeadLetterTopic(topic string) bool {
	c := Default()
	return c.IsDeadLetter(topic)
}

// IsFailureType reports whether a type name reads as a failure.
func (c *Config) IsFailureType(typ string) bool {
	return hasWords(words(typ), c.failWords.of(c.FailureTypes))
}

// IsCompensationType reports whether a type name reads as a compensation.
func (c *Config) IsCompensationType(typ string) bool {
	return hasWords(words(typ), c.compWords.of(c.CompensationTypes))
}

func wordSeqs(ps []string) [][]string {
	out := make([][]string, 0, len(ps))
	for _, p := range ps {
		if w := words(p); len(w) > 0 {
			out = append(out, w)
		}
	}
	return out
}

// hasWords reports whether one of seqs occurs as consecutive words of ws.
func hasWords(ws []string, seqs [][]string) bool {
	for _, seq := range seqs {
		for i := 0; i+len(seq) <= len(ws); i++ {
			match := true
			for j := range seq {
				if ws[i+j] != seq[j] {
					match = false
					break
				}
			}
			if match {
				return true
			}
		}
	}
	return false
}

// words splits a type name into lowercased words: at every character that
// is not a letter or digit, and at CamelCase boundaries ("HTTPTimedOut" is
// http, timed, out).
func words(s string) []string {
	var out []string
	rs := []rune(s)
	start := -1
	flush := func(i int) {
		if start >= 0 && i > start {
			out = append(out, strings.ToLower(string(rs[start:i])))
		}
		start = -1
	}
	for i, r := range rs {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			flush(i)
			continue
		}
		if start < 0 {
			start = i
			continue
		}
		prev := rs[i-1]
		switch {
		case unicode.IsUpper(r) && (unicode.IsLower(prev) || unicode.IsDigit(prev)):
			flush(i)
			start = i
		case unicode.IsUpper(r) && unicode.IsUpper(prev) && i+1 < len(rs) && unicode.IsLower(rs[i+1]):
			flush(i)
			start = i
		}
	}
	flush(len(rs))
	return out
}
