package schema

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"

	"github.com/bufbuild/protocompile"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/dynamicpb"
)

// protoCodec decodes Protobuf messages of one schema file to JSON.
type protoCodec struct {
	file  protoreflect.FileDescriptor
	types sync.Map // message-index path -> protoreflect.MessageType
	// json writes with the schema's own messages (and its imports') as
	// the types google.protobuf.Any fields may hold, then the runtime's.
	json protojson.MarshalOptions
}

// anyTypes resolves the type URL of an Any: a message of the schema's
// files first, then one the runtime knows (the well-known types).
type anyTypes struct{ own *dynamicpb.Types }

func (a anyTypes) FindMessageByName(n protoreflect.FullName) (protoreflect.MessageType, error) {
	if t, err := a.own.FindMessageByName(n); err == nil {
		return t, nil
	}
	return protoregistry.GlobalTypes.FindMessageByName(n)
}

func (a anyTypes) FindMessageByURL(url string) (protoreflect.MessageType, error) {
	if t, err := a.own.FindMessageByURL(url); err == nil {
		return t, nil
	}
	return protoregistry.GlobalTypes.FindMessageByURL(url)
}

func (a anyTypes) FindExtensionByName(n protoreflect.FullName) (protoreflect.ExtensionType, error) {
	return protoregistry.GlobalTypes.FindExtensionByName(n)
}

func (a anyTypes) FindExtensionByNumber(m protoreflect.FullName, f protoreflect.FieldNumber) (protoreflect.ExtensionType, error) {
	return protoregistry.GlobalTypes.FindExtensionByNumber(m, f)
}

// protoSource is one file for the compiler: .proto text or a descriptor.
type protoSource struct {
	text string
	desc *descriptorpb.FileDescriptorProto
}

// parseProtoSource tells a base64 FileDescriptorProto (what Python's
// serializer registers) from .proto text.
func parseProtoSource(text string) protoSource {
	t := strings.TrimSpace(text)
	if !strings.ContainsAny(t, " \n;{") {
		if b, err := base64.StdEncoding.DecodeString(t); err == nil {
			var fd descriptorpb.FileDescriptorProto
			if proto.Unmarshal(b, &fd) == nil {
				for _, m := range fd.MessageType {
					fillJSONNames(m)
				}
				return protoSource{desc: &fd}
			}
		}
	}
	return protoSource{text: text}
}

// compileProto compiles a Protobuf schema with its references (imports,
// fetched by name) and the well-known types.
func (d *Decoder) compileProto(ctx context.Context, s Schema) (*protoCodec, error) {
	var mu sync.Mutex
	files := map[string]protoSource{}
	var fetchErr error
	if err := d.protoRefs(ctx, s, files, 0); err != nil {
		return nil, err
	}
	main := parseProtoSource(s.Text)
	name := "schema-" + strconv.Itoa(int(s.ID)) + ".proto"
	if main.desc != nil && main.desc.GetName() != "" {
		name = main.desc.GetName()
	}
	files[name] = main
	resolve := protocompile.ResolverFunc(func(path string) (protocompile.SearchResult, error) {
		mu.Lock()
		defer mu.Unlock()
		f, ok := files[path]
		if !ok {
			// An import no reference names: ask the source by its path
			// (a Dir holds it under that file name).
			rs, err := d.reference(ctx, Reference{Name: path, Subject: path})
			if err != nil {
				if fetchErr == nil && isUnreachable(err) {
					fetchErr = err
				}
				return protocompile.SearchResult{}, err
			}
			f = parseProtoSource(rs.Text)
			files[path] = f
		}
		if f.desc != nil {
			return protocompile.SearchResult{Proto: f.desc}, nil
		}
		return protocompile.SearchResult{Source: io.NopCloser(strings.NewReader(f.text))}, nil
	})
	comp := protocompile.Compiler{Resolver: protocompile.WithStandardImports(resolve)}
	res, err := comp.Compile(ctx, name)
	if err != nil {
		if fetchErr != nil {
			return nil, fetchErr
		}
		return nil, fmt.Errorf("compile protobuf schema: %w", err)
	}
	if res[0].Messages().Len() == 0 {
		return nil, errors.New("protobuf schema has no message")
	}
	file, native := nativeFile(res[0])
	return &protoCodec{file: file, json: protojson.MarshalOptions{Resolver: anyTypes{dynamicpb.NewTypes(native)}}}, nil
}

