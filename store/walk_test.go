package store

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// walkPayloadDecoder is WalkPayload as first written, on encoding/json's
// Decoder.Token (~30x slower): the reference the scanner is checked against.
// It calls visit for every value of a JSON payload below the
// top level, with its path of object keys (array elements share their
// array's path), its kind and its text (see PayloadMatches), until visit
// returns false. It stops quietly where the payload stops being JSON, so a
// truncated payload yields what comes before the cut; a payload that does
// not start with an object or array yields nothing.
func walkPayloadDecoder(payload []byte, visit func(path []string, kind, text string) bool) {
	p := bytes.TrimLeft(payload, " \t\r\n")
	if len(p) == 0 || p[0] != '{' && p[0] != '[' {
		return
	}
	d := json.NewDecoder(bytes.NewReader(p))
	d.UseNumber()
	w := decoderWalker{d: d, visit: visit}
	tok, err := d.Token()
	if err != nil {
		return
	}
	w.top = true
	w.value(tok)
}

type decoderWalker struct {
	d     *json.Decoder
	path  []string
	visit func(path []string, kind, text string) bool
	top   bool
}

// value walks one value whose first token is tok; false when the walk
// ends (an error or visit said stop).
func (w *decoderWalker) value(tok json.Token) bool {
	top := w.top
	w.top = false
	emit := func(kind, text string) bool {
		if top {
			return true
		}
		return w.visit(w.path, kind, text)
	}
	switch v := tok.(type) {
	case json.Delim:
		if v == '{' {
			if !emit(KindObject, "") {
				return false
			}
			for w.d.More() {
				k, err := w.d.Token()
				key, ok := k.(string)
				if err != nil || !ok {
					return false
				}
				t, err := w.d.Token()
				if err != nil {
					return false
				}
				w.path = append(w.path, key)
				ok = w.value(t)
				w.path = w.path[:len(w.path)-1]
				if !ok {
					return false
				}
			}
		} else {
			if !emit(KindArray, "") {
				return false
			}
			for w.d.More() {
				t, err := w.d.Token()
				if err != nil {
					return false
				}
				w.top = top // elements of the top-level array are top level too
				if !w.value(t) {
					return false
				}
			}
		}
		_, err := w.d.Token() // the closing delimiter
		return err == nil
	case string:
		return emit(KindString, v)
	case json.Number:
		return emit(KindNumber, string(v))
	case bool:
		return emit(KindBool, strconv.FormatBool(v))
	case nil:
		return emit(KindNull, "null")
	}
	return false
}

type visited struct{ Path, Kind, Text string }

func walkAll(walk func([]byte, func([]string, string, string) bool), p []byte) []visited {
	var out []visited
	walk(p, func(path []string, kind, text string) bool {
		out = append(out, visited{strings.Join(path, "\x00"), kind, text})
		return true
	})
	return out
}

var walkSamples = []string{
	`{"customer":{"id":"cus-1001","name":"Zoë"},"amount":750,"items":[{"sku":"A-17","qty":2},{"sku":"B-2"}]}`,
	`{"error":"card declined","amount":"750.00","refund":null,"ok":true,"no":false,"e":-1.5e+3,"z":0}`,
	`[{"a":[1,[2,{"b":"c"}]]},3,"x",[]]`,
	`{"esc":"a\"b\\c\/d\b\f\n\r\t\u00e9\ud83d\ude00\ud800x\udc00","k\u00e9y":{}}`,
	"{\"bad\":\"\xff\xfe ok \xc3\xa9\",\"\xffkey\":1}",
	` { "sp" : [ 1 , 2 ] , "t" : { } } `,
	`{"a":01}`, `{"a":1 "b":2}`, `{"a":tru}`, `{"a":"x\q"}`, `{"a":"x` + "\x01" + `"}`, `{"a":[1,]}`, `{"a":-}`, `{"a":1.}`, `{"a":1e}`,
	`{"a":1x}`, `{"a":truex}`, `{"a":nul}`, `[1 2]`, `{"a" 1}`, `{,}`, `{"a":1}{"b":2}`, `{"a":{"b":{"c":[{"d":null}]}}}`,
}

// TestWalkPayloadLikeDecoder checks the scanner against the Decoder walk
// on samples and on every cut of them (truncated payloads).
func TestWalkPayloadLikeDecoder(t *testing.T) {
	for _, s := range walkSamples {
		for n := 0; n <= len(s); n++ {
			p := []byte(s[:n])
			want, got := walkAll(walkPayloadDecoder, p), walkAll(WalkPayload, p)
			if !reflect.DeepEqual(want, got) {
				t.Errorf("%q:\n got %q\nwant %q", p, got, want)
			}
		}
	}
}

func FuzzWalkPayload(f *testing.F) {
	for _, s := range walkSamples {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, p []byte) {
		want, got := walkAll(walkPayloadDecoder, p), walkAll(WalkPayload, p)
		if !reflect.DeepEqual(want, got) {
			t.Errorf("%q:\n got %q\nwant %q", p, got, want)
		}
	})
}

func BenchmarkWalkPayload(b *testing.B) {
	p := []byte(`{"orderId":"ord-0000123","step":3,"customer":{"id":"cus-123","name":"Customer 123"},"status":"placed","total":55.12,` +
		`"currency":"EUR","items":[{"sku":"pz-3","quantity":2,"unitPrice":9.50},{"sku":"dr-4","quantity":1}],"note":"extra cheese no onions"}`)
	for _, w := range []struct {
		name string
		walk func([]byte, func([]string, string, string) bool)
	}{{"scanner", WalkPayload}, {"decoder", walkPayloadDecoder}} {
		b.Run(w.name, func(b *testing.B) {
			for b.Loop() {
				w.walk(p, func([]string, string, string) bool { return true })
			}
		})
	}
}
