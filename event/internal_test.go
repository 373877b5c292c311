package event

import "testing"

func TestInternalTopics(t *testing.T) {
	d := NewDecoder(Config{InternalTopics: `^audit\.`})
	for topic, want := range map[string]bool{
		"shop-enricher-KSTREAM-KEY-SELECT-0000000002-repartition":    true,
		"shop-enricher-orders-per-customer-changelog":                true,
		"_confluent-ksql-default_query_CSAS_1-Aggregate-repartition": true,
		"_confluent-ksql-default__command_topic":                     true,
		"default_ksql_processing_log":                                false,
		"connect-configs":                                            true, "connect-offsets": true, "connect-status": true,
		"my-connect-offsets": true, "_schemas": true, "__consumer_offsets": true,
		"_confluent-monitoring": true, "mm2-offset-syncs.east.internal": true,
		"app-KTABLE-FK-JOIN-SUBSCRIPTION-REGISTRATION-0000000006-topic": true,
		"app-KTABLE-FK-JOIN-SUBSCRIPTION-RESPONSE-0000000012-topic":     true,
		"audit.logins": true, "internal-orders": false, "orders": false, "orders-enriched": false, "payments.DLT": false,
		"status": false, "changelog-service": false,
	} {
		if got := d.IsInternal(topic); got != want {
			t.Errorf("IsInternal(%q) = %v, want %v", topic, got, want)
		}
		if e := d.Decode(Record{Topic: topic, Value: []byte("{}")}, fuzzTime); e.Internal != want {
			t.Errorf("Decode on %q: internal = %v, want %v", topic, e.Internal, want)
		}
	}
	if err := (Config{InternalTopics: "("}).Validate(); err == nil {
		t.Error("Validate accepted internal topics \"(\"")
	}
}
