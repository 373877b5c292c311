package event

import "path"

// matchAny reports whether topic matches one of the lowercased globs.
func matchAny(patterns []string, topic string) bool {
	for _, p := range patterns {
		if ok, err := path.Match(p, topic); ok && err == nil {
			return true
		}
	}
	return false
}
