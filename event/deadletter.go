package event

import (
	"path"
	"strings"
)

// IsDeadLetterTopic reports whether topic follows a common dead-letter naming
// convention: "*.DLT", "*-dlt", "*-dlq", "*.dlq", "dlq.*" (case-insensitive).
func IsDeadLetterTopic(topic string) bool {
	t := strings.ToLower(topic)
	return strings.HasSuffix(t, ".dlt") || strings.HasSuffix(t, "-dlt") ||
		strings.HasSuffix(t, "-dlq") || strings.HasSuffix(t, ".dlq") ||
		strings.HasPrefix(t, "dlq.")
}

// IsDeadLetter reports whether topic is a dead-letter topic: a built-in name
// (IsDeadLetterTopic) or one matching Config.DeadLetterPatterns.
func (d *Decoder) IsDeadLetter(topic string) bool {
	if IsDeadLetterTopic(topic) {
		return true
	}
	return matchAny(d.dlq, strings.ToLower(topic))
}

// matchAny reports whether topic matches one of the lowercased globs.
func matchAny(patterns []string, topic string) bool {
	for _, p := range patterns {
		if ok, err := path.Match(p, topic); ok && err == nil {
			return true
		}
	}
	return false
}
