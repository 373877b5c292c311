package event

import (
	"regexp"
	"strings"
)

// IsInternalTopic reports whether topic is one that a framework keeps for
// itself rather than a business topic: Kafka Streams' repartition and
// changelog topics ("<app>-<name>-repartition", "<app>-<store>-changelog")
// and foreign-key join topics ("<app>-KTABLE-FK-JOIN-SUBSCRIPTION-
// REGISTRATION-<n>-topic", "...-RESPONSE-<n>-topic"), ksqlDB's "_confluent-ksql-*" and
// "*_command_topic" (and every "_confluent-*" topic of the Confluent
// platform), Kafka Connect's config, offset and status topics
// ("connect-configs", "connect-offsets", "connect-status" and the
// "connect-*-configs" style names a Connect cluster is set up with),
// MirrorMaker 2's "*.internal" topics, the schema registry's "_schemas",
// and every "__*" topic.
func IsInternalTopic(topic string) bool {
	t := strings.ToLower(topic)
	switch {
	case strings.HasPrefix(t, "__"), t == "_schemas",
		strings.HasPrefix(t, "_confluent-"), strings.HasSuffix(t, "_command_topic"),
		strings.HasSuffix(t, "-repartition"), strings.HasSuffix(t, "-changelog"),
		strings.Contains(t, "-ktable-fk-join-subscription-") && strings.HasSuffix(t, "-topic"),
		strings.HasSuffix(t, ".internal"):
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
