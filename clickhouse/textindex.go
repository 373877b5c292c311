package clickhouse

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
)

// textIndexName is the data-skipping index of quoted text on events
// (migrations/0014_payload_text_index.sql).
const textIndexName = "payload_ngrams"

// textIndexSince is the first major release the index is added on:
// skip indexes are experimental before 20 and refused by 18.16.
const textIndexSince = 21

// addTextIndex is migration 0014 on a server that has skip indexes: it
// adds the index of lowered payloads to events and materializes it for
// the parts already stored.
func addTextIndex(ctx context.Context, conn driver.Conn, log *slog.Logger) error {
	major, err := serverMajor(ctx, conn)
	if err != nil || major < textIndexSince {
		return err
	}
	if err := conn.Exec(ctx, "ALTER TABLE events ADD INDEX IF NOT EXISTS "+textIndexName+
		" lowerUTF8(payload) TYPE ngrambf_v1(3, 32768, 3, 0) GRANULARITY 1"); err != nil {
		return fmt.Errorf("add text index: %w", err)
	}
	if err := conn.Exec(ctx, "ALTER TABLE events MATERIALIZE INDEX "+textIndexName); err != nil {
		return fmt.Errorf("materialize text index: %w", err)
	}
	log.Info("added the text index to events; the server builds it for stored parts in the background", "index", textIndexName)
	return nil
}

// serverMajor is the server's major release number.
func serverMajor(ctx context.Context, conn driver.Conn) (int, error) {
	var v string
	if err := conn.QueryRow(ctx, "SELECT version()").Scan(&v); err != nil {
		return 0, fmt.Errorf("read server version: %w", err)
	}
	major, _, _ := strings.Cut(v, ".")
	n, err := strconv.Atoi(major)
	if err != nil {
		return 0, fmt.Errorf("read server version %q: %w", v, err)
	}
	return n, nil
}

// hasTextIndex reports whether events has the text index (whatever the
// server's release: it is looked up in the table's definition).
func hasTextIndex(ctx context.Context, conn driver.Conn) (bool, error) {
	var n uint64
	if err := conn.QueryRow(ctx, `SELECT count() FROM system.tables
WHERE database = currentDatabase() AND name IN ('events', 'events`+localSuffix+`')
AND position(create_table_query, ?) > 0`, "INDEX "+textIndexName+" ").Scan(&n); err != nil {
		return false, fmt.Errorf("look up the text index: %w", err)
	}
	return n > 0, nil
}

// textPieces are the pieces of a text term's value that the lowered
// payload of every event it matches contains, for LIKE on the index: the
// runs of ASCII bytes other than the letters i and k (a payload's U+0130
// and U+212A match those, store.TextMatches, and lowerUTF8 does not turn
// them into ASCII), NUL and LIKE's own %, _ and \, lowered; runs of at
// least 3 bytes (the index's n-grams), the longest 4.
func textPieces(v string) []string {
	var runs []string
	start := -1
	for i := 0; i <= len(v); i++ {
		ok := i < len(v) && v[i] > 0 && v[i] < 0x80 && !strings.ContainsRune("iIkK%_\\", rune(v[i]))
		switch {
		case ok && start < 0:
			start = i
		case !ok && start >= 0:
			if i-start >= 3 {
				runs = append(runs, strings.ToLower(v[start:i]))
			}
			start = -1
		}
	}
	for i := 1; i < len(runs); i++ { // longest first, stable
		for j := i; j > 0 && len(runs[j]) > len(runs[j-1]); j-- {
			runs[j], runs[j-1] = runs[j-1], runs[j]
		}
	}
	return runs[:min(len(runs), 4)]
}

// textIndexCond is the condition that lets the server skip granules for a
// text term (always true where the term matches); "" when the text has
// no piece to look up.
func textIndexCond(v string) cond {
	var cs []cond
	for _, p := range textPieces(v) {
		cs = append(cs, cond{"lowerUTF8(payload) LIKE ?", []any{"%" + p + "%"}})
	}
	return and(cs)
}
