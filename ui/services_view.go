package ui

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/eventscope/eventscope/graph"
	"github.com/eventscope/eventscope/store"
)

// ConsumerGroup is one consumer group of the cluster as the service map
// shows it: cmd/tracer adapts what ingest reads through the cluster admin.
type ConsumerGroup struct {
	Name    string   `json:"name"`
	State   string   `json:"state"`
	Members int      `json:"members"`
	Topics  []string `json:"topics"` // topics it has committed offsets on or is assigned
	Lag     int64    `json:"lag"`    // sum over its partitions; -1 when unknown
}

// KindGroup is the service-map node kind of a consumer group.
const KindGroup = "group"

// GroupNodeID names a consumer group's node.
func GroupNodeID(name string) string { return KindGroup + ":" + name }

// Service map window: the map is drawn from at most mapEvents of the events
// that arrived in the last mapWindow.
const (
	mapWindow = time.Hour
	mapEvents = 10000
)

// serviceMapData is the service map and what it was drawn from.
type serviceMapData struct {
	Map         graph.ServiceMap
	Available   bool // the store can list recent events (store.Insights)
	Events      int
	Since       time.Time
	Groups      []ConsumerGroup
	GroupsError string
	// Internal: records of internal topics are drawn (?internal=1);
	// Hidden: how many were left out otherwise.
	Internal bool
	Hidden   int
}

// serviceMap derives the map from the recent events and adds the consumer
// groups (except eventscope's own) with an edge from each topic they read.
func (h *handler) serviceMap(ctx context.Context, internal bool) (serviceMapData, error) {
	d := serviceMapData{Internal: internal, Since: h.now().Add(-mapWindow).UTC(), Map: graph.ServiceMap{Nodes: []graph.MapNode{}, Edges: []graph.MapEdge{}}}
	ins, ok := h.store.(store.Insights)
	if !ok {
		return d, nil
	}
	d.Available = true
	evs, err := ins.RecentEvents(ctx, d.Since, mapEvents)
	if err != nil {
		return d, err
	}
	slices.Reverse(evs)                            // oldest first: the first record of an ID is its original
	evs, d.Hidden = withoutInternal(evs, internal) // internal topics: only when asked
	d.Events = len(evs)
	if len(evs) > 0 {
		d.Map = graph.BuildServiceMap(evs)
		// Rates over the time the sample covers: from its oldest arrival
		// (not before the window's start) to now.
		from := evs[0].KafkaTime
		for i := range evs {
			if evs[i].KafkaTime.Before(from) {
				from = evs[i].KafkaTime
			}
		}
		if from.Before(d.Since) {
			from = d.Since
		}
		if secs := h.now().Sub(from).Seconds(); secs > 0 {
			for i := range d.Map.Edges {
				d.Map.Edges[i].Rate = float64(d.Map.Edges[i].Count) / secs
			}
		}
	}
	if h.groups == nil {
		return d, nil
	}
	groups, err := h.groups(ctx)
	if err != nil {
		h.log.Warn("list consumer groups", "error", err)
		d.GroupsError = "consumer groups could not be listed: " + err.Error()
		return d, nil
	}
	own := ""
	if st, ok := h.ingestStats(); ok {
		own = st.GroupID
	}
	for _, g := range groups {
		if g.Name != own {
			d.Groups = append(d.Groups, g)
		}
	}
	addGroups(&d.Map, d.Groups)
	return d, nil
}

// addGroups adds group nodes and topic → group edges ("subscribed"),
// adding topics no recent event was seen on.
func addGroups(m *graph.ServiceMap, groups []ConsumerGroup) {
	has := map[string]bool{}
	for _, n := range m.Nodes {
		has[n.ID] = true
	}
	for _, g := range groups {
		m.Nodes = append(m.Nodes, graph.MapNode{ID: GroupNodeID(g.Name), Kind: KindGroup, Name: g.Name, Count: g.Members})
		for _, t := range g.Topics {
			if id := graph.TopicNodeID(t); !has[id] {
				has[id] = true
				m.Nodes = append(m.Nodes, graph.MapNode{ID: id, Kind: graph.KindTopic, Name: t})
			}
			m.Edges = append(m.Edges, graph.MapEdge{From: graph.TopicNodeID(t), To: GroupNodeID(g.Name), Label: "subscribed"})
		}
	}
}

