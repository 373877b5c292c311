package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"time"

	ch "github.com/ClickHouse/clickhouse-go/v2"
	_ "modernc.org/sqlite" // the driver the embedded store uses

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/internal/chbaseline"
)

// rawSQLiteTable has the columns of the embedded store's events table and
// no index but the rowid.
const rawSQLiteTable = `CREATE TABLE events (
	id INTEGER PRIMARY KEY, flow_id TEXT NOT NULL, event_id TEXT NOT NULL, id_source TEXT NOT NULL,
	correlation_id TEXT NOT NULL, causation_id TEXT NOT NULL, type TEXT NOT NULL, version TEXT NOT NULL,
	source TEXT NOT NULL, time INTEGER NOT NULL, topic TEXT NOT NULL, part INTEGER NOT NULL,
	kafka_offset INTEGER NOT NULL, msg_key TEXT NOT NULL, kafka_time INTEGER NOT NULL,
	ingested_at INTEGER NOT NULL, headers BLOB NOT NULL, payload BLOB NOT NULL,
	payload_size INTEGER NOT NULL, truncated INTEGER NOT NULL, content_type TEXT NOT NULL,
	convention TEXT NOT NULL, decode_error TEXT NOT NULL)`

const rawSQLiteInsert = `INSERT INTO events (flow_id, event_id, id_source, correlation_id, causation_id,
	type, version, source, time, topic, part, kafka_offset, msg_key, kafka_time, ingested_at, headers,
	payload, payload_size, truncated, content_type, convention, decode_error)
	VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

// rawSQLite inserts evs into a new database file in dir with the driver
// alone, at the product's durability (WAL, synchronous=FULL): one
// transaction and one prepared INSERT per batch.
func rawSQLite(dir string, evs []event.Event, batch int) (result, error) {
	path := filepath.Join(dir, "raw.db")
	defer os.Remove(path)
	defer os.Remove(path + "-wal")
	defer os.Remove(path + "-shm")
	db, err := sql.Open("sqlite", path+"?_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_txlock=immediate")
	if err != nil {
		return result{}, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.Exec(rawSQLiteTable); err != nil {
		return result{}, fmt.Errorf("create raw sqlite table: %w", err)
	}
	cpu0, start := selfCPU(), time.Now()
	for i := 0; i < len(evs); i += batch {
		tx, err := db.Begin()
		if err != nil {
			return result{}, err
		}
		st, err := tx.Prepare(rawSQLiteInsert)
		if err != nil {
			tx.Rollback()
			return result{}, err
		}
		for j := i; j < min(i+batch, len(evs)); j++ {
			e := &evs[j]
			if _, err := st.Exec(e.FlowID(), e.EventID, e.IDSource, e.CorrelationID, e.CausationID, e.Type,
				e.Version, e.Source, e.Time.UnixNano(), e.Topic, e.Partition, e.Offset, e.Key,
				e.KafkaTime.UnixNano(), e.IngestedAt.UnixNano(), headerBlob(e.Headers), e.Payload,
				e.PayloadSize, e.Truncated, e.ContentType, e.Convention, e.DecodeError); err != nil {
				tx.Rollback()
				return result{}, fmt.Errorf("raw sqlite insert: %w", err)
			}
		}
		if err := tx.Commit(); err != nil {
			return result{}, err
		}
	}
	d := time.Since(start)
	return result{n: len(evs), steadyN: len(evs), steady: d, wall: d, cpu: selfCPU() - cpu0}, nil
}

// headerBlob is the headers as one blob (what the store keeps: key and
// value of each, separated).
func headerBlob(hs []event.Header) []byte {
	var b []byte
	for _, h := range hs {
		b = append(b, h.Key...)
		b = append(b, 0)
		b = append(b, h.Value...)
		b = append(b, 0)
	}
	return b
}

// rawClickHouse inserts evs with clickhouse-go alone (PrepareBatch, Append
// per row, Send per batch) into a new plain table in database db.
func rawClickHouse(ctx context.Context, dsn, db string, evs []event.Event, batch int) (result, error) {
	opts, err := ch.ParseDSN(dsn)
	if err != nil {
		return result{}, fmt.Errorf("parse clickhouse dsn: %w", err)
	}
	conn, err := ch.Open(opts)
	if err != nil {
		return result{}, err
	}
	defer conn.Close()
	for _, q := range []string{"CREATE DATABASE IF NOT EXISTS " + db, "DROP TABLE IF EXISTS " + db + ".raw_events",
		chbaseline.CreateSQL(db + ".raw_events")} {
		if err := conn.Exec(ctx, q); err != nil {
			return result{}, fmt.Errorf("raw clickhouse table: %w", err)
		}
	}
	defer conn.Exec(ctx, "DROP TABLE IF EXISTS "+db+".raw_events") //nolint:errcheck // best effort
	cpu0, start := selfCPU(), time.Now()
	for i := 0; i < len(evs); i += batch {
		if err := chbaseline.Insert(ctx, conn, db+".raw_events", evs[i:min(i+batch, len(evs))]); err != nil {
			return result{}, fmt.Errorf("raw clickhouse insert: %w", err)
		}
	}
	d := time.Since(start)
	return result{n: len(evs), steadyN: len(evs), steady: d, wall: d, cpu: selfCPU() - cpu0}, nil
}
