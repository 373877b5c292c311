package ui

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strconv"
)

// jsonNode is one value of a JSON payload as the detail panel's foldable
// tree shows it: an object or array with its members, or a scalar.
type jsonNode struct {
	Key     string // member name, "[i]" for an array item, "" for the root
	Value   string // a scalar as JSON ("\"paid\"", 10, true, null)
	Kind    string // "string", "number", "bool", "null", "object", "array"
	Open    string // "{" or "[" for a container
	Close   string
	Summary string // "3 fields", "2 items"
	Kids    []jsonNode
	Folded  bool // shown folded: deep in the tree
}

// Bounds of the tree: a payload with more values is shown as text only.
const (
	maxTreeNodes = 1500
	openDepth    = 3 // containers deeper than this start folded
)

var errTreeTooBig = errors.New("json tree: too many values")

// jsonTree parses a JSON payload into a tree in document order (members as
// written, not sorted); nil when it is not JSON or too big to draw.
func jsonTree(payload []byte) *jsonNode {
	dec := json.NewDecoder(bytes.NewReader(payload))
	dec.UseNumber()
	n := 0
	root, err := readNode(dec, "", 0, &n)
	if err != nil {
		return nil
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil // trailing data
	}
	return &root
}

func readNode(dec *json.Decoder, key string, depth int, n *int) (jsonNode, error) {
	if *n++; *n > maxTreeNodes {
		return jsonNode{}, errTreeTooBig
	}
	tok, err := dec.Token()
	if err != nil {
		return jsonNode{}, err
	}
	node := jsonNode{Key: key}
	switch t := tok.(type) {
	case json.Delim:
		node.Folded = depth >= openDepth
		if t == '{' {
			node.Kind, node.Open, node.Close = "object", "{", "}"
		} else {
			node.Kind, node.Open, node.Close = "array", "[", "]"
		}
		for i := 0; dec.More(); i++ {
			k := "[" + strconv.Itoa(i) + "]"
			if t == '{' {
				kt, err := dec.Token()
				if err != nil {
					return jsonNode{}, err
				}
				k, _ = kt.(string)
			}
			kid, err := readNode(dec, k, depth+1, n)
			if err != nil {
				return jsonNode{}, err
			}
			node.Kids = append(node.Kids, kid)
		}
		if _, err := dec.Token(); err != nil { // the closing delimiter
			return jsonNode{}, err
		}
		node.Summary = plural(len(node.Kids), "field")
		if t == '[' {
			node.Summary = plural(len(node.Kids), "item")
		}
	case string:
		node.Kind, node.Value = "string", quoteJSON(t)
	case json.Number:
		node.Kind, node.Value = "number", t.String()
	case bool:
		node.Kind, node.Value = "bool", strconv.FormatBool(t)
	default:
		node.Kind, node.Value = "null", "null"
	}
	return node, nil
}

// quoteJSON quotes s as JSON does, leaving <, > and & as they are (the
// page escapes them).
func quoteJSON(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	return string(bytes.TrimSuffix(b.Bytes(), []byte("\n")))
}
