package event

import (
	"strings"
	"testing"
	"time"
)

func TestHeaderName(t *testing.T) {
	for in, want := range map[string]string{
		"X-Correlation-ID": "xcorrelationid",
		"correlation.id":   "correlationid",
		"Correlation_Id":   "correlationid",
		"CorrelationId":    "correlationid",
		"ce_id":            "ceid",
		"Ünïcode-Name":     "ünïcodename",
		"-_.":              "",
	} {
		if got := HeaderName(in); got != want {
			t.Errorf("HeaderName(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestJSONStart: a byte order mark and white space before a JSON envelope
// do not hide its IDs (issue 17 F2).
func TestJSONStart(t *testing.T) {
	d := NewDecoder(Config{Conventions: []Convention{{Name: "inhouse", Mappings: []Mapping{{Field: FieldType, JSONPath: "meta.kind"}}}}})
	for _, lead := range []string{"", "\ufeff", " \n", "\ufeff\t "} {
		v := lead + `{"eventId":"e1","correlationId":"c1","meta":{"kind":"K"}}`
		e := d.Decode(Record{Topic: "t", Value: []byte(v)}, time.Unix(0, 0))
		if e.EventID != "e1" || e.CorrelationID != "c1" || e.Type != "K" || e.ContentType != ContentTypeJSON {
			t.Errorf("lead %q: got id %q correlation %q type %q content type %q", lead, e.EventID, e.CorrelationID, e.Type, e.ContentType)
		}
	}
	err := Config{Conventions: []Convention{{Mappings: []Mapping{{Field: FieldType, Header: "--"}}}}}.Validate()
	if err == nil || !strings.Contains(err.Error(), "only separators") {
		t.Errorf("a header of separators only: err = %v", err)
	}
}
