package event

import (
	"encoding/binary"
	"unicode/utf8"
)

// Content types detected when a record has no content-type header.
const (
	ContentTypeCloudEventsJSON = "application/cloudevents+json"
	ContentTypeJSON            = "application/json"
	ContentTypeText            = "text/plain; charset=utf-8"
	ContentTypeBinary          = "application/octet-stream"
)

// schemaID returns the schema ID of a value in the Confluent Schema Registry
// wire format (byte 0: magic byte 0; bytes 1-4: big-endian schema ID; then
// the Avro, Protobuf or JSON Schema encoded data), or 0 when v is not one.
// Registry IDs start at 1.
func schemaID(v []byte) int32 {
	if len(v) < 5 || v[0] != 0 {
		return 0
	}
	id := int32(binary.BigEndian.Uint32(v[1:5]))
	if id <= 0 {
		return 0
	}
	return id
}

// detectContentType names what the (capped) payload is when no header says.
func detectContentType(p []byte, j jsonScan, schema int32) string {
	switch {
	case len(p) == 0:
		return ""
	case j.isCE:
		return ContentTypeCloudEventsJSON
	case j.isJSON:
		return ContentTypeJSON
	case schema == 0 && isText(p):
		return ContentTypeText
	}
	return ContentTypeBinary
}

// isText reports whether p is UTF-8 without control characters other than
// tab, CR and LF (a cut at the cap may split the last rune).
func isText(p []byte) bool {
	for len(p) > 0 {
		r, n := utf8.DecodeRune(p)
		if r == utf8.RuneError && n <= 1 {
			return len(p) < utf8.UTFMax && !utf8.FullRune(p)
		}
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0x7f {
			return false
		}
		p = p[n:]
	}
	return true
}

// utf8BOM is the UTF-8 byte order mark some producers (.NET, Windows
// tools) put before a JSON text.
const utf8BOM = "\xef\xbb\xbf"

// JSONStart returns b from where a JSON text in it would start: past a
// UTF-8 byte order mark and JSON white space. The decoder and redaction
// both detect JSON through it, so a value is JSON to both or to neither.
func JSONStart(b []byte) []byte {
	if len(b) >= len(utf8BOM) && string(b[:len(utf8BOM)]) == utf8BOM {
		b = b[len(utf8BOM):]
	}
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t' || b[0] == '\r' || b[0] == '\n') {
		b = b[1:]
	}
	return b
}
