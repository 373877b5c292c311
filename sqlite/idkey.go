package sqlite

import (
	"database/sql/driver"
	"hash/fnv"
	"math"

	msqlite "modernc.org/sqlite"

	"github.com/eventscope/eventscope/store"
)

// The event-ID index (migrations/0020_event_id_key.sql) keys on an 8-byte
// integer instead of the ID's text (36 bytes for a UUID): its high 32
// bits are the ID's first 4 bytes, in order, its low 32 bits a hash of
// the whole ID. An ID is looked up by its key and then compared whole; an
// ID prefix scans the keys of the IDs sharing its first (up to) 4 bytes.
// A third of the entry size keeps the index of 1M random IDs in the
// writer's page cache, and each commit rewrites fewer of its pages.

// idKeyFunc is the SQL function eventscope_id_key(id): idKey, for the
// migration that fills the column.
const idKeyFunc = "eventscope_id_key"

func init() {
	msqlite.MustRegisterDeterministicScalarFunction(idKeyFunc, 1, func(_ *msqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
		return idKey(string(blob(args[0]))), nil
	})
}

// idKey is the index key of an event ID.
func idKey(id string) int64 {
	h := fnv.New32a()
	h.Write([]byte(id)) //nolint:errcheck // never fails
	return signed(head(id, 0)<<32 | uint64(h.Sum32()))
}

// head is the first 4 bytes of s, big-endian, padded with pad.
func head(s string, pad byte) uint64 {
	var v uint64
	for i := range 4 {
		b := pad
		if i < len(s) {
			b = s[i]
		}
		v = v<<8 | uint64(b)
	}
	return v
}

// signed maps unsigned order onto SQLite's signed integers.
func signed(u uint64) int64 { return int64(u ^ 1<<63) }

// idMatch is the condition on events for event_id equal to, or (Prefix)
// starting with, the term's value, through the key index.
func idMatch(tm store.Term) (string, []any) {
	c, args := match("event_id", tm)
	switch {
	case !tm.Prefix:
		return "id_key = ? AND " + c, append([]any{idKey(tm.Value)}, args...)
	case tm.Value == "":
		return c, args
	}
	lo := signed(head(tm.Value, 0) << 32)
	hi := head(tm.Value, 0xff) + 1
	if hi > math.MaxUint32 {
		return "id_key >= ? AND " + c, append([]any{lo}, args...)
	}
	return "id_key >= ? AND id_key < ? AND " + c, append([]any{lo, signed(hi << 32)}, args...)
}