// servicesView is the service map page.
type servicesView struct {
	Available   bool
	Summary     string
	SVG         mapSVGView
	Edges       []mapEdgeRow
	Services    []string
	Groups      []ConsumerGroup
	GroupsError string
	// InternalNote and ToggleURL: the internal-topics toggle ("" when the
	// events held no internal records).
	InternalNote, ToggleURL, ToggleText string
}

type mapSVGView struct {
	Width, Height string
	ViewBox       string
	Nodes         []mapNodeSVG
	Edges         []mapEdgeSVG
}

type mapNodeSVG struct {
	ID, Kind, Name, URL string
	Label, Sub, Title   string
	X, Y, W, H          string
	TextX, LabelY, SubY string
	Fill, Stroke        string
}

type mapEdgeSVG struct {
	From, To, Points string
	Label, LX, LY    string
	Title            string // the whole label, as a tooltip, when Label was cut
}

// mapEdgeRow is one edge of the map in the table under the drawing.
type mapEdgeRow struct {
	From, To, Relation, Type string
	Count, Rate, P50, P99    string
	ExamplesURL              string
}

var nodeColours = map[string][2]string{
	graph.KindService: {"#ddf4ff", "#0969da"},
	graph.KindTopic:   {"#fff8c5", "#9a6700"},
	KindGroup:         {"#f6f8fa", "#57606a"},
}

func fmtCoord(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }

// servicesViewOf lays the map out (graph.LayoutServiceMap, the flow
// graph's layered layout) and builds the page's view.
func servicesViewOf(d serviceMapData) servicesView {
	v := servicesView{Available: d.Available, Groups: d.Groups, GroupsError: d.GroupsError}
	switch {
	case d.Internal:
		v.InternalNote, v.ToggleURL, v.ToggleText = "Internal topics (stream-processor repartition and changelog topics and the like) are drawn.", "/services", "Hide internal topics"
	case d.Hidden > 0:
		v.InternalNote = plural(d.Hidden, "record") + " of internal topics (stream-processor repartition and changelog topics and the like) " + agree(d.Hidden, "is", "are") + " left out."
		v.ToggleURL, v.ToggleText = "/services?internal=1", "Show internal topics"
	}
	v.Summary = "From " + plural(d.Events, "event") + " that arrived since " + fmtTime(d.Since) + " UTC"
	if d.Events == mapEvents {
		v.Summary += " (the newest " + strconv.Itoa(mapEvents) + ")"
	}
	names := map[string]graph.MapNode{}
	for _, n := range d.Map.Nodes {
		names[n.ID] = n
		if n.Kind == graph.KindService {
			v.Services = append(v.Services, n.Name)
		}
	}
	dr := graph.LayoutServiceMap(d.Map, graph.LayoutOptions{})
	v.SVG = mapSVGView{Width: fmtCoord(dr.Width), Height: fmtCoord(dr.Height),
		ViewBox: "0 0 " + fmtCoord(dr.Width) + " " + fmtCoord(dr.Height)}
	for _, n := range dr.Nodes {
		mn := names[n.ID]
		c := nodeColours[mn.Kind]
		v.SVG.Nodes = append(v.SVG.Nodes, mapNodeSVG{
			ID: n.ID, Kind: mn.Kind, Name: mn.Name, URL: nodeSearchURL(mn),
			Label: n.Label, Sub: n.Sub, Title: n.Title,
			X: fmtCoord(n.X), Y: fmtCoord(n.Y), W: fmtCoord(n.W), H: fmtCoord(n.H),
			TextX: fmtCoord(n.X + n.W/2), LabelY: fmtCoord(n.Y + n.H*0.42), SubY: fmtCoord(n.Y + n.H*0.8),
			Fill: c[0], Stroke: c[1],
		})
	}
	for _, e := range dr.Edges {
		pts := make([]string, len(e.Points))
		for i, p := range e.Points {
			pts[i] = fmtCoord(p[0]) + "," + fmtCoord(p[1])
		}
		label := e.Label
		if strings.HasPrefix(e.To, KindGroup+":") {
			label = "" // "subscribed": the group table says more
		}
		title := ""
		if label != "" || e.Label == "" && !strings.HasPrefix(e.To, KindGroup+":") {
			title = e.Title // graph cut the label to fit, or found no free place for it
		}
		v.SVG.Edges = append(v.SVG.Edges, mapEdgeSVG{From: e.From, To: e.To, Points: strings.Join(pts, " "),
			Label: label, LX: fmtCoord(e.LabelAt[0]), LY: fmtCoord(e.LabelAt[1] - 4), Title: title})
	}
	for _, e := range d.Map.Edges {
		v.Edges = append(v.Edges, edgeRow(e, names[e.From], names[e.To]))
	}
	return v
}

