package store

import (
	"math"
	"strings"
)

// PathValues is what a payload holds at one path (a dotted path of object
// keys, as PayloadMatches takes it): the read models of payload fields
// are built from it.
type PathValues struct {
	Path string
	// Dotted: a key of the path holds a "." (so Path names another path
	// too: {"a.b":1} is not at the path a.b).
	Dotted bool
	// Lo and Hi bound the values at the path that compare as numbers
	// (numbers, and strings that are numbers: see PayloadMatches); Nums
	// reports whether there is one.
	Lo, Hi float64
	Nums   bool
	// Texts are the texts of the values an exact term compares (not
	// objects nor arrays), in order, repeats left in.
	Texts []string
}

// SummarizePaths summarises a payload per path, in the order the paths
// first occur (store.WalkPayload).
func SummarizePaths(payload []byte) []PathValues {
	var out []PathValues
	at := map[string]int{}
	WalkPayload(payload, func(path []string, kind, text string) bool {
		p := strings.Join(path, ".")
		i, ok := at[p]
		if !ok {
			i = len(out)
			at[p] = i
			out = append(out, PathValues{Path: p, Dotted: strings.Contains(p, ".") && len(path) < strings.Count(p, ".")+1})
		}
		if kind == KindObject || kind == KindArray {
			return true
		}
		f := &out[i]
		f.Texts = append(f.Texts, text)
		if kind == KindNumber || kind == KindString {
			if v, ok := ParseNumber(text); ok && !math.IsInf(v, 0) {
				if !f.Nums || v < f.Lo {
					f.Lo = v
				}
				if !f.Nums || v > f.Hi {
					f.Hi = v
				}
				f.Nums = true
			}
		}
		return true
	})
	return out
}
