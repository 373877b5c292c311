-- The key index leaves out records keyed by their own flow's ID. Kafka keys
-- are often the ID the flow is correlated by (the order's ID); such keys
-- are found through the flows table instead (see keyFlows and Resolve),
-- and every such record saves an insert into an index of random keys.
DROP INDEX IF EXISTS events_key;
CREATE INDEX IF NOT EXISTS events_key ON events (msg_key, time) WHERE msg_key <> '' AND msg_key <> flow_id;
