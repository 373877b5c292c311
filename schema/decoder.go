package schema

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/eventscope/eventscope/event"
)

// Defaults of a Decoder.
const (
	DefaultCacheSize  = 10000
	DefaultTimeout    = 3 * time.Second
	DefaultMinBackoff = time.Second
	DefaultMaxBackoff = time.Minute
)

// Options tune a Decoder; zero values take the defaults.
type Options struct {
	CacheSize  int           // compiled schemas kept, at most
	Timeout    time.Duration // longest one fetch (with its references) may take
	MinBackoff time.Duration // first wait after a failed fetch
	MaxBackoff time.Duration // longest wait between fetches
	Now        func() time.Time
}

// Decoder decodes wire-format bytes to JSON with schemas from a Source. It
// is safe for concurrent use and implements event.FramedDecoder.
type Decoder struct {
	src  Source
	opts Options

	mu    sync.Mutex
	cache map[int32]*compiled
	order []int32 // insertion order, for eviction
	fails map[int32]*failure
	down  failure // the source as a whole (not reachable)
	// waiting: IDs a decode could not get, and when it last failed.
	waiting map[int32]time.Time
}

// maxWaiting bounds Waiting: more distinct missing schemas than this are
// found by the store scan at start (see ingest.Reindexer) instead.
const maxWaiting = 10000

var _ event.FramedDecoder = (*Decoder)(nil)

// failure remembers a failed fetch: no new fetch before next.
type failure struct {
	err     error
	next    time.Time
	backoff time.Duration
}

// compiled is a schema ready to decode with.
type compiled struct {
	s     Schema
	avro  *avroCodec
	proto *protoCodec
	json  *jsonCodec
}

