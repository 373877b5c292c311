package sim

import (
	"encoding/binary"
	"fmt"

	"github.com/hamba/avro/v2"
)

// AvroSchemaID is the schema ID the loyalty service's Avro records carry
// (Config.AvroLoyalty); AvroSchemas gives its schema under that ID.
const AvroSchemaID = 1

// loyaltyAvroSchema is the loyalty service's Avro envelope: the IDs as
// top-level fields (the JSON-envelope convention reads them once the
// tracer has decoded the record) and the business data as JSON text.
const loyaltyAvroSchema = `{"type":"record","name":"LoyaltyEvent","namespace":"pizza.loyalty","fields":[
 {"name":"eventId","type":"string"},
 {"name":"eventType","type":"string"},
 {"name":"eventVersion","type":"string"},
 {"name":"correlationId","type":"string"},
 {"name":"causationId","type":["null","string"],"default":null},
 {"name":"producer","type":"string"},
 {"name":"timestamp","type":{"type":"long","logicalType":"timestamp-millis"}},
 {"name":"data","type":"string"}]}`

// AvroSchemas returns the schemas of the shop's Avro records by ID, as
// files of a --schema-dir name them ("1.avsc").
func AvroSchemas() map[string]string {
	return map[string]string{fmt.Sprint(AvroSchemaID) + ".avsc": loyaltyAvroSchema}
}

var loyaltySchema = avro.MustParse(loyaltyAvroSchema)

// encodeAvro writes e in the Schema Registry wire format: magic byte 0,
// the schema ID, the Avro binary record.
func encodeAvro(e outEvent, data []byte) ([]byte, error) {
	var cause *string
	if e.CausationID != "" {
		cause = &e.CausationID
	}
	b, err := avro.Marshal(loyaltySchema, map[string]any{
		"eventId": e.ID, "eventType": e.Type, "eventVersion": eventVersion,
		"correlationId": e.CorrelationID, "causationId": cause, "producer": e.Source,
		"timestamp": e.Time.UTC(), "data": string(data),
	})
	if err != nil {
		return nil, err
	}
	out := make([]byte, 5, 5+len(b))
	binary.BigEndian.PutUint32(out[1:], AvroSchemaID)
	return append(out, b...), nil
}
