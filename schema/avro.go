package schema

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"sync"
	"time"

	"github.com/hamba/avro/v2"
)

// avroCodec decodes Avro binary data of one writer schema to JSON.
type avroCodec struct {
	schema  avro.Schema
	readers sync.Pool // *avro.Reader
}

// compileAvro parses an Avro schema after its references (named types it
// uses, each parsed into the same cache first, theirs before them).
func (d *Decoder) compileAvro(ctx context.Context, s Schema) (*avroCodec, error) {
	cache := &avro.SchemaCache{}
	seen := map[string]bool{}
	if err := d.avroRefs(ctx, s, cache, seen, 0); err != nil {
		return nil, err
	}
	sch, err := avro.ParseWithCache(s.Text, "", cache)
	if err != nil {
		return nil, fmt.Errorf("parse avro schema: %w", err)
	}
	return &avroCodec{schema: sch}, nil
}

func (d *Decoder) avroRefs(ctx context.Context, s Schema, cache *avro.SchemaCache, seen map[string]bool, depth int) error {
	if depth > 32 {
		return errors.New("avro references nest deeper than 32")
	}
	for _, r := range s.References {
		key := r.Subject + "/" + strconv.Itoa(r.Version)
		if seen[key] {
			continue
		}
		seen[key] = true
		rs, err := d.reference(ctx, r)
		if err != nil {
			if s.LooseRefs && !isUnreachable(err) {
				continue
			}
			return err
		}
		if err := d.avroRefs(ctx, rs, cache, seen, depth+1); err != nil {
			return err
		}
		if _, err := avro.ParseWithCache(rs.Text, "", cache); err != nil && !s.LooseRefs {
			return fmt.Errorf("parse avro reference %s: %w", r.Name, err)
		}
	}
	return nil
}

// toJSON decodes data to JSON in the schema's field order. Unions show as
// their value (not {"type": value}); timestamps as RFC 3339 text, dates as
// YYYY-MM-DD, decimals as exact decimal text, bytes as base64.
func (c *avroCodec) toJSON(data []byte) ([]byte, error) {
	r, _ := c.readers.Get().(*avro.Reader)
	if r == nil {
		r = avro.NewReader(nil, 0)
	}
	r.Reset(data)
	out := appendAvro(make([]byte, 0, 2*len(data)+64), r, c.schema, 0)
	err := r.Error
	r.Error = nil
	c.readers.Put(r)
	if err != nil {
		return nil, err
	}
	return out, nil
}

func appendAvro(b []byte, r *avro.Reader, s avro.Schema, depth int) []byte {
	if depth > 64 || r.Error != nil {
		if r.Error == nil {
			r.ReportError("decode", "avro value nests deeper than 64")
		}
		return b
	}
	var logical avro.LogicalType
	if ls, ok := s.(avro.LogicalTypeSchema); ok && ls.Logical() != nil {
		logical = ls.Logical().Type()
	}
	switch s.Type() {
	case avro.Null:
		return append(b, "null"...)
	case avro.Boolean:
		return strconv.AppendBool(b, r.ReadBool())
	case avro.Int:
		v := r.ReadInt()
		if logical == avro.Date {
			return appendString(b, time.Unix(int64(v)*86400, 0).UTC().Format(time.DateOnly))
		}
		return strconv.AppendInt(b, int64(v), 10)
	case avro.Long:
		v := r.ReadLong()
		switch logical {
		case avro.TimestampMillis:
			return appendString(b, time.UnixMilli(v).UTC().Format(time.RFC3339Nano))
		case avro.TimestampMicros:
			return appendString(b, time.UnixMicro(v).UTC().Format(time.RFC3339Nano))
		}
		return strconv.AppendInt(b, v, 10)
	case avro.Float:
		return appendFloat(b, float64(r.ReadFloat()), 32)
	case avro.Double:
		return appendFloat(b, r.ReadDouble(), 64)
	case avro.String:
		return appendString(b, r.ReadString())
	case avro.Bytes:
		return appendBytes(b, r.ReadBytes(), s)
	case avro.Fixed:
		v := make([]byte, s.(*avro.FixedSchema).Size())
		r.Read(v)
		return appendBytes(b, v, s)
	case avro.Enum:
		syms := s.(*avro.EnumSchema).Symbols()
		i := int(r.ReadInt())
		if i < 0 || i >= len(syms) {
			r.ReportError("decode", "enum index out of range")
			return b
		}
		return appendString(b, syms[i])
	case avro.Record:
		b = append(b, '{')
		for i, f := range s.(*avro.RecordSchema).Fields() {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, f.Name())
			b = append(b, ':')
			b = appendAvro(b, r, f.Type(), depth+1)
		}
		return append(b, '}')
	case avro.Ref:
		return appendAvro(b, r, s.(*avro.RefSchema).Schema(), depth+1)
	case avro.Array:
		items := s.(*avro.ArraySchema).Items()
		b = append(b, '[')
		n := 0
		readBlocks(r, func() {
			if n > 0 {
				b = append(b, ',')
			}
			n++
			b = appendAvro(b, r, items, depth+1)
		})
		return append(b, ']')
	case avro.Map:
		values := s.(*avro.MapSchema).Values()
		b = append(b, '{')
		n := 0
		readBlocks(r, func() {
			if n > 0 {
				b = append(b, ',')
			}
			n++
			b = appendString(b, r.ReadString())
			b = append(b, ':')
			b = appendAvro(b, r, values, depth+1)
		})
		return append(b, '}')
	case avro.Union:
		types := s.(*avro.UnionSchema).Types()
		i := int(r.ReadLong())
		if i < 0 || i >= len(types) {
			r.ReportError("decode", "union index out of range")
			return b
		}
		return appendAvro(b, r, types[i], depth+1)
	}
	r.ReportError("decode", "unknown avro type "+string(s.Type()))
	return b
}

// appendBytes writes bytes as base64 text, a decimal as its exact value.
func appendBytes(b []byte, v []byte, s avro.Schema) []byte {
	if ls, ok := s.(avro.LogicalTypeSchema); ok && ls.Logical() != nil && ls.Logical().Type() == avro.Decimal {
		scale := ls.Logical().(*avro.DecimalLogicalSchema).Scale()
		i := new(big.Int).SetBytes(v)
		if len(v) > 0 && v[0]&0x80 != 0 { // two's complement
			i.Sub(i, new(big.Int).Lsh(big.NewInt(1), uint(8*len(v))))
		}
		return appendString(b, new(big.Rat).SetFrac(i, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(scale)), nil)).FloatString(scale))
	}
	b = append(b, '"')
	b = base64.StdEncoding.AppendEncode(b, v)
	return append(b, '"')
}

// appendFloat writes a JSON number; NaN and infinities as text.
func appendFloat(b []byte, f float64, bits int) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return appendString(b, strconv.FormatFloat(f, 'g', -1, bits))
	}
	return strconv.AppendFloat(b, f, 'g', -1, bits)
}

// maxItems bounds the items of one array or map: items of null or empty
// records take no bytes, so a bad block count would loop for ever.
const maxItems = 1 << 20

// readBlocks reads the blocks of an array or map, calling item once per
// item, and stops at the first error (hamba's ReadArrayCB does not).
func readBlocks(r *avro.Reader, item func()) {
	total := int64(0)
	for r.Error == nil {
		l, _ := r.ReadBlockHeader()
		if l == 0 || r.Error != nil {
			return
		}
		if total += l; l < 0 || total > maxItems {
			r.ReportError("decode", "array or map with too many items")
			return
		}
		for i := int64(0); i < l && r.Error == nil; i++ {
			item()
		}
	}
}
