package main

import (
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"syscall"
)

// startProfile writes a CPU profile of the whole run to the file named by
// EVENTSCOPE_CPUPROFILE, when set (for scripts/bench-ingest: where a
// backfill's time goes, docs/PERFORMANCE.md, Ingest); "%p" in the name is
// the process ID. The returned stop ends and closes it.
func startProfile(stderr io.Writer) (stop func()) {
	path := os.Getenv("EVENTSCOPE_CPUPROFILE")
	if path == "" {
		return func() {}
	}
	f, err := os.Create(strings.ReplaceAll(path, "%p", strconv.Itoa(os.Getpid())))
	if err == nil {
		err = pprof.StartCPUProfile(f)
	}
	if err != nil {
		fmt.Fprintf(stderr, "EVENTSCOPE_CPUPROFILE: %v\n", err)
		return func() {}
	}
	var once sync.Once
	stop = func() {
		once.Do(func() {
			pprof.StopCPUProfile()
			f.Close()
		})
	}
	// A shutdown that outlasts its caller's patience ends in SIGKILL
	// (scripts/bench-ingest waits 30 s): the profile ends at the signal.
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, os.Interrupt)
	go func() {
		<-sig
		signal.Stop(sig)
		stop()
	}()
	return stop
}
