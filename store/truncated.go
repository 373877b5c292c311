package store

import "context"

// TruncatedFinder is an optional interface a Reader may implement: which
// flows hold a payload cut at the size limit. A search of payload text or
// fields looks at what is stored, so in such a flow it may miss what came
// after the cut: the results say so (FlowSummary.PayloadTruncated).
type TruncatedFinder interface {
	// TruncatedFlows returns the flows among ids (correlation IDs) with
	// an event whose payload was truncated (event.Event.Truncated).
	TruncatedFlows(ctx context.Context, ids []string) (map[string]bool, error)
}

// SearchesPayloads reports whether q has a term that looks into payloads
// (quoted text or payload fields, negated or not).
func SearchesPayloads(q FlowQuery) bool {
	for _, t := range q.Terms {
		if t.Field == FieldText || t.Field == FieldPayload {
			return true
		}
	}
	return false
}

// MarkTruncated sets PayloadTruncated on the flows of a page found by a
// search that looks into payloads (SearchesPayloads), as tf tells; with
// a nil tf it does nothing.
func MarkTruncated(ctx context.Context, tf TruncatedFinder, q FlowQuery, flows []FlowSummary) error {
	if tf == nil || len(flows) == 0 || !SearchesPayloads(q) {
		return nil
	}
	ids := make([]string, len(flows))
	for i, f := range flows {
		ids[i] = f.CorrelationID
	}
	cut, err := tf.TruncatedFlows(ctx, ids)
	if err != nil {
		return err
	}
	for i := range flows {
		flows[i].PayloadTruncated = cut[flows[i].CorrelationID]
	}
	return nil
}

// ScanIDSet reads rows of one string column (IDs) into a set: the
// backends' TruncatedFlows share it. It closes rows.
func ScanIDSet(rows Rows) (map[string]bool, error) {
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out[id] = true
	}
	return out, rows.Err()
}
