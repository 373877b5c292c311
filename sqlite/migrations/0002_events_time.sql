-- Flows with events in a closed time window [from, to) are found from the
-- events in it when the window is narrow (see flows.go).
CREATE INDEX IF NOT EXISTS events_time ON events (time, flow_id);
