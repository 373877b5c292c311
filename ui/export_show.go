package ui

import (
	"bufio"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/eventscope/eventscope/graph"
)

// Export formats: ?format= value, content type and file extension.
var exportFormats = map[string]struct{ ctype, ext string }{
	"dot":     {"text/vnd.graphviz; charset=utf-8", "dot"},
	"mermaid": {"text/vnd.mermaid; charset=utf-8", "mmd"},
	"json":    {echo.MIMEApplicationJSONCharsetUTF8, "json"},
}

// exportLink is one download link on the flow page.
type exportLink struct{ Format, Label, URL string }

func exportLinks(flowID string) []exportLink {
	return []exportLink{
		{"dot", "Graphviz DOT", ExportURL(flowID, "dot")},
		{"mermaid", "Mermaid", ExportURL(flowID, "mermaid")},
		{"json", "JSON", ExportURL(flowID, "json")},
	}
}

// exportShow is GET /flows/{id}/export?format=dot|mermaid|json: the flow
// as a Graphviz digraph, a Mermaid flowchart or the JSON of
// /api/flows/{id}, as a download named after the flow.
func (h *handler) exportShow(c echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	format := c.QueryParam("format")
	f, ok := exportFormats[format]
	if !ok {
		return badRequest("bad format " + quote(format) + ": want dot, mermaid or json")
	}
	fl, _, err := h.loadFlow(c.Request().Context(), id, showInternal(c.QueryParams()))
	if err != nil {
		return err
	}
	hd := c.Response().Header()
	hd.Set("Content-Disposition", `attachment; filename="`+exportName(id)+"."+f.ext+`"`)
	switch format {
	case "dot", "mermaid":
		c.Response().Header().Set(echo.HeaderContentType, f.ctype)
		c.Response().WriteHeader(http.StatusOK)
		bw := bufio.NewWriterSize(c.Response(), 64<<10)
		if format == "dot" {
			graph.WriteDOT(bw, fl)
		} else {
			graph.WriteMermaid(bw, fl)
		}
		return bw.Flush()
	default:
		return writeFlowJSON(c, id, fl, 0, len(fl.Events), "")
	}
}

// exportName makes a safe file name from a flow ID: letters, digits, ".",
// "-" and "_" kept, anything else "_", at most 100 characters.
func exportName(id string) string {
	var b strings.Builder
	for _, r := range id {
		if b.Len() >= 100 {
			break
		}
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-', r == '_':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	name := strings.Trim(b.String(), ".")
	if name == "" {
		name = "flow"
	}
	return "flow-" + name
}
