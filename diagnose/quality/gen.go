// Package quality measures the diagnose engine: it generates labelled
// flows (the demo shop's course, with every fault shape the engine must
// tell: failures with and without compensation, a compensation that fails,
// a failing branch of a fan-out, dead letters recovered or never retried,
// lost and late steps, slow hops, orphans, duplicates, out-of-order
// clocks), runs the engine on them with a baseline learned from healthy
// traffic, and scores precision and recall per kind and per status. Pure:
// no I/O, no clock.
package quality

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/eventscope/eventscope/diagnose"
)

// Flow is one generated flow with what the engine should find.
type Flow struct {
	Shape  string
	Steps  []diagnose.Step
	Kinds  map[string]bool // the anomaly kinds injected
	Status string
}

// Shapes are the fault shapes, "healthy" first.
var Shapes = []string{"healthy", "failure_compensated", "failure_uncompensated", "failing_compensation",
	"fanout_branch_fails", "dead_letter_recovered", "dead_letter_never_retried", "lost_step", "late_step",
	"slow_hop", "orphan", "duplicate", "out_of_order", "in_progress"}

// gen builds flows from a seeded source; Start is the first flow's time.
type gen struct {
	rnd   *rand.Rand
	start time.Time
	n     int
}

// Generate makes n flows: share of them healthy, the rest spread evenly
// over the fault shapes, starting one a second from start; now is when
// they are judged (every flow but in_progress is an hour old by then).
func Generate(seed uint64, n int, healthy float64, start time.Time) []Flow {
	g := &gen{rnd: rand.New(rand.NewPCG(seed, seed^0x9e37)), start: start, n: n}
	out := make([]Flow, 0, n)
	for i := range n {
		shape := "healthy"
		if g.rnd.Float64() >= healthy {
			shape = Shapes[1+g.rnd.IntN(len(Shapes)-1)]
		}
		out = append(out, g.flow(i, shape))
	}
	return out
}

// Now is when Generate's flows are judged: an hour after the last one.
func Now(start time.Time, n int) time.Time {
	return start.Add(time.Duration(n)*time.Second + time.Hour)
}

type builder struct {
	g     *gen
	f     *Flow
	id    string
	t0    time.Time
	t     time.Duration
	seq   int
	topic map[string]int64
}

func (b *builder) add(typ, src, topic, cause string, after time.Duration, cl diagnose.Class) string {
	b.t += after
	b.seq++
	id := fmt.Sprintf("%s-%d", b.id, b.seq)
	off := b.topic[topic]
	b.topic[topic]++
	b.f.Steps = append(b.f.Steps, diagnose.Step{ID: id, Cause: cause, Type: typ, Source: src, Topic: topic,
		Flow: b.id, Where: fmt.Sprintf("%s/0/%d", topic, off), Time: b.t0.Add(b.t), Class: cl})
	return id
}

// hop is a usual hop latency: 50 to 300 ms.
func (b *builder) hop() time.Duration {
	return time.Duration(50+b.g.rnd.IntN(250)) * time.Millisecond
}

var (
	failed     = func(reason string) diagnose.Class { return diagnose.Class{Failure: true, Reason: reason} }
	compensate = diagnose.Class{Compensation: true}
)