// protoRefs adds the references of s (and theirs) to files by name.
func (d *Decoder) protoRefs(ctx context.Context, s Schema, files map[string]protoSource, depth int) error {
	if depth > 32 {
		return errors.New("protobuf references nest deeper than 32")
	}
	for _, r := range s.References {
		if _, ok := files[r.Name]; ok {
			continue
		}
		rs, err := d.reference(ctx, r)
		if err != nil {
			return err
		}
		files[r.Name] = parseProtoSource(rs.Text)
		if err := d.protoRefs(ctx, rs, files, depth+1); err != nil {
			return err
		}
	}
	return nil
}

// toJSON reads the message indexes (a zigzag varint count, then as many
// zigzag varint indexes; a count of 0 means the first message), then the
// message they name, and writes it as protojson.
func (c *protoCodec) toJSON(data []byte) ([]byte, error) {
	mt, n, err := c.messageType(data)
	if err != nil {
		return nil, err
	}
	m := mt.New().Interface()
	if err := (proto.UnmarshalOptions{AllowPartial: true}).Unmarshal(data[n:], m); err != nil {
		return nil, fmt.Errorf("protobuf message %s: %w", mt.Descriptor().FullName(), err)
	}
	return c.json.Marshal(m)
}

// messageType resolves the message-index list at the start of data; n is
// its length in bytes.
func (c *protoCodec) messageType(data []byte) (protoreflect.MessageType, int, error) {
	count, n := protowire.ConsumeVarint(data)
	if n < 0 {
		return nil, 0, errors.New("protobuf message indexes: bad varint")
	}
	cnt := protowire.DecodeZigZag(count)
	if cnt == 0 {
		return c.typeAt(data[:n], []int{0}, n)
	}
	if cnt < 0 || cnt > 32 {
		return nil, 0, fmt.Errorf("protobuf message indexes: count %d", cnt)
	}
	path := make([]int, 0, cnt)
	off := n
	for range cnt {
		v, m := protowire.ConsumeVarint(data[off:])
		if m < 0 {
			return nil, 0, errors.New("protobuf message indexes: bad varint")
		}
		path = append(path, int(protowire.DecodeZigZag(v)))
		off += m
	}
	return c.typeAt(data[:off], path, off)
}

func (c *protoCodec) typeAt(key []byte, path []int, n int) (protoreflect.MessageType, int, error) {
	if t, ok := c.types.Load(string(key)); ok {
		return t.(protoreflect.MessageType), n, nil
	}
	msgs := c.file.Messages()
	var md protoreflect.MessageDescriptor
	for _, i := range path {
		if i < 0 || i >= msgs.Len() {
			return nil, 0, fmt.Errorf("protobuf message indexes %v: no such message in %s", path, c.file.Path())
		}
		md = msgs.Get(i)
		msgs = md.Messages()
	}
	t := dynamicpb.NewMessageType(md)
	c.types.Store(string(key), t)
	return t, n, nil
}

// nativeFile rebuilds a compiled file (and its imports) as the protobuf
// runtime's own descriptors, which dynamicpb reads faster than the
// compiler's; the compiled file itself when that fails. files holds what
// was rebuilt.
func nativeFile(f protoreflect.FileDescriptor) (protoreflect.FileDescriptor, *protoregistry.Files) {
	files := new(protoregistry.Files)
	var add func(f protoreflect.FileDescriptor) (protoreflect.FileDescriptor, error)
	add = func(f protoreflect.FileDescriptor) (protoreflect.FileDescriptor, error) {
		if got, err := files.FindFileByPath(f.Path()); err == nil {
			return got, nil
		}
		imps := f.Imports()
		for i := range imps.Len() {
			if _, err := add(imps.Get(i).FileDescriptor); err != nil {
				return nil, err
			}
		}
		n, err := protodesc.NewFile(protodesc.ToFileDescriptorProto(f), files)
		if err != nil {
			return nil, err
		}
		return n, files.RegisterFile(n)
	}
	n, err := add(f)
	if err != nil {
		return f, files
	}
	return n, files
}

// fillJSONNames sets json_name where a descriptor lacks it, as protoc
// does: descriptors built at run time (Python's serializer registers
// those) leave it out, and the compiler then reads every such field as
// having the custom name "", which clashes.
func fillJSONNames(m *descriptorpb.DescriptorProto) {
	for _, f := range m.Field {
		if f.GetJsonName() == "" {
			f.JsonName = proto.String(jsonCamelCase(f.GetName()))
		}
	}
	for _, n := range m.NestedType {
		fillJSONNames(n)
	}
}

// jsonCamelCase is protoc's default JSON name: underscores removed, the
// letter after each one upper-cased.
func jsonCamelCase(s string) string {
	b := make([]byte, 0, len(s))
	up := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '_':
			up = true
		case up && 'a' <= c && c <= 'z':
			b = append(b, c-'a'+'A')
			up = false
		default:
			b = append(b, c)
			up = false
		}
	}
	return string(b)
}
