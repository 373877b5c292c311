package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/eventscope/eventscope/event"
	"github.com/eventscope/eventscope/graph"
	"github.com/eventscope/eventscope/store"
)

// flowTimeout bounds reading one flow, from the store or the server.
const flowTimeout = 30 * time.Second

// runFlow is `tracer flow [--store DSN | --url URL] CORRELATION_ID`: the
// flow as a tree in the terminal (type, source, topic, time, hop latency,
// anomalies), read from the store directly or from a running server's
// GET /api/flows/{id}. The ID goes first or last.
func runFlow(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("flow", flag.ContinueOnError)
	dsn := fs.String("store", "", "read the store directly: "+backends.Usage(nil))
	base := fs.String("url", "", "read through a running server, e.g. http://127.0.0.1:8080")
	token := fs.String("token", "", "bearer token for --url (when the server requires token auth)")
	id, flagArgs := splitFlowArgs(args)
	if err := parseFlags(fs, flagArgs, stderr); err != nil {
		return err
	}
	if id == "" || (*dsn == "") == (*base == "") {
		fmt.Fprintln(stderr, "usage: tracer flow (--store DSN | --url URL) CORRELATION_ID")
		return errUsage
	}
	ctx, cancel := context.WithTimeout(ctx, flowTimeout)
	defer cancel()
	var (
		events    []event.Event
		anomalies []graph.Anomaly
		err       error
	)
	if *base != "" {
		events, anomalies, err = fetchFlow(ctx, *base, *token, id)
	} else {
		events, anomalies, err = readFlow(ctx, *dsn, id)
	}
	if err != nil {
		return err
	}
	return printFlow(stdout, id, events, anomalies)
}

// splitFlowArgs takes the correlation ID from the first argument, or else
// from the last one, and returns it and the flags.
func splitFlowArgs(args []string) (string, []string) {
	switch {
	case len(args) == 0:
		return "", args
	case !strings.HasPrefix(args[0], "-"):
		return args[0], args[1:]
	case len(args) > 1 && !strings.HasPrefix(args[len(args)-1], "-"):
		return args[len(args)-1], args[:len(args)-1]
	}
	return "", args
}

// readFlow reads the flow from the store and analyses it (no stall rules:
// those are the server's configuration).
func readFlow(ctx context.Context, dsn, id string) ([]event.Event, []graph.Anomaly, error) {
	st, err := openStore(ctx, dsn, 0, nil, slog.New(slog.DiscardHandler))
	if err != nil {
		return nil, nil, err
	}
	defer st.Close()
	events, err := st.Flow(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil, fmt.Errorf("flow %q: not found in %s", id, dsn)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("read flow %q: %w", id, err)
	}
	f := graph.Build(events, graph.Options{Now: time.Now()})
	return events, f.Anomalies, nil
}

// fetchFlow reads GET {base}/api/flows/{id}: the events and the anomalies
// the server found (with its stall rules).
func fetchFlow(ctx context.Context, base, token, id string) ([]event.Event, []graph.Anomaly, error) {
	u := strings.TrimRight(base, "/") + "/api/flows/" + url.PathEscape(id)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, nil, fmt.Errorf("--url %q: %w", base, err)
	}
	req.Header.Set("Accept", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, nil, fmt.Errorf("get flow %q: %w", id, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 256<<20))
	if err != nil {
		return nil, nil, fmt.Errorf("get flow %q: read response: %w", id, err)
	}
	if resp.StatusCode != http.StatusOK {
		var e struct {
			Error string `json:"error"`
		}
		if json.Unmarshal(body, &e) != nil || e.Error == "" {
			e.Error = strings.TrimSpace(string(body))
		}
		return nil, nil, fmt.Errorf("get flow %q: %s: %s", id, resp.Status, e.Error)
	}
	var f struct {
		Events    []event.Event   `json:"events"`
		Anomalies []graph.Anomaly `json:"anomalies"`
	}
	if err := json.Unmarshal(body, &f); err != nil {
		return nil, nil, fmt.Errorf("get flow %q: bad JSON from %s: %w", id, u, err)
	}
	return f.Events, f.Anomalies, nil
}

// printFlow writes the flow's events as a causal tree (the graph's
// depth-first order), then its anomalies.
func printFlow(w io.Writer, id string, events []event.Event, anomalies []graph.Anomaly) error {
	f := graph.Build(events, graph.Options{})
	kinds := map[string][]string{}
	for _, a := range anomalies {
		for _, eid := range a.EventIDs {
			if !containsStr(kinds[eid], a.Kind) {
				kinds[eid] = append(kinds[eid], a.Kind)
			}
		}
	}
	fmt.Fprintf(w, "flow %s: %d events, %s → %s (%s)\n", id, len(events),
		f.Start.UTC().Format("2006-01-02 15:04:05.000"), f.End.UTC().Format("15:04:05.000"), graph.FormatMS(float64(f.End.Sub(f.Start).Microseconds())/1000))
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TYPE\tSOURCE\tTOPIC\tTIME (UTC)\tHOP\tANOMALIES")
	last := lastSiblings(f.Order)
	open := []bool{} // per depth: whether that ancestor has siblings still to come
	for i, n := range f.Order {
		e := &f.Events[n.Index]
		for len(open) < n.Depth {
			open = append(open, false)
		}
		open = append(open[:n.Depth], !last[i])
		var prefix strings.Builder
		for d := 1; d < n.Depth; d++ {
			if open[d] {
				prefix.WriteString("│  ")
			} else {
				prefix.WriteString("   ")
			}
		}
		if n.Depth > 0 {
			if last[i] {
				prefix.WriteString("└─ ")
			} else {
				prefix.WriteString("├─ ")
			}
		}
		typ, hop := e.Type, ""
		if typ == "" {
			typ = e.EventID
		}
		if n.HasCause {
			hop = "+" + graph.FormatMS(n.HopMS)
		}
		ks := strings.Join(kinds[e.EventID], ",")
		if n.Duplicate && !strings.Contains(ks, "duplicate") {
			ks = strings.TrimPrefix(ks+",duplicate", ",")
		}
		fmt.Fprintf(tw, "%s%s\t%s\t%s\t%s\t%s\t%s\n", prefix.String(), typ, e.Source, e.Topic,
			e.Time.UTC().Format("15:04:05.000"), hop, ks)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(anomalies) == 0 {
		_, err := fmt.Fprintln(w, "no anomalies")
		return err
	}
	fmt.Fprintf(w, "%d anomalies:\n", len(anomalies))
	for _, a := range anomalies {
		fmt.Fprintf(w, "  %s: %s [%s]\n", a.Kind, a.Detail, strings.Join(a.EventIDs, " "))
	}
	return nil
}

// lastSiblings reports for each node of a depth-first order whether no
// sibling follows it (in one backward pass).
func lastSiblings(order []graph.Node) []bool {
	last := make([]bool, len(order))
	var later []bool // per depth: a node at that depth follows, under the same parent
	for i := len(order) - 1; i >= 0; i-- {
		d := order[i].Depth
		last[i] = !(d < len(later) && later[d])
		for len(later) <= d {
			later = append(later, false)
		}
		later = append(later[:d], true)
	}
	return last
}

func containsStr(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