func (g *gen) flow(i int, shape string) Flow {
	f := Flow{Shape: shape, Kinds: map[string]bool{}, Status: diagnose.StatusOK}
	b := &builder{g: g, f: &f, id: fmt.Sprintf("f%05d", i), t0: g.start.Add(time.Duration(i) * time.Second),
		topic: map[string]int64{}}
	if shape == "in_progress" { // started a moment before the judgement
		b.t0 = Now(g.start, g.n).Add(-500 * time.Millisecond)
	}
	o := b.add("OrderPlaced", "order", "orders", "", 0, diagnose.Class{})
	rest := func(pay string) {
		p := b.add("PizzaPrepared", "kitchen", "kitchen", o, b.hop(), diagnose.Class{})
		box := b.hop()
		if shape == "slow_hop" {
			box = time.Duration(3000+g.rnd.IntN(3000)) * time.Millisecond
		}
		x := b.add("PizzaBoxed", "kitchen", "kitchen", p, box, diagnose.Class{})
		if shape == "lost_step" {
			return
		}
		d := b.add("OutForDelivery", "delivery", "delivery", x, b.hop(), diagnose.Class{})
		late := b.hop()
		if shape == "late_step" { // late, not lost: within the learned expectation
			late = 2 * late
		}
		b.add("OrderDelivered", "delivery", "delivery", d, late, diagnose.Class{})
		_ = pay
	}
	switch shape {
	case "healthy", "slow_hop", "lost_step", "late_step":
		rest(b.add("PaymentAuthorized", "payment", "payments", o, b.hop(), diagnose.Class{}))
	case "in_progress":
		f.Status = diagnose.StatusInProgress
	case "failure_compensated":
		p := b.add("PaymentFailed", "payment", "payments", o, b.hop(), failed("card declined"))
		b.add("OrderCancelled", "order", "orders", p, b.hop(), compensate)
		f.Kinds[diagnose.Failure], f.Status = true, diagnose.StatusCompensated
	case "failure_uncompensated":
		b.add("PaymentFailed", "payment", "payments", o, b.hop(), failed("insufficient funds"))
		f.Kinds[diagnose.Failure], f.Status = true, diagnose.StatusFailed
	case "failing_compensation":
		p := b.add("PaymentFailed", "payment", "payments", o, b.hop(), failed("card expired"))
		c := b.add("OrderCancelled", "order", "orders", p, b.hop(), compensate)
		b.add("RefundFailed", "payment", "payments", c, b.hop(), failed("bank unavailable"))
		f.Kinds[diagnose.Failure], f.Status = true, diagnose.StatusFailed
	case "fanout_branch_fails":
		b.add("PaymentAuthorized", "payment", "payments", o, b.hop(), diagnose.Class{})
		b.add("KitchenRejected", "kitchen", "kitchen", o, b.hop(), failed("oven broken"))
		f.Kinds[diagnose.Failure], f.Status = true, diagnose.StatusFailed
	case "dead_letter_recovered", "dead_letter_never_retried":
		dl := diagnose.Class{DeadLetter: true, Failure: true, Reason: "payment gateway timeout"}
		b.add("OrderPlaced", "payment", "payments.DLT", o, b.hop(), dl)
		f.Kinds[diagnose.DeadLetter] = true
		if shape == "dead_letter_recovered" {
			rest(b.add("PaymentAuthorized", "payment", "payments", o, 800*time.Millisecond, diagnose.Class{}))
			f.Status = diagnose.StatusRecovered
		} else {
			b.add("PizzaPrepared", "kitchen", "kitchen", o, b.hop(), diagnose.Class{})
			f.Status = diagnose.StatusFailed
		}
	case "orphan":
		rest(b.add("PaymentAuthorized", "payment", "payments", "cmd-"+b.id, b.hop(), diagnose.Class{}))
		f.Kinds[diagnose.Orphan] = true
	case "duplicate":
		rest(b.add("PaymentAuthorized", "payment", "payments", o, b.hop(), diagnose.Class{}))
		dup := f.Steps[0]
		dup.Where, dup.Time = "orders/0/99", dup.Time.Add(5*time.Millisecond)
		f.Steps = append(f.Steps, dup)
		f.Kinds[diagnose.Duplicate] = true
	case "out_of_order":
		p := b.add("PaymentAuthorized", "payment", "payments", o, b.hop(), diagnose.Class{})
		b.t -= 2 * time.Second // the kitchen's clock runs behind
		rest(p)
		f.Kinds[diagnose.OutOfOrder] = true
	}
	switch shape {
	case "lost_step":
		f.Kinds[diagnose.Stalled], f.Status = true, diagnose.StatusStalled
	case "slow_hop":
		f.Kinds[diagnose.SlowHop] = true
	}
	sortSteps(f.Steps)
	return f
}