func edgeRow(e graph.MapEdge, from, to graph.MapNode) mapEdgeRow {
	r := mapEdgeRow{From: from.Name, To: to.Name, Type: e.Label, Count: strconv.Itoa(e.Count), Rate: fmtRate(e.Rate)}
	if e.P50MS > 0 || e.P99MS > 0 {
		r.P50, r.P99 = graph.FormatMS(e.P50MS), graph.FormatMS(e.P99MS)
	}
	switch {
	case from.Kind == graph.KindService:
		r.Relation = "publishes"
		if from.Name != "(unknown)" {
			r.ExamplesURL = SearchURL("source:" + queryValue(from.Name) + " type:" + queryValue(e.Label) + " topic:" + queryValue(to.Name))
		}
	case to.Kind == graph.KindService:
		r.Relation = "reacts to"
		if to.Name != "(unknown)" {
			r.ExamplesURL = SearchURL("type:" + queryValue(e.Label) + " topic:" + queryValue(from.Name) + " source:" + queryValue(to.Name))
		}
	default:
		r.Relation, r.Type, r.Count, r.Rate = "subscribed", "", "", ""
	}
	return r
}

// nodeSearchURL lists the flows a node takes part in; a consumer group's
// node links to the group's page.
func nodeSearchURL(n graph.MapNode) string {
	switch {
	case n.Kind == KindGroup:
		return GroupURL(n.Name)
	case n.Kind == graph.KindService && n.Name != "(unknown)":
		return SearchURL("source:" + queryValue(n.Name))
	case n.Kind == graph.KindTopic:
		return SearchURL("topic:" + queryValue(n.Name))
	}
	return ""
}

// queryValue writes v as a value of the search language: quoted (with \"
// and \\ escapes) unless it is a plain word.
func queryValue(v string) string {
	if v != "" && !strings.ContainsAny(v, " \t\r\n\"\\*") && !strings.HasPrefix(v, "-") {
		return v
	}
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`)
	return `"` + r.Replace(v) + `"`
}

// fmtRate formats events per second: per hour or minute when slow.
func fmtRate(r float64) string {
	return fmtRateIn(r, rateUnitFor(r))
}

// rateUnit is a unit for event rates: per second, minute or hour.
type rateUnit struct {
	perSecond float64 // how many of the unit's events one event/s is
	suffix    string
}

// rateUnitFor is the unit that shows rate r (events per second) best: /s
// from 1/s, /min from 1/min, /h below.
func rateUnitFor(r float64) rateUnit {
	switch {
	case r >= 1 || r == 0:
		return rateUnit{1, "/s"}
	case r >= 1.0/60:
		return rateUnit{60, "/min"}
	default:
		return rateUnit{3600, "/h"}
	}
}

// fmtRateIn formats rate r (events per second) in unit u: per minute and
// hour with one decimal, per second with two below 10 and none from 10.
func fmtRateIn(r float64, u rateUnit) string {
	if r == 0 {
		return "0" + u.suffix
	}
	v := r * u.perSecond
	if u.perSecond > 1 {
		return strconv.FormatFloat(v, 'f', 1, 64) + u.suffix
	}
	if v < 10 {
		return strconv.FormatFloat(v, 'f', 2, 64) + u.suffix
	}
	return strconv.FormatFloat(v, 'f', 0, 64) + u.suffix
}
