package clickhouse

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"sync"
	"testing"
	"time"
)

// dbPool hands out freshly migrated databases of one server or cluster:
// workers migrate them ahead of the tests that take them, and a database
// is dropped in the background when its test ends.
type dbPool struct {
	base   string
	ready  chan pooled
	cancel context.CancelFunc
	work   sync.WaitGroup // the workers
	drops  sync.WaitGroup // background drops

	mu   sync.Mutex
	errs []string // drops that failed, reported at the end
}

// pooled is one migrated database (or the error migrating it).
type pooled struct {
	dsn, db string
	err     error
	took    time.Duration
}

// newDBPool starts workers migrating databases on base; at the end of t
// it stops them and drops every database it made.
func newDBPool(t *testing.T, base string, workers int) *dbPool {
	// A migration under way when t ends is finished, then dropped: a
	// database dropped while its tables are created is not ("New table
	// appeared in database being dropped").
	ctx, cancel := context.WithCancel(context.Background())
	p := &dbPool{base: base, ready: make(chan pooled, workers), cancel: cancel}
	for range workers {
		p.work.Go(func() {
			for ctx.Err() == nil {
				d := p.migrate(context.Background())
				select {
				case p.ready <- d:
				case <-ctx.Done():
					p.drop(d)
					return
				}
			}
		})
	}
	t.Cleanup(func() {
		p.cancel()
		go func() { p.work.Wait(); close(p.ready) }()
		for d := range p.ready {
			p.drop(d)
		}
		p.drops.Wait()
		for _, e := range p.errs {
			t.Error(e)
		}
	})
	return p
}

// migrate makes and migrates one new database.
func (p *dbPool) migrate(ctx context.Context) pooled {
	u, err := url.Parse(p.base)
	if err != nil {
		return pooled{err: err}
	}
	b := make([]byte, 6)
	rand.Read(b)
	d := pooled{db: "eventscope_test_" + hex.EncodeToString(b)}
	u.Path = "/" + d.db
	d.dsn = u.String()
	start := time.Now()
	d.err = Migrate(ctx, d.dsn)
	d.took = time.Since(start)
	return d
}

// take gives t a migrated database, dropped in the background when t ends.
func (p *dbPool) take(t *testing.T) string {
	t.Helper()
	d := <-p.ready
	t.Cleanup(func() { p.drop(d) })
	if d.err != nil {
		t.Fatalf("migrate %s: %v", d.db, d.err)
	}
	t.Logf("database %s (migrated in %v)", d.db, d.took.Round(time.Millisecond))
	return d.dsn
}

// drop drops d in the background (dropDatabase's errors are kept for the
// end: t has ended by then).
func (p *dbPool) drop(d pooled) {
	if d.db == "" {
		return
	}
	p.drops.Go(func() {
		var e errRecorder
		dropDatabase(&e, d.dsn, d.db)
		if e.msg != "" {
			p.mu.Lock()
			p.errs = append(p.errs, e.msg)
			p.mu.Unlock()
		}
	})
}

// errRecorder is the testing.TB dropDatabase reports to from a goroutine.
type errRecorder struct {
	testing.TB
	msg string
}

func (e *errRecorder) Errorf(format string, args ...any) { e.msg = fmt.Sprintf(format, args...) }
