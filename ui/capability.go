package ui

import "github.com/eventscope/eventscope/store"

// unwrapper is a store wrapper that can hand out the store it wraps
// (cmd/tracer's re-decoding store does), so the optional interfaces the
// wrapper does not repeat are still found.
type unwrapper interface{ Unwrap() store.Store }

// capability returns s as the optional interface T, looking through
// wrappers.
func capability[T any](s store.Reader) (T, bool) {
	for {
		if v, ok := s.(T); ok {
			return v, true
		}
		u, ok := s.(unwrapper)
		if !ok {
			var zero T
			return zero, false
		}
		s = u.Unwrap()
	}
}

// baseStore is s without its wrappers: the records as stored (redrive
// produces the stored bytes, not a re-decoded view of them).
func baseStore(s store.Reader) store.Reader {
	for {
		u, ok := s.(unwrapper)
		if !ok {
			return s
		}
		s = u.Unwrap()
	}
}
