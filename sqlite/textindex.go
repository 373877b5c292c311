package sqlite

import (
	"context"
	"fmt"
	"strings"

	"github.com/eventscope/eventscope/store"
)

// The optional trigram index of payload text (WithTextIndex): an FTS5
// table with the trigram tokenizer over the stored payloads (after
// redaction and truncation: only what is stored is findable),
// contentless (no second copy of the payloads) and without positions
// (detail=none), its rowid the event's. Triggers keep it in step with
// every write path; switching it on fills it from the stored events.
//
// A text term asks it for the events whose payloads hold every usable
// trigram of the text (textTrigrams) and checks the text itself in Go
// (store.TextMatches): the index folds case its own way and keeps no
// positions. Which plan a query takes depends on how many events the
// trigrams find (textPlan): few, and the flows of those events are looked
// up directly; many, and the flows are checked newest first as without the
// index, which stops as soon as the page is full. The index is not asked
// for every hit of a common text (`flow_id IN (all hits)` took 710 ms at
// 200k events).
var textIndex = optional{
	name: "payload_fts",
	create: []string{
		`CREATE VIRTUAL TABLE payload_fts USING fts5(payload, content = '', contentless_delete = 1, detail = 'none', tokenize = 'trigram')`,
		`CREATE TRIGGER payload_fts_insert AFTER INSERT ON events BEGIN
	INSERT INTO payload_fts (rowid, payload) VALUES (new.id, new.payload);
END`,
		`CREATE TRIGGER payload_fts_delete AFTER DELETE ON events BEGIN
	DELETE FROM payload_fts WHERE rowid = old.id;
END`,
	},
	backfill: `INSERT INTO payload_fts (rowid, payload) SELECT id, payload FROM events`,
	drop: []string{
		`DROP TRIGGER IF EXISTS payload_fts_insert`,
		`DROP TRIGGER IF EXISTS payload_fts_delete`,
		`DROP TABLE IF EXISTS payload_fts`,
	},
}

// textFewHits is the most events the trigrams of a text may find for the
// flows of those events to be looked up directly.
const textFewHits = 2000

// maxTrigrams bounds the trigrams a text query looks up: any of them
// narrow the candidates, which Go then checks.
const maxTrigrams = 12

// textTrigrams is an FTS5 query for payloads holding every usable trigram
// of text, at most maxTrigrams of them spread over it; "" when text has
// none. A trigram is usable when each of its bytes is ASCII other than
// NUL, i, I, k and K: then every payload that store.TextMatches accepts
// holds it as the index folds it. (unicode.ToLower turns U+0130 into "i"
// and U+212A into "k", which the index may fold otherwise; other
// non-ASCII runes never lower to ASCII. ASCII bytes are never part of a
// multi-byte sequence, so bytes that are not UTF-8 cannot hide them.)
func textTrigrams(text string) string {
	var grams []string
	run := 0
	for i := 0; i < len(text); i++ {
		c := text[i]
		if c == 0 || c >= 0x80 || strings.IndexByte("iIkK", c) >= 0 {
			run = 0
			continue
		}
		if run++; run >= 3 {
			grams = append(grams, text[i-2:i+1])
		}
	}
	if len(grams) == 0 {
		return ""
	}
	step := max(1, (len(grams)+maxTrigrams-1)/maxTrigrams)
	seen := map[string]bool{}
	var parts []string
	for i := 0; i < len(grams); i += step {
		if k := strings.ToLower(grams[i]); !seen[k] {
			seen[k] = true
			parts = append(parts, `"`+strings.ReplaceAll(grams[i], `"`, `""`)+`"`)
		}
	}
	if k := strings.ToLower(grams[len(grams)-1]); !seen[k] {
		parts = append(parts, `"`+strings.ReplaceAll(grams[len(grams)-1], `"`, `""`)+`"`)
	}
	return strings.Join(parts, " AND ")
}

// textPlans decides, for each text term of a query when the index is on,
// whether its flows are looked up through the index (the trigrams find at
// most textFewHits events): the FTS5 query to use, by term value; a text
// missing from the map is searched by scanning.
func (s *Store) textPlans(ctx context.Context, terms []store.Term) (map[string]string, error) {
	if !s.opts.textIndex {
		return nil, nil
	}
	plans := map[string]string{}
	for _, tm := range terms {
		if tm.Field != store.FieldText {
			continue
		}
		match := textTrigrams(tm.Value)
		if match == "" {
			continue
		}
		var n int
		if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM payload_fts WHERE payload_fts MATCH ? LIMIT ?)`,
			match, textFewHits+1).Scan(&n); err != nil {
			return nil, fmt.Errorf("count text hits: %w", err)
		}
		if n <= textFewHits {
			plans[tm.Value] = match
		}
	}
	return plans, nil
}

// indexedText is the condition of a text term whose trigrams find few
// events (textPlans): the flows of those of them whose payload contains
// the text.
func indexedText(text, match string) (string, []any) {
	return "f.flow_id IN (SELECT flow_id FROM events WHERE id IN (SELECT rowid FROM payload_fts WHERE payload_fts MATCH ?) AND " +
		textFunc + "(payload, ?))", []any{match, []byte(text)}
}
