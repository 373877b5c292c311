// Command bench measures eventscope's ingest against the raw drivers, on
// the same records, in one interleaved run (docs/PERFORMANCE.md, Ingest):
// it produces the records once into 8 new topics of 3 partitions on a real
// Kafka broker, then for each round reads them with a raw sarama consumer
// group and, for each store, inserts them with the raw driver into a plain
// table of the same columns and runs `tracer serve --from-beginning` over
// them (Kafka → store → committed offsets), ending with the freshness of
// probe records. Run it through scripts/bench-ingest, which builds the
// tracer:
//
//	scripts/bench-ingest -records 1000000
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/IBM/sarama"

	"github.com/eventscope/eventscope/sim"
)

type options struct {
	tracer, brokers, chDSN string
	records, rounds, flow  int
	sqliteBatch            int
	chBatches              string
	stores                 string
	tracerArgs             string
	freshRate              int
	freshDur, freshEvery   time.Duration
	keepTopics             bool
}

func main() {
	var o options
	flag.StringVar(&o.tracer, "tracer", "", "tracer binary to run (scripts/bench-ingest builds one)")
	flag.StringVar(&o.brokers, "brokers", os.Getenv("EVENTSCOPE_TEST_KAFKA"), "Kafka brokers (default $EVENTSCOPE_TEST_KAFKA)")
	flag.StringVar(&o.chDSN, "clickhouse", os.Getenv("EVENTSCOPE_TEST_CLICKHOUSE"), "ClickHouse server DSN (default $EVENTSCOPE_TEST_CLICKHOUSE)")
	flag.IntVar(&o.records, "records", 1_000_000, "records to produce")
	flag.IntVar(&o.rounds, "rounds", 2, "rounds of raw and product runs")
	flag.IntVar(&o.flow, "flow-size", 20, "events per flow")
	flag.IntVar(&o.sqliteBatch, "sqlite-batch", 1000, "rows per transaction of the raw sqlite insert")
	flag.StringVar(&o.chBatches, "clickhouse-batches", "10000,50000,200000", "raw ClickHouse batch sizes tried; the fastest is the baseline")
	flag.StringVar(&o.stores, "stores", "sqlite,clickhouse", "stores to measure")
	flag.StringVar(&o.tracerArgs, "tracer-args", "", "extra flags for tracer serve, space-separated")
	flag.IntVar(&o.freshRate, "fresh-rate", 0, "background records per second while freshness is measured (0: a quarter of the tracer's measured rate, at most 2000)")
	flag.DurationVar(&o.freshDur, "fresh-duration", 20*time.Second, "how long probes are sent")
	flag.DurationVar(&o.freshEvery, "fresh-every", 50*time.Millisecond, "one probe record this often")
	flag.BoolVar(&o.keepTopics, "keep-topics", false, "do not delete the topics at the end")
	flag.Parse()
	if o.tracer == "" || o.brokers == "" {
		log.Fatal("need -tracer and -brokers (or EVENTSCOPE_TEST_KAFKA): run scripts/bench-ingest")
	}
	if err := run(o); err != nil {
		log.Fatal(err)
	}
}

// result is one measured run.
type result struct {
	n            int
	steadyN      int           // records counted over steady
	steady, wall time.Duration // the last 90% of the records (consumers), or all (inserts); start to end
	cpu          time.Duration
	rssMiB       float64
	fresh        []time.Duration // sorted
}

func (r result) rate() float64 { return float64(r.steadyN) / r.steady.Seconds() }

