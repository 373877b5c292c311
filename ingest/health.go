package ingest

import (
	"fmt"
	"time"
)

// WriteFailure is the error WriteHealth returns while store writes fail.
type WriteFailure struct {
	Since    time.Time // the first failure of the current run of failures
	Attempts int64     // failed attempts since then
	Err      error     // the last failure
}

func (f *WriteFailure) Error() string {
	return fmt.Sprintf("store writes failing since %s (%d attempts): %v",
		f.Since.Format(time.RFC3339), f.Attempts, f.Err)
}

func (f *WriteFailure) Unwrap() error { return f.Err }

// WriteHealth reports whether the store takes writes: nil while the last
// write succeeded (or none was tried yet), a *WriteFailure while a batch is
// retried after failing. /readyz uses it, so a store that refuses writes (a
// read-only file, a read-only ClickHouse user, a full disk) shows as not
// ready instead of lagging silently.
func (in *Ingester) WriteHealth() error {
	if f := in.st.writeFail.Load(); f != nil {
		return f
	}
	return nil
}

// writeFailed records a failed write attempt.
func (s *state) writeFailed(err error, now time.Time) {
	f := &WriteFailure{Since: now, Attempts: 1, Err: err}
	if prev := s.writeFail.Load(); prev != nil {
		f.Since, f.Attempts = prev.Since, prev.Attempts+1
	}
	s.writeFail.Store(f)
}
