package main

import (
	"os"
	"runtime/debug"
)

// softMemoryLimit is the Go heap's soft limit unless GOMEMLIMIT sets
// another: a backfill holds up to four batches of events (~100 MB of
// 10000-event batches) and would otherwise let the heap double past them
// before collecting. Not lower: at 128 MiB the collector ran nearly all
// the time (508 cpu-µs per record instead of 109-174; docs/PERFORMANCE.md,
// Ingest). The embedded store's page caches (up to 80 MB) come on top.
const softMemoryLimit = 160 << 20

// limitMemory applies softMemoryLimit when GOMEMLIMIT is unset.
func limitMemory() {
	if _, ok := os.LookupEnv("GOMEMLIMIT"); !ok {
		debug.SetMemoryLimit(softMemoryLimit)
	}
}
