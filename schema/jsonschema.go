package schema

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// jsonCodec validates JSON Schema payloads against their writer's schema.
type jsonCodec struct {
	schema *jsonschema.Schema
}

// jsonSchemaBase is the base URL of a schema and of its references named
// by a relative name ("money.json"), so that a $ref by that name resolves
// to the reference. Nothing is ever loaded from it (noLoader).
const jsonSchemaBase = "https://schema-registry.eventscope.invalid/"

// jsonSchemaURL names a registered schema or reference inside the compiler.
func jsonSchemaURL(name string) string {
	if strings.Contains(name, "://") {
		return name
	}
	return jsonSchemaBase + strings.TrimPrefix(name, "/")
}

// compileJSON compiles a JSON Schema after its references ($ref targets,
// registered under their reference names). Remote $refs are not fetched:
// the compiler has no loader but the references the source gave.
func (d *Decoder) compileJSON(ctx context.Context, s Schema) (*jsonCodec, error) {
	c := jsonschema.NewCompiler()
	c.UseLoader(noLoader{})
	seen := map[string]bool{}
	if err := d.jsonRefs(ctx, s, c, seen, 0); err != nil {
		return nil, err
	}
	main := jsonSchemaURL("id-" + strconv.Itoa(int(s.ID)) + ".json")
	if err := addJSONResource(c, main, s.Text); err != nil {
		return nil, err
	}
	sch, err := c.Compile(main)
	if err != nil {
		return nil, fmt.Errorf("compile json schema: %w", err)
	}
	return &jsonCodec{schema: sch}, nil
}

func (d *Decoder) jsonRefs(ctx context.Context, s Schema, c *jsonschema.Compiler, seen map[string]bool, depth int) error {
	if depth > 32 {
		return errors.New("json schema references nest deeper than 32")
	}
	for _, r := range s.References {
		if seen[r.Name] {
			continue
		}
		seen[r.Name] = true
		rs, err := d.reference(ctx, r)
		if err != nil {
			if s.LooseRefs && !isUnreachable(err) {
				continue
			}
			return err
		}
		if err := d.jsonRefs(ctx, rs, c, seen, depth+1); err != nil {
			return err
		}
		if err := addJSONResource(c, jsonSchemaURL(r.Name), rs.Text); err != nil && !s.LooseRefs {
			return fmt.Errorf("json schema reference %s: %w", r.Name, err)
		}
	}
	return nil
}

func addJSONResource(c *jsonschema.Compiler, url, text string) error {
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(text))
	if err != nil {
		return fmt.Errorf("parse json schema: %w", err)
	}
	return c.AddResource(url, doc)
}

// noLoader refuses every URL the compiler was not given: no file or
// network access from a schema's $ref.
type noLoader struct{}

func (noLoader) Load(url string) (any, error) {
	return nil, fmt.Errorf("%s: not a registered schema or reference", url)
}

// validate returns the payload when it is JSON, and the reason it does
// not fit the schema (empty when it does).
func (j *jsonCodec) validate(data []byte) ([]byte, string, error) {
	v, err := jsonSchemaValue(data)
	if err != nil {
		return nil, "", err
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(v))
	if err != nil {
		return nil, "", fmt.Errorf("JSON Schema payload: %w", err)
	}
	if err := j.schema.Validate(inst); err != nil {
		return v, invalidReason(err), nil
	}
	return v, "", nil
}

// invalidReason is a validation error in one line.
func invalidReason(err error) string {
	var ve *jsonschema.ValidationError
	msg := err.Error()
	if errors.As(err, &ve) {
		// The first leaf cause names the instance path and the rule.
		for len(ve.Causes) > 0 {
			ve = ve.Causes[0]
		}
		msg = ve.Error()
	}
	msg = strings.Join(strings.Fields(msg), " ")
	if len(msg) > 300 {
		msg = msg[:300] + "…"
	}
	return msg
}