func run(o options) error {
	ctx := context.Background()
	brokers := strings.Split(o.brokers, ",")
	admin, err := sarama.NewClusterAdmin(brokers, sarama.NewConfig())
	if err != nil {
		return fmt.Errorf("kafka admin: %w", err)
	}
	defer admin.Close()
	id := strings.ReplaceAll(sim.NewUUID()[:8], "-", "")
	prefix := "ingestbench-" + id + "."
	names := topics(prefix)
	dir, err := os.MkdirTemp("", "ingestbench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	fmt.Printf("ingest bench %s: %d records (flows of %d, %d-byte JSON values, UUID IDs), %d topics x %d partitions; %s\n",
		id, o.records, o.flow, valueSize, len(names), partitions, loadavg())
	recs := generate(o.records, o.flow, uint64(time.Now().UnixNano()))
	if err := createTopics(admin, names); err != nil {
		return err
	}
	if !o.keepTopics {
		defer func() {
			for _, t := range names {
				_ = admin.DeleteTopic(t) // best effort: the broker's disk
			}
		}()
	}
	t := time.Now()
	if err := produce(brokers, prefix, recs); err != nil {
		return err
	}
	fmt.Printf("produced in %s\n", time.Since(t).Round(time.Millisecond))
	evs := decodeAll(recs, prefix)
	recs = nil

	rawDB := "eventscope_ingestbench_raw_" + id
	stores := strings.Split(o.stores, ",")
	useCH := o.chDSN != "" && strings.Contains(o.stores, "clickhouse")
	if !useCH && slices.Contains(stores, "clickhouse") {
		stores = removeStr(stores, "clickhouse")
		fmt.Println("ClickHouse not measured (no -clickhouse / EVENTSCOPE_TEST_CLICKHOUSE)")
	}
	chBatch := 0
	if useCH {
		if chBatch, err = sweepCH(ctx, o, rawDB, evs); err != nil {
			return err
		}
	}
	all := map[string][]result{}
	add := func(name string, r result, err error) error {
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		all[name] = append(all[name], r)
		printRun(name, r)
		return nil
	}
	extra := strings.Fields(o.tracerArgs)
	for round := 1; round <= o.rounds; round++ {
		fmt.Printf("-- round %d (%s)\n", round, loadavg())
		r, err := rawConsume(brokers, fmt.Sprintf("ingestbench-%s-raw-%d", id, round), names, o.records)
		if err := add("raw sarama group read", r, err); err != nil {
			return err
		}
		for _, s := range stores {
			switch s {
			case "sqlite":
				r, err := rawSQLite(dir, evs, o.sqliteBatch)
				if err := add(fmt.Sprintf("raw sqlite insert (batches of %d)", o.sqliteBatch), r, err); err != nil {
					return err
				}
				dsn := "sqlite://" + filepath.Join(dir, fmt.Sprintf("product-%d.db", round))
				r, err = product(o, dsn, brokers, admin, prefix, names, fmt.Sprintf("ingestbench-%s-sqlite-%d", id, round), dir, extra)
				os.RemoveAll(strings.TrimPrefix(dsn, "sqlite://")) // and its -wal, -shm below
				os.Remove(strings.TrimPrefix(dsn, "sqlite://") + "-wal")
				os.Remove(strings.TrimPrefix(dsn, "sqlite://") + "-shm")
				if err := add("tracer serve -> sqlite", r, err); err != nil {
					return err
				}
			case "clickhouse":
				r, err := rawClickHouse(ctx, o.chDSN, rawDB, evs, chBatch)
				if err := add(fmt.Sprintf("raw clickhouse-go insert (batches of %d)", chBatch), r, err); err != nil {
					return err
				}
				db := fmt.Sprintf("eventscope_ingestbench_%s_%d", id, round)
				dsn, err := withDatabase(o.chDSN, db)
				if err != nil {
					return err
				}
				if out, err := exec.Command(o.tracer, "migrate", "--store", dsn).CombinedOutput(); err != nil {
					return fmt.Errorf("tracer migrate: %w: %s", err, out)
				}
				r, err = product(o, dsn, brokers, admin, prefix, names, fmt.Sprintf("ingestbench-%s-ch-%d", id, round), dir, extra)
				dropCH(ctx, o.chDSN, db)
				if err := add("tracer serve -> clickhouse", r, err); err != nil {
					return err
				}
			default:
				return fmt.Errorf("-stores: unknown store %q", s)
			}
		}
	}
	dropCH(ctx, o.chDSN, rawDB)
	summary(all, stores, chBatch, o)
	return nil
}

// product runs tracer serve over the records, then measures freshness.
func product(o options, dsn string, brokers []string, admin sarama.ClusterAdmin, prefix string, names []string, group, dir string, extra []string) (result, error) {
	start := time.Now()
	tr, err := startTracer(o.tracer, dsn, brokers, prefix, group, filepath.Join(dir, group+".log"), extra)
	if err != nil {
		return result{}, err
	}
	defer tr.stop()
	r, err := tr.waitCommitted(admin, names, o.records, start, 30*time.Minute)
	if err != nil {
		b, _ := os.ReadFile(filepath.Join(dir, group+".log"))
		return r, fmt.Errorf("%w; tracer log:\n%s", err, tailLines(string(b), 20))
	}
	rate := o.freshRate
	if rate <= 0 { // keeping up: well under what this tracer just managed
		rate = min(2000, int(r.rate()/4))
	}
	fmt.Printf("    freshness with %d background records/s\n", rate)
	r.fresh, err = tr.freshness(brokers, prefix, rate, o.freshDur, o.freshEvery)
	if err != nil {
		return r, err
	}
	_, r.rssMiB = procStats(tr.cmd.Process.Pid) // freshness included
	return r, nil
}

func withDatabase(dsn, db string) (string, error) {
	u, err := url.Parse(dsn)
	if err != nil {
		return "", fmt.Errorf("parse clickhouse dsn: %w", err)
	}
	u.Path = "/" + db
	return u.String(), nil
}

func selfCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "load ?"
	}
	return "load average " + strings.Join(strings.Fields(string(b))[:3], " ")
}

func removeStr(list []string, s string) []string {
	out := list[:0]
	for _, v := range list {
		if v != s {
			out = append(out, v)
		}
	}
	return out
}

func tailLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

func parseInts(s string) ([]int, error) {
	var out []int
	for f := range strings.SplitSeq(s, ",") {
		v, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || v <= 0 {
			return nil, fmt.Errorf("bad batch size %q", f)
		}
		out = append(out, v)
	}
	return out, nil
}
