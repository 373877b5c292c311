package ingest

import (
	"fmt"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Flush reasons, the "reason" label of eventscope_ingest_flushes_total.
const (
	ReasonSize      = "size"
	ReasonInterval  = "interval"
	ReasonRebalance = "rebalance"
	ReasonShutdown  = "shutdown"
)

// metrics are the Prometheus collectors of one Ingester.
type metrics struct {
	consumed  *prometheus.CounterVec
	stored    *prometheus.CounterVec
	batchSize prometheus.Histogram
	flushes   *prometheus.CounterVec
	writeDur  prometheus.Histogram
	retries   prometheus.Counter
	dropped   prometheus.Counter
}

// lagDesc describes the consumer lag, computed from the partition state at
// each scrape so it is current even while writes are failing.
var lagDesc = prometheus.NewDesc("eventscope_ingest_consumer_lag",
	"Records in a partition owned by this ingester not yet stored: high watermark minus next offset to store.",
	[]string{"topic", "partition"}, nil)

// lagCollector reports the lag of the partitions this ingester owns.
type lagCollector struct{ st *state }

func (c lagCollector) Describe(ch chan<- *prometheus.Desc) { ch <- lagDesc }

func (c lagCollector) Collect(ch chan<- prometheus.Metric) {
	for _, p := range c.st.snapshot(time.Now()).Partitions {
		ch <- prometheus.MustNewConstMetric(lagDesc, prometheus.GaugeValue, float64(p.Lag),
			p.Topic, strconv.Itoa(int(p.Partition)))
	}
}

func newMetrics(reg prometheus.Registerer, st *state) (*metrics, error) {
	m := &metrics{
		consumed: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "eventscope_ingest_records_consumed_total",
			Help: "Kafka records consumed, per topic.",
		}, []string{"topic"}),
		stored: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "eventscope_ingest_records_stored_total",
			Help: "Records durably written to the store, per topic.",
		}, []string{"topic"}),
		batchSize: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "eventscope_ingest_batch_size",
			Help:    "Events per batch written to the store.",
			Buckets: prometheus.ExponentialBuckets(1, 4, 9),
		}),
		flushes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "eventscope_ingest_flushes_total",
			Help: "Batches flushed, by reason (size, interval, rebalance, shutdown).",
		}, []string{"reason"}),
		writeDur: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "eventscope_ingest_write_duration_seconds",
			Help:    "Latency of one store write attempt.",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2, 16),
		}),
		retries: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "eventscope_ingest_write_retries_total",
			Help: "Store writes retried after a failure.",
		}),
		dropped: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "eventscope_ingest_batches_abandoned_total",
			Help: "Batches not written before the shutdown deadline (not committed: redelivered on restart).",
		}),
	}
	if reg == nil {
		return m, nil
	}
	for _, c := range []prometheus.Collector{m.consumed, m.stored, m.batchSize, m.flushes, m.writeDur, m.retries, m.dropped, lagCollector{st}} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("register ingest metrics: %w", err)
		}
	}
	return m, nil
}
