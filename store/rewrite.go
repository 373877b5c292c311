package store

import (
	"context"

	"github.com/eventscope/eventscope/event"
)

// Rewriter is implemented by stores that can store a new decoding of
// records they hold. A payload whose schema was unknown at ingest (kept as
// it came, its DecodeError starting with event.PendingNote) names, once
// decoded, IDs that may put the record into another flow: the record is
// rewritten, not kept twice.
type Rewriter interface {
	// Undecoded returns up to limit records, each once as readers see it,
	// whose DecodeError starts with note (e.g. event.PendingNote(7)),
	// in a store-defined order. A record rewritten with a note that does
	// not start so is not returned again: the caller pages by rewriting.
	Undecoded(ctx context.Context, note string, limit int) ([]event.Event, error)
	// WaitingSchemas returns the IDs of the schemas stored records wait
	// for (their DecodeError starts with event.PendingNote(id)), each
	// once, in any order. It may name an ID whose records were rewritten
	// already (a store that keeps replaced versions until a merge).
	WaitingSchemas(ctx context.Context) ([]int32, error)
	// Rewrite replaces each Old record (as Undecoded or a reader returned
	// it) with New, the same Kafka record (topic, partition, offset and
	// Kafka time) decoded again: Flow, EventsByID and Undecoded then see
	// New only, in New's flow, whose summary counts it; Old's flow no
	// longer holds it (Flow of a flow left empty is ErrNotFound). Where
	// read models cannot forget (ClickHouse's aggregate states), Old's
	// flow summary may keep counting it: the backend says so in its doc.
	// It returns once durable; doing it again with the same New is
	// harmless.
	Rewrite(ctx context.Context, rs []Rewrite) error
}

// Rewrite is one record's old and new form (see Rewriter).
type Rewrite struct {
	Old, New event.Event
}
