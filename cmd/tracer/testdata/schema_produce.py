"""Produce one order flow whose IDs live inside Avro, Protobuf and JSON
Schema payloads, with the real Confluent serializers (PyPI confluent-kafka)
against a real schema registry, for cmd/tracer's schema end-to-end test.

usage: schema_produce.py BOOTSTRAP REGISTRY_URL TOPIC_PREFIX FLOW_A FLOW_B

Writes flow A at once (registering every schema), serializes flow B with
new schema versions (so the tracer has not seen their IDs), prints
"READY", waits for a line on stdin (the test pauses the registry), then
writes flow B without talking to the registry and prints "DONE".
"""
import sys

from confluent_kafka import Producer
from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroSerializer
from confluent_kafka.schema_registry.json_schema import JSONSerializer
from confluent_kafka.schema_registry.protobuf import ProtobufSerializer
from confluent_kafka.serialization import MessageField, SerializationContext
from google.protobuf import descriptor_pb2, descriptor_pool, timestamp_pb2  # noqa: F401 (registers Timestamp)
from google.protobuf.message_factory import GetMessageClass

bootstrap, registry, prefix, flow_a, flow_b = sys.argv[1:6]
topics = {k: prefix + "-" + k for k in ("orders", "payments", "shipments", "audit")}
sr = SchemaRegistryClient({"url": registry})

def order_schema(version):
    extra = ',{"name":"note","type":["null","string"],"default":null}' if version == 2 else ""
    return """{"type":"record","name":"OrderPlaced","namespace":"shop","fields":[
 {"name":"eventId","type":"string"},{"name":"type","type":"string"},
 {"name":"correlationId","type":"string"},{"name":"causationId","type":["null","string"],"default":null},
 {"name":"time","type":{"type":"long","logicalType":"timestamp-millis"}},
 {"name":"customer","type":{"type":"record","name":"Customer","fields":[
   {"name":"name","type":"string"},{"name":"email","type":"string"}]}},
 {"name":"total","type":{"type":"bytes","logicalType":"decimal","precision":9,"scale":2}},
 {"name":"items","type":{"type":"array","items":"string"}}%s]}""" % extra

def shipment_schema(version):
    extra = ',{"name":"carrier","type":"string","default":"post"}' if version == 2 else ""
    return """{"type":"record","name":"OrderShipped","namespace":"shop","fields":[
 {"name":"eventId","type":"string"},{"name":"type","type":"string"},
 {"name":"correlationId","type":"string"},{"name":"causationId","type":"string"},
 {"name":"status","type":{"type":"enum","name":"ShipStatus","symbols":["PACKED","SHIPPED"]}}%s]}""" % extra

KEY_SCHEMA = '{"type":"record","name":"OrderKey","namespace":"shop","fields":[{"name":"orderId","type":"string"}]}'

def payment_class(version):
    """A PaymentTaken message, the second of its file (message index [1]),
    with a google.protobuf.Timestamp field (a well-known import)."""
    name = "shop/payments_v%d.proto" % version
    fdp = descriptor_pb2.FileDescriptorProto(name=name, package="shop.v%d" % version, syntax="proto3",
                                             dependency=["google/protobuf/timestamp.proto"])
    F = descriptor_pb2.FieldDescriptorProto
    env = fdp.message_type.add(name="Envelope")
    env.field.add(name="note", number=1, type=F.TYPE_STRING, label=F.LABEL_OPTIONAL)
    m = fdp.message_type.add(name="PaymentTaken")
    for i, (n, t) in enumerate([("event_id", F.TYPE_STRING), ("type", F.TYPE_STRING), ("correlation_id", F.TYPE_STRING),
                                ("causation_id", F.TYPE_STRING), ("amount_cents", F.TYPE_INT64)], start=1):
        m.field.add(name=n, number=i, type=t, label=F.LABEL_OPTIONAL)
    m.field.add(name="taken_at", number=6, type=F.TYPE_MESSAGE, label=F.LABEL_OPTIONAL,
                type_name=".google.protobuf.Timestamp")
    if version == 2:
        m.field.add(name="card_last4", number=7, type=F.TYPE_STRING, label=F.LABEL_OPTIONAL)
    pool = descriptor_pool.Default()
    pool.Add(fdp)
    return GetMessageClass(pool.FindMessageTypeByName("shop.v%d.PaymentTaken" % version))

AUDIT_SCHEMA = '{"$schema":"http://json-schema.org/draft-07/schema#","title":"Audit","type":"object","properties":{"eventId":{"type":"string"},"correlationId":{"type":"string"},"causationId":{"type":"string"},"type":{"type":"string"}}}'

def serializers(version):
    pc = payment_class(version)
    try:
        ps = ProtobufSerializer(pc, sr, {"use.deprecated.format": False})
    except (TypeError, ValueError):
        ps = ProtobufSerializer(pc, sr)
    return {
        "key": AvroSerializer(sr, KEY_SCHEMA),
        "orders": AvroSerializer(sr, order_schema(version)),
        "payments": ps,
        "payment_class": pc,
        "shipments": AvroSerializer(sr, shipment_schema(version)),
        "audit": JSONSerializer(AUDIT_SCHEMA, sr),
    }

def flow(flow_id, version):
    """The serialized records of one flow: (topic, key, value)."""
    s = serializers(version)
    ctx = lambda topic, field: SerializationContext(topic, field)
    key = s["key"]({"orderId": flow_id}, ctx(topics["orders"], MessageField.KEY))
    ids = [flow_id + "-" + n for n in ("placed", "paid", "shipped", "audited")]
    order = {"eventId": ids[0], "type": "OrderPlaced", "correlationId": flow_id, "causationId": None,
             "time": 1765000000123, "customer": {"name": "Ada Lovelace", "email": "ada-secret@example.com"},
             "total": __import__("decimal").Decimal("23.50"), "items": ["margherita", "cola"]}
    if version == 2:
        order["note"] = "second schema version"
    pay = s["payment_class"](event_id=ids[1], type="PaymentTaken", correlation_id=flow_id, causation_id=ids[0],
                             amount_cents=2350)
    pay.taken_at.FromSeconds(1765000001)
    ship = {"eventId": ids[2], "type": "OrderShipped", "correlationId": flow_id, "causationId": ids[1], "status": "SHIPPED"}
    audit = {"eventId": ids[3], "type": "OrderAudited", "correlationId": flow_id, "causationId": ids[2]}
    out = []
    for name, value in (("orders", order), ("payments", pay), ("shipments", ship), ("audit", audit)):
        t = topics[name]
        out.append((t, key, s[name](value, ctx(t, MessageField.VALUE))))
    return out

def produce(records):
    p = Producer({"bootstrap.servers": bootstrap})
    for t, k, v in records:
        p.produce(t, key=k, value=v)
    if p.flush(30) != 0:
        sys.exit("records left unflushed")

produce(flow(flow_a, 1))
later = flow(flow_b, 2)  # registers the new versions now, while the registry answers
print("READY", flush=True)
sys.stdin.readline()
produce(later)
print("DONE", flush=True)