// NewDecoder returns a Decoder over src.
func NewDecoder(src Source, o Options) *Decoder {
	if o.CacheSize <= 0 {
		o.CacheSize = DefaultCacheSize
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.MinBackoff <= 0 {
		o.MinBackoff = DefaultMinBackoff
	}
	if o.MaxBackoff < o.MinBackoff {
		o.MaxBackoff = max(DefaultMaxBackoff, o.MinBackoff)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Decoder{src: src, opts: o, cache: map[int32]*compiled{}, fails: map[int32]*failure{}, waiting: map[int32]time.Time{}}
}

// errWireFormat is a value that is not in the wire format.
var errWireFormat = errors.New("not in the schema registry wire format")

// DecodeFramed decodes b (magic byte 0, schema ID, data) to JSON. While
// the source is failing it returns the last error at once, without asking
// again before the backoff has passed.
func (d *Decoder) DecodeFramed(_ string, _ bool, b []byte) (event.Framed, error) {
	if len(b) < 5 || b[0] != 0 {
		return event.Framed{}, errWireFormat
	}
	id := int32(binary.BigEndian.Uint32(b[1:5]))
	c, err := d.schema(id)
	if err != nil {
		return event.Framed{}, err
	}
	f := event.Framed{ID: id, Subject: c.s.Subject, Version: c.s.Version}
	data := b[5:]
	switch {
	case c.avro != nil:
		f.Format = "avro"
		f.JSON, err = c.avro.toJSON(data)
	case c.proto != nil:
		f.Format = "protobuf"
		f.JSON, err = c.proto.toJSON(data)
	default:
		f.Format = "json"
		f.JSON, f.Invalid, err = c.json.validate(data)
	}
	if err != nil {
		// The schema is known: the data does not fit it (no later try
		// decodes it differently).
		return event.Framed{}, fmt.Errorf("%w: decode %s: %w", event.ErrFramedData, f.Format, err)
	}
	return f, nil
}

// schema returns the compiled schema id, fetching it when not cached and
// no backoff is running.
func (d *Decoder) schema(id int32) (*compiled, error) {
	d.mu.Lock()
	if c := d.cache[id]; c != nil {
		d.mu.Unlock()
		return c, nil
	}
	now := d.opts.Now()
	if f := d.fails[id]; f != nil && now.Before(f.next) {
		d.wait(id)
		d.mu.Unlock()
		return nil, f.err
	}
	if d.down.err != nil && now.Before(d.down.next) {
		err := d.down.err
		d.wait(id)
		d.mu.Unlock()
		return nil, err
	}
	d.mu.Unlock()

	ctx, cancel := context.WithTimeout(context.Background(), d.opts.Timeout)
	defer cancel()
	c, err := d.fetch(ctx, id)

	d.mu.Lock()
	defer d.mu.Unlock()
	if err != nil {
		if errors.Is(err, ErrNotFound) || c != nil {
			// The source answered: this ID (or its schema) is bad.
			d.fails[id] = d.fails[id].again(err, now, d.opts)
			d.down = failure{}
		} else {
			d.down = *d.down.again(fmt.Errorf("%w (retried with backoff)", err), now, d.opts)
		}
		d.wait(id)
		return nil, err
	}
	d.down = failure{}
	delete(d.fails, id)
	if _, ok := d.cache[id]; !ok {
		if len(d.order) >= d.opts.CacheSize {
			delete(d.cache, d.order[0])
			d.order = d.order[1:]
		}
		d.order = append(d.order, id)
	}
	d.cache[id] = c
	return c, nil
}

// wait notes that a decode could not get schema id (d.mu held).
func (d *Decoder) wait(id int32) {
	if _, ok := d.waiting[id]; ok || len(d.waiting) < maxWaiting {
		d.waiting[id] = d.opts.Now()
	}
}

// Waiting returns the IDs of the schemas decodes could not get since they
// were last forgotten: records stored meanwhile wait for them.
func (d *Decoder) Waiting() []int32 {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := make([]int32, 0, len(d.waiting))
	for id := range d.waiting {
		out = append(out, id)
	}
	slices.Sort(out)
	return out
}

// Available reports whether schema id can be had now: cached, or fetched
// when no backoff is running (a failed fetch keeps it waiting).
func (d *Decoder) Available(id int32) bool {
	_, err := d.schema(id)
	return err == nil
}

// Forget removes id from Waiting unless a decode failed to get it at or
// after since (the start of the pass that decoded the records waiting for
// it again): records decoded meanwhile may still be on their way to the
// store. It reports whether id was removed.
func (d *Decoder) Forget(id int32, since time.Time) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if t, ok := d.waiting[id]; ok && !t.Before(since) {
		return false
	}
	delete(d.waiting, id)
	return true
}

// again returns the failure after one more failed try at now.
func (f *failure) again(err error, now time.Time, o Options) *failure {
	b := o.MinBackoff
	if f != nil && f.backoff > 0 {
		b = min(2*f.backoff, o.MaxBackoff)
	}
	return &failure{err: err, next: now.Add(b), backoff: b}
}

// fetch reads and compiles schema id. A non-nil compiled with an error
// means the source answered but the schema does not compile.
func (d *Decoder) fetch(ctx context.Context, id int32) (*compiled, error) {
	s, err := d.src.ByID(ctx, id)
	if err != nil {
		return nil, err
	}
	c := &compiled{s: s}
	switch strings.ToUpper(s.Type) {
	case TypeAvro, "":
		c.avro, err = d.compileAvro(ctx, s)
	case TypeProtobuf:
		c.proto, err = d.compileProto(ctx, s)
	case TypeJSON:
		c.json, err = d.compileJSON(ctx, s)
	default:
		err = fmt.Errorf("unknown schema type %q", s.Type)
	}
	if err != nil {
		if errors.Is(err, ErrNotFound) || !isUnreachable(err) {
			return c, err
		}
		return nil, err
	}
	return c, nil
}

// unreachable marks an error of a reference fetch that did not get an
// answer (so the whole fetch is retried like an unreachable source).
type unreachable struct{ error }

func (u unreachable) Unwrap() error { return u.error }

func isUnreachable(err error) bool {
	var u unreachable
	return errors.As(err, &u)
}

// reference fetches a reference's schema; an unanswered fetch is marked
// unreachable.
func (d *Decoder) reference(ctx context.Context, r Reference) (Schema, error) {
	s, err := d.src.BySubject(ctx, r.Subject, r.Version)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return s, unreachable{fmt.Errorf("reference %s: %w", r.Name, err)}
	}
	if err != nil {
		return s, fmt.Errorf("reference %s: %w", r.Name, err)
	}
	return s, nil
}

// jsonSchemaValue returns a JSON Schema payload: the data is JSON already
// (validate checks it against its schema).
func jsonSchemaValue(data []byte) ([]byte, error) {
	if !jsonValid(data) {
		return nil, errors.New("JSON Schema payload is not valid JSON")
	}
	return data, nil
}
