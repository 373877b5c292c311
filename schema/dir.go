package schema

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Dir is a Source for users without a registry: a directory of schema
// files named by ID, the extension saying the format: 7.avsc (Avro),
// 8.proto (Protobuf text), 9.desc (base64 FileDescriptorProto), 10.json
// (JSON Schema). References are named by file: an Avro schema may use the
// named types of the other .avsc files of the directory; a .proto may
// import another .proto of the directory by its file name (and the
// well-known types).
type Dir struct {
	path string
}

var _ Source = Dir{}

// dirExts maps a schema file's extension to its format.
var dirExts = []struct{ ext, typ string }{
	{".avsc", TypeAvro}, {".proto", TypeProtobuf}, {".desc", TypeProtobuf}, {".json", TypeJSON},
}

// NewDir checks that path is a directory and returns a Dir over it.
func NewDir(path string) (Dir, error) {
	st, err := os.Stat(path)
	if err != nil {
		return Dir{}, fmt.Errorf("schema dir: %w", err)
	}
	if !st.IsDir() {
		return Dir{}, fmt.Errorf("schema dir %s: not a directory", path)
	}
	return Dir{path: path}, nil
}

// ByID reads the file <id>.<ext>. Its references are the directory's
// other files of the same format (Avro) or its imports (Protobuf).
func (d Dir) ByID(_ context.Context, id int32) (Schema, error) {
	for _, x := range dirExts {
		name := strconv.Itoa(int(id)) + x.ext
		b, err := os.ReadFile(filepath.Join(d.path, name))
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			return Schema{}, fmt.Errorf("schema dir: %w", err)
		}
		s := Schema{ID: id, Type: x.typ, Text: string(b), Subject: name}
		if x.typ == TypeAvro {
			s.References, err = d.others(name, x.ext)
			s.LooseRefs = true
		}
		return s, err
	}
	return Schema{}, fmt.Errorf("schema dir %s: id %d: %w", d.path, id, ErrNotFound)
}

// BySubject reads the file named subject (version is ignored): references
// of a Dir schema name files.
func (d Dir) BySubject(_ context.Context, subject string, _ int) (Schema, error) {
	if subject != filepath.Base(subject) {
		return Schema{}, fmt.Errorf("schema dir: %q: %w", subject, ErrNotFound)
	}
	b, err := os.ReadFile(filepath.Join(d.path, subject))
	if os.IsNotExist(err) {
		return Schema{}, fmt.Errorf("schema dir %s: %s: %w", d.path, subject, ErrNotFound)
	}
	if err != nil {
		return Schema{}, fmt.Errorf("schema dir: %w", err)
	}
	typ := TypeAvro
	for _, x := range dirExts {
		if strings.HasSuffix(subject, x.ext) {
			typ = x.typ
		}
	}
	return Schema{Type: typ, Text: string(b), Subject: subject}, nil
}

// others lists the directory's files with ext other than self, as
// references, so that their named types are known to self.
func (d Dir) others(self, ext string) ([]Reference, error) {
	names, err := filepath.Glob(filepath.Join(d.path, "*"+ext))
	if err != nil {
		return nil, fmt.Errorf("schema dir: %w", err)
	}
	var refs []Reference
	for _, n := range names {
		if b := filepath.Base(n); b != self {
			refs = append(refs, Reference{Name: b, Subject: b})
		}
	}
	return refs, nil
}
