package ingest

import (
	"fmt"

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
	lag       *prometheus.GaugeVec
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
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
		lag: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "eventscope_ingest_consumer_lag",
			Help: "Records in a partition not yet stored: high watermark minus next offset to store.",
		}, []string{"topic", "partition"}),
	}
	if reg == nil {
		return m, nil
	}
	for _, c := range []prometheus.Collector{m.consumed, m.stored, m.batchSize, m.flushes, m.writeDur, m.retries, m.dropped, m.lag} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("register ingest metrics: %w", err)
		}
	}
	return m, nil
}
