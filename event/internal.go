package event

import (
	"regexp"
	"strings"
)

// IsInternalTopic reports whether topic is one that a framework keeps for
// itself rather than a business topic: Kafka Streams' repartition and
// changelog topics ("<app>-<name>-repartition", "<app>-<store>-changelog"),
// ksqlDB's "_confluent-ksql-*" and "*_command_topic", Kafka Connect's
// config, offset and status topics ("connect-configs", "connect-offsets",
// "connect-status" and the "*-configs"/"*-offsets"/"*-status" names a
// Connect cluster is set up with, as in the Connect docs), the schema
// registry's "_schemas", and every "__*" topic.
func IsInternalTopic(topic string) bool {
	t := strings.ToLower(topic)
	switch {
	case strings.HasPrefix(t, "__"), t == "_schemas",
		strings.HasPrefix(t, "_confluent-ksql-"), strings.HasSuffix(t, "_command_topic"),
		strings.HasSuffix(t, "-repartition"), strings.HasSuffix(t, "-changelog"):
		return true
	}
	for _, s := range [...]string{"configs", "offsets", "status", "config", "offset", "statuses"} {
		if t == "connect-"+s || strings.HasPrefix(t, "connect-") && strings.HasSuffix(t, "-"+s) ||
			strings.HasSuffix(t, "connect-"+s) || strings.HasSuffix(t, "connect_"+s) {
			return true
		}
	}
	return false
}

// IsInternal reports whether topic is internal: a built-in name
// (IsInternalTopic) or one matching Config.InternalTopics.
func (d *Decoder) IsInternal(topic string) bool {
	if IsInternalTopic(topic) {
		return true
	}
	return d.internal != nil && d.internal.MatchString(topic)
}

// compileInternal compiles Config.InternalTopics (nil when empty or
// invalid: Validate reports an invalid one).
func compileInternal(expr string) *regexp.Regexp {
	if expr == "" {
		return nil
	}
	re, err := regexp.Compile(expr)
	if err != nil {
		return nil
	}
	return re
}
