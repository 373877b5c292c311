package static

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"
)

// Prefix is the URL path under which Handler serves the assets.
const Prefix = "/static/"

//go:embed app.css app.js htmx.min.js replay.css replay.js live.js find.css
//go:embed flow.css flow.js favicon.svg zoom.js panzoom.min.js
var files embed.FS

// asset is one embedded file with its content hash.
type asset struct {
	name   string // "app.css"
	hashed string // "app.3f2a1c0b.css"
	hash   string
	body   []byte
	ctype  string
}

// catalog indexes the embedded files by plain and hashed name. It is computed
// once from the read-only embedded files, so it is effectively a constant.
type catalog struct {
	byName   map[string]*asset
	byHashed map[string]*asset
}

var load = sync.OnceValue(func() *catalog {
	c := &catalog{byName: map[string]*asset{}, byHashed: map[string]*asset{}}
	entries, err := fs.ReadDir(files, ".")
	if err != nil {
		panic("static: read embedded files: " + err.Error()) // cannot happen: embed checked at build
	}
	for _, ent := range entries {
		body, err := files.ReadFile(ent.Name())
		if err != nil {
			panic("static: read " + ent.Name() + ": " + err.Error())
		}
		sum := sha256.Sum256(body)
		a := &asset{name: ent.Name(), hash: hex.EncodeToString(sum[:])[:10], body: body}
		ext := path.Ext(a.name)
		a.hashed = strings.TrimSuffix(a.name, ext) + "." + a.hash + ext
		a.ctype = contentType(ext)
		c.byName[a.name] = a
		c.byHashed[a.hashed] = a
	}
	return c
})

// Path returns the content-hashed URL of an embedded asset, e.g.
// Path("app.css") = "/static/app.3f2a1c0b9d.css". The URL changes whenever
// the file does, so it can be cached for ever. An unknown name panics: it is
// a programming error caught by any test that renders the page.
func Path(name string) string {
	a, ok := load().byName[name]
	if !ok {
		panic("static: no embedded asset " + name)
	}
	return Prefix + a.hashed
}

// Favicon serves favicon.svg at /favicon.ico, where browsers ask for it
// whatever the page links, so that no page logs a 404.
func Favicon() http.Handler {
	a := load().byName["favicon.svg"]
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", a.ctype)
		w.Header().Set("Cache-Control", "public, max-age=86400")
		http.ServeContent(w, r, a.name, time.Unix(0, 0), strings.NewReader(string(a.body)))
	})
}

// Handler serves the embedded assets under Prefix. A content-hashed name is
// served with a one-year immutable cache lifetime; the plain name (for
// people and scripts) is served with no-cache; anything else is 404.
func Handler() http.Handler {
	c := load()
	modTime := time.Unix(0, 0)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		name, ok := strings.CutPrefix(r.URL.Path, Prefix)
		if !ok {
			http.NotFound(w, r)
			return
		}
		a, hashed := c.byHashed[name]
		if !hashed {
			a = c.byName[name]
		}
		if a == nil {
			http.NotFound(w, r)
			return
		}
		h := w.Header()
		h.Set("Content-Type", a.ctype)
		h.Set("ETag", `"`+a.hash+`"`)
		h.Set("X-Content-Type-Options", "nosniff")
		if hashed {
			h.Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			h.Set("Cache-Control", "no-cache")
		}
		http.ServeContent(w, r, a.name, modTime, strings.NewReader(string(a.body)))
	})
}

// contentType is fixed per extension rather than read from the system's
// mime.types, so responses are the same on every machine.
func contentType(ext string) string {
	switch ext {
	case ".css":
		return "text/css; charset=utf-8"
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".svg":
		return "image/svg+xml"
	default:
		return "application/octet-stream"
	}
}
