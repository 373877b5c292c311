package graph

import (
	"cmp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/eventscope/eventscope/event"
)

// Service-map node kinds.
const (
	KindService = "service"
	KindTopic   = "topic"
)

// ServiceMap is what the events reveal about the system: which service
// publishes which type to which topic, and which service reacts to which
// topic (an event from service B caused by an event on topic X).
type ServiceMap struct {
	Nodes []MapNode `json:"nodes"` // services then topics, by name
	Edges []MapEdge `json:"edges"` // by from, to, label
}

// MapNode is a service or a topic.
type MapNode struct {
	ID    string `json:"id"`   // "service:NAME" or "topic:NAME"
	Kind  string `json:"kind"` // KindService or KindTopic
	Name  string `json:"name"`
	Count int    `json:"count"` // events published (service) or carried (topic)
}

// MapEdge is "service publishes type Label to topic" (service → topic) or
// "service reacts to type Label on topic" (topic → service), with how often
// and, for reactions, the cause→effect latency.
type MapEdge struct {
	From  string  `json:"from"`
	To    string  `json:"to"`
	Label string  `json:"label"` // event type
	Count int     `json:"count"`
	Rate  float64 `json:"rate"` // per second over the events' time span
	P50MS float64 `json:"p50_ms"`
	P99MS float64 `json:"p99_ms"`
}

// ServiceNodeID and TopicNodeID name service-map nodes.
func ServiceNodeID(name string) string { return "service:" + name }
func TopicNodeID(name string) string   { return "topic:" + name }

// BuildServiceMap derives the service map from the events of any number of
// flows; causes are matched by event ID across all of them (the first
// record with the ID). Services without a name are "(unknown)".
func BuildServiceMap(events []event.Event) ServiceMap {
	type key struct{ from, to, label string }
	nodes := map[string]*MapNode{}
	edges := map[key]*MapEdge{}
	lat := map[key][]float64{}
	node := func(kind, name string) string {
		id := kind + ":" + name
		if nodes[id] == nil {
			nodes[id] = &MapNode{ID: id, Kind: kind, Name: name}
		}
		nodes[id].Count++
		return id
	}
	edge := func(k key) *MapEdge {
		if edges[k] == nil {
			edges[k] = &MapEdge{From: k.from, To: k.to, Label: k.label}
		}
		return edges[k]
	}
	first := make(map[string]int, len(events))
	var start, end time.Time
	for i := range events {
		e := &events[i]
		if _, ok := first[e.EventID]; !ok {
			first[e.EventID] = i
		}
		if i == 0 || e.Time.Before(start) {
			start = e.Time
		}
		if i == 0 || e.Time.After(end) {
			end = e.Time
		}
	}
	for i := range events {
		e := &events[i]
		svc, topic := node(KindService, serviceName(e.Source)), node(KindTopic, e.Topic)
		edge(key{svc, topic, e.Type}).Count++
		c, ok := first[e.CausationID]
		if e.CausationID == "" || !ok || c == i {
			continue
		}
		k := key{TopicNodeID(events[c].Topic), svc, events[c].Type}
		edge(k).Count++
		if d := ms(e.Time.Sub(events[c].Time)); d >= 0 {
			lat[k] = append(lat[k], d)
		}
	}
	var m ServiceMap
	for _, n := range nodes {
		m.Nodes = append(m.Nodes, *n)
	}
	slices.SortFunc(m.Nodes, func(a, b MapNode) int {
		return cmp.Or(cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Name, b.Name)) // "service" < "topic"
	})
	secs := end.Sub(start).Seconds()
	for k, e := range edges {
		if secs > 0 {
			e.Rate = float64(e.Count) / secs
		}
		if xs := lat[k]; len(xs) > 0 {
			st := statsOf(xs)
			e.P50MS, e.P99MS = st.P50MS, st.P99MS
		}
		m.Edges = append(m.Edges, *e)
	}
	slices.SortFunc(m.Edges, func(a, b MapEdge) int {
		return cmp.Or(cmp.Compare(a.From, b.From), cmp.Compare(a.To, b.To), cmp.Compare(a.Label, b.Label))
	})
	return m
}

func serviceName(s string) string {
	if s == "" {
		return "(unknown)"
	}
	return s
}

// maxMapLabel is the most characters of a service-map edge label; longer
// ones are cut with "…" (Title keeps them).
const maxMapLabel = 36

// LayoutServiceMap lays the service map out with the flow layout: edges
// between the same two nodes are drawn as one, their labels joined. Unless
// opts sets LayerGap, the gap between columns is widened to fit the
// longest label, so that labels sit between the columns. A label that
// finds no free place is not drawn (LayoutOptions.HideBlockedLabels): its
// edge's Title has it.
func LayoutServiceMap(m ServiceMap, opts LayoutOptions) *Drawing {
	fitGap := opts.LayerGap <= 0
	opts.HideBlockedLabels = true
	opts.defaults()
	d := &Drawing{Nodes: []DrawNode{}, Edges: []DrawEdge{}}
	g := &lgraph{}
	idx := map[string]int{}
	for i, n := range m.Nodes {
		idx[n.ID] = i
		dn := DrawNode{ID: n.ID, EventIndex: -1, H: opts.NodeH, Count: n.Count, Class: n.Kind,
			Title: n.Kind + " " + n.Name + "\n" + itoa(n.Count) + " events"}
		dn.W, dn.Label, dn.Sub = fit(&opts, n.Name, n.Kind+" · "+itoa(n.Count))
		d.Nodes = append(d.Nodes, dn)
		g.w, g.h = append(g.w, dn.W), append(g.h, dn.H)
	}
	pair := map[[2]int]int{}
	for _, e := range m.Edges {
		a, b := idx[e.From], idx[e.To]
		k, ok := pair[[2]int{a, b}]
		if !ok {
			k = len(d.Edges)
			pair[[2]int{a, b}] = k
			d.Edges = append(d.Edges, DrawEdge{From: e.From, To: e.To, Class: "edge"})
			g.edges = append(g.edges, [2]int{a, b})
		}
		de := &d.Edges[k]
		de.Count += e.Count
		de.LatencyMS = max(de.LatencyMS, e.P50MS)
		part := e.Label + " ×" + itoa(e.Count)
		if e.P50MS > 0 {
			part += " · " + FormatMS(e.P50MS)
		}
		de.Label = strings.TrimPrefix(de.Label+", "+part, ", ")
	}
	for k := range d.Edges {
		if de := &d.Edges[k]; utf8.RuneCountInString(de.Label) > maxMapLabel {
			de.Title, de.Label = de.Label, string([]rune(de.Label)[:maxMapLabel-1])+"…"
		}
	}
	place(d, g, &opts, fitGap)
	return d
}
