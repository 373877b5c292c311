package event

import "strings"

// IsDeadLetterTopic reports whether topic follows a common dead-letter naming
// convention: "*.DLT", "*-dlt", "*-dlq", "*.dlq", "dlq.*" (case-insensitive).
func IsDeadLetterTopic(topic string) bool {
	t := strings.ToLower(topic)
	return strings.HasSuffix(t, ".dlt") || strings.HasSuffix(t, "-dlt") ||
		strings.HasSuffix(t, "-dlq") || strings.HasSuffix(t, ".dlq") ||
		strings.HasPrefix(t, "dlq.")
}
