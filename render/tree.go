package render

import (
	"bytes"
	"cmp"
	"encoding"
	"encoding/base64"
	"encoding/json"
	"fmt"
	yamlv2 "go.yaml.in/yaml/v2"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// toTree returns the value that encoding/json would write for v, decoded
// again into maps, lists, strings, bools, nils and int64 or float64
// numbers (as number decides): the JSON-shaped tree that sigs.k8s.io/yaml
// hands to its YAML encoder. It follows encoding/json's rules - field
// names, embedding, omitempty and omitzero, ",string", MarshalJSON and
// MarshalText, base64 byte slices, map keys - but reflects only on the
// types of the values it meets. encoding/json builds an encoder for every
// type a type can reach before it writes a byte: for a StatefulSet that
// is most of k8s.io/api/core/v1, which a short-lived `esgen render` used
// to spend about a quarter of its time on.
func toTree(v reflect.Value) (any, error) {
	return treeOf(v, 0)
}

// maxTreeDepth bounds recursion: esgen's objects are shallow trees, so
// only a cycle gets this deep (encoding/json reports cycles too).
const maxTreeDepth = 1000

var (
	jsonNumberType    = reflect.TypeFor[json.Number]()
	jsonMarshalerType = reflect.TypeFor[json.Marshaler]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
	isZeroerType      = reflect.TypeFor[interface{ IsZero() bool }]()
)

func treeOf(v reflect.Value, depth int) (any, error) {
	if !v.IsValid() {
		return nil, nil
	}
	if depth > maxTreeDepth {
		return nil, fmt.Errorf("json: unsupported value: encountered a cycle via %s", v.Type())
	}
	t := v.Type()
	// The marshaler checks come first, in encoding/json's order; a
	// pointer-receiver method counts when the value is addressable.
	if m := marshalersOf(t); m != 0 {
		switch {
		case m&addrJSON != 0 && v.CanAddr():
			return marshalJSON(v.Addr())
		case m&ownJSON != 0:
			return marshalJSON(v)
		case m&addrText != 0 && v.CanAddr():
			return marshalText(v.Addr())
		case m&ownText != 0:
			return marshalText(v)
		}
	}
	if t == jsonNumberType {
		return numberTree(v.String())
	}
	switch t.Kind() {
	case reflect.Bool:
		return v.Bool(), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int(), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return number(json.Number(strconv.FormatUint(v.Uint(), 10))), nil
	case reflect.Float32, reflect.Float64:
		s, err := formatFloat(v.Float(), t.Bits())
		if err != nil {
			return nil, err
		}
		return number(json.Number(s)), nil
	case reflect.String:
		return validUTF8(v.String()), nil
	case reflect.Interface, reflect.Pointer:
		if v.IsNil() {
			return nil, nil
		}
		return treeOf(v.Elem(), depth+1)
	case reflect.Struct:
		return structTree(v, depth)
	case reflect.Map:
		return mapTree(v, depth)
	case reflect.Slice:
		if v.IsNil() {
			return nil, nil
		}
		if isByteSlice(t) {
			return base64.StdEncoding.EncodeToString(v.Bytes()), nil
		}
		return listTree(v, depth)
	case reflect.Array:
		return listTree(v, depth)
	}
	return nil, &json.UnsupportedTypeError{Type: t}
}

// marshalers says which marshaler methods a type has: its own, or its
// pointer's (which count only for addressable values).
type marshalers uint8

const (
	addrJSON marshalers = 1 << iota
	ownJSON
	addrText
	ownText
)

// marshalerCache maps a reflect.Type to its marshalers: Implements is
// slow, and asked for every value.
var marshalerCache sync.Map

func marshalersOf(t reflect.Type) marshalers {
	if m, ok := marshalerCache.Load(t); ok {
		return m.(marshalers)
	}
	var m marshalers
	if t.Kind() != reflect.Pointer && reflect.PointerTo(t).Implements(jsonMarshalerType) {
		m |= addrJSON
	}
	if t.Implements(jsonMarshalerType) {
		m |= ownJSON
	}
	if t.Kind() != reflect.Pointer && reflect.PointerTo(t).Implements(textMarshalerType) {
		m |= addrText
	}
	if t.Implements(textMarshalerType) {
		m |= ownText
	}
	marshalerCache.Store(t, m)
	return m
}

// numberTree is a json.Number as encoding/json writes it: its literal
// (0 when empty), which must be a JSON number.
func numberTree(s string) (any, error) {
	s = cmp.Or(s, "0")
	if !json.Valid([]byte(s)) || !isNumberLiteral(s) {
		return nil, fmt.Errorf("json: invalid number literal %q", s)
	}
	return number(json.Number(s)), nil
}

// isNumberLiteral reports whether s starts and ends like a JSON number
// (json.Valid accepts any JSON value, and whitespace around it).
func isNumberLiteral(s string) bool {
	return s != "" && (s[0] == '-' || s[0] >= '0' && s[0] <= '9') && s[len(s)-1] >= '0' && s[len(s)-1] <= '9'
}

// isByteSlice reports whether encoding/json writes a slice of t as
// base64: bytes whose type has no marshaler of its own.
func isByteSlice(t reflect.Type) bool {
	if t.Elem().Kind() != reflect.Uint8 {
		return false
	}
	p := reflect.PointerTo(t.Elem())
	return !p.Implements(jsonMarshalerType) && !p.Implements(textMarshalerType)
}

func listTree(v reflect.Value, depth int) (any, error) {
	out := make([]any, v.Len())
	for i := range out {
		item, err := treeOf(v.Index(i), depth+1)
		if err != nil {
			return nil, err
		}
		out[i] = item
	}
	return out, nil
}

func mapTree(v reflect.Value, depth int) (any, error) {
	if v.IsNil() {
		return nil, nil
	}
	kt := v.Type().Key()
	switch kt.Kind() {
	case reflect.String, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
	default:
		if !kt.Implements(textMarshalerType) {
			return nil, &json.UnsupportedTypeError{Type: v.Type()}
		}
	}
	out := make(map[string]any, v.Len())
	for it := v.MapRange(); it.Next(); {
		key, err := mapKey(it.Key())
		if err != nil {
			return nil, err
		}
		item, err := treeOf(it.Value(), depth+1)
		if err != nil {
			return nil, err
		}
		out[key] = item
	}
	return out, nil
}

// mapKey names a map key as encoding/json does: strings as they are,
// then text marshalers, then integers in decimal.
func mapKey(k reflect.Value) (string, error) {
	if k.Kind() == reflect.String {
		return validUTF8(k.String()), nil
	}
	if tm, ok := k.Interface().(encoding.TextMarshaler); ok {
		if k.Kind() == reflect.Pointer && k.IsNil() {
			return "", nil
		}
		b, err := tm.MarshalText()
		return validUTF8(string(b)), err
	}
	switch k.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(k.Int(), 10), nil
	default:
		return strconv.FormatUint(k.Uint(), 10), nil
	}
}

// structTree is a struct's mapping, its keys in yaml.v2's order.
func structTree(v reflect.Value, depth int) (any, error) {
	fields := fieldsOf(v.Type())
	out := make(fieldMap, 0, len(fields))
fields:
	for i := range fields {
		f := &fields[i]
		fv := v
		for _, j := range f.index {
			if fv.Kind() == reflect.Pointer {
				if fv.IsNil() {
					continue fields
				}
				fv = fv.Elem()
			}
			fv = fv.Field(j)
		}
		if f.omitEmpty && isEmptyValue(fv) || f.omitZero && f.isZero(fv) {
			continue
		}
		var item any
		var err error
		if f.quoted {
			item, err = quotedTree(fv)
		} else {
			item, err = treeOf(fv, depth+1)
		}
		if err != nil {
			return nil, err
		}
		out = append(out, yamlv2.MapItem{Key: f.key, Value: item})
	}
	return out, nil
}

// fieldMap is a YAML mapping whose items are in the order yaml.v2 sorts a
// map's keys into: the tree of a struct, built in its fields' cached
// order. It is yaml.v2's MapSlice, so the fallback to yaml.v2 writes it
// as it would the map.
type fieldMap = yamlv2.MapSlice

// quotedTree is a ",string" field's value: the JSON text of a scalar,
// as a string. A marshaler still decides for itself.
func quotedTree(v reflect.Value) (any, error) {
	t := v.Type()
	if m := marshalersOf(t); m&(ownJSON|ownText) != 0 || v.CanAddr() && m&(addrJSON|addrText) != 0 {
		return treeOf(v, 0)
	}
	if t.Kind() == reflect.Pointer {
		if v.IsNil() {
			return nil, nil
		}
		return quotedTree(v.Elem())
	}
	if t == jsonNumberType {
		if _, err := numberTree(v.String()); err != nil {
			return nil, err
		}
		return cmp.Or(v.String(), "0"), nil
	}
	switch t.Kind() {
	case reflect.String:
		b, err := json.Marshal(v.String())
		return string(b), err
	case reflect.Bool:
		return strconv.FormatBool(v.Bool()), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(v.Int(), 10), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return strconv.FormatUint(v.Uint(), 10), nil
	case reflect.Float32, reflect.Float64:
		return formatFloat(v.Float(), t.Bits())
	}
	return treeOf(v, 0)
}

// treeField is one JSON field of a struct type: where it is (through
// embedded structs) and what its tag says.
type treeField struct {
	name      string
	key       any // name, boxed once for the mapping's items
	tagged    bool
	index     []int
	omitEmpty bool
	omitZero  bool
	quoted    bool
	isZero    func(reflect.Value) bool
}

// fieldCache maps a struct type to its []treeField. Types are few and
// fixed, so the cache never needs evicting.
var fieldCache sync.Map

func fieldsOf(t reflect.Type) []treeField {
	if f, ok := fieldCache.Load(t); ok {
		return f.([]treeField)
	}
	f, _ := fieldCache.LoadOrStore(t, typeFields(t))
	return f.([]treeField)
}

// typeFields lists the fields encoding/json writes for struct type t: the
// exported fields, those of embedded structs promoted breadth first, and
// of two fields with one name the shallower, else the tagged one, else
// neither.
func typeFields(t reflect.Type) []treeField {
	type embedded struct {
		typ   reflect.Type
		index []int
	}
	var fields []treeField
	next := []embedded{{typ: t}}
	var count, nextCount map[reflect.Type]int
	visited := map[reflect.Type]bool{}
	for len(next) > 0 {
		current := next
		next = nil
		count, nextCount = nextCount, map[reflect.Type]int{}
		for _, e := range current {
			if visited[e.typ] {
				continue
			}
			visited[e.typ] = true
			for i := range e.typ.NumField() {
				sf := e.typ.Field(i)
				if sf.Anonymous {
					at := sf.Type
					if at.Kind() == reflect.Pointer {
						at = at.Elem()
					}
					if !sf.IsExported() && at.Kind() != reflect.Struct {
						continue
					}
				} else if !sf.IsExported() {
					continue
				}
				tag := sf.Tag.Get("json")
				if tag == "-" {
					continue
				}
				name, opts, _ := strings.Cut(tag, ",")
				if !isValidTag(name) {
					name = ""
				}
				index := append(slices.Clip(e.index), i)
				ft := sf.Type
				if ft.Name() == "" && ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if name == "" && sf.Anonymous && ft.Kind() == reflect.Struct {
					nextCount[ft]++
					if nextCount[ft] == 1 {
						next = append(next, embedded{typ: ft, index: index})
					}
					continue
				}
				f := treeField{
					name:      name,
					tagged:    name != "",
					index:     index,
					omitEmpty: hasOption(opts, "omitempty"),
					omitZero:  hasOption(opts, "omitzero"),
					quoted:    hasOption(opts, "string") && quotable(ft.Kind()),
				}
				if f.name == "" {
					f.name = sf.Name
				}
				if f.omitZero {
					f.isZero = zeroTest(sf.Type)
				}
				fields = append(fields, f)
				if count[e.typ] > 1 {
					// The same embedded type twice at one depth:
					// a duplicate makes both copies annihilate.
					fields = append(fields, f)
				}
			}
		}
	}
	slices.SortFunc(fields, func(a, b treeField) int {
		if c := strings.Compare(a.name, b.name); c != 0 {
			return c
		}
		if c := len(a.index) - len(b.index); c != 0 {
			return c
		}
		if a.tagged != b.tagged {
			if a.tagged {
				return -1
			}
			return 1
		}
		return slices.Compare(a.index, b.index)
	})
	out := fields[:0]
	for i := 0; i < len(fields); {
		j := i + 1
		for j < len(fields) && fields[j].name == fields[i].name {
			j++
		}
		// The first of a name dominates unless the next is as shallow
		// and as tagged.
		if j == i+1 || len(fields[i].index) < len(fields[i+1].index) || fields[i].tagged != fields[i+1].tagged {
			out = append(out, fields[i])
		}
		i = j
	}
	// In the order yaml.v2 writes a mapping's keys, so that a struct's
	// mapping is built sorted and never sorted again.
	slices.SortFunc(out, func(a, b treeField) int { return keyCompare(a.name, b.name) })
	for i := range out {
		out[i].key = out[i].name
	}
	return slices.Clip(out)
}

func hasOption(opts, name string) bool {
	for opts != "" {
		var o string
		o, opts, _ = strings.Cut(opts, ",")
		if o == name {
			return true
		}
	}
	return false
}

func quotable(k reflect.Kind) bool {
	switch k {
	case reflect.Bool, reflect.String,
		reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64:
		return true
	}
	return false
}

// zeroTest is omitzero's test for a field of type t: its IsZero method
// when it has one, else the zero value.
func zeroTest(t reflect.Type) func(reflect.Value) bool {
	isZero := func(v reflect.Value) bool { return v.Interface().(interface{ IsZero() bool }).IsZero() }
	switch {
	case t.Kind() == reflect.Interface && t.Implements(isZeroerType):
		return func(v reflect.Value) bool {
			return v.IsNil() || v.Elem().Kind() == reflect.Pointer && v.Elem().IsNil() || isZero(v)
		}
	case t.Kind() == reflect.Pointer && t.Implements(isZeroerType):
		return func(v reflect.Value) bool { return v.IsNil() || isZero(v) }
	case t.Implements(isZeroerType):
		return isZero
	case reflect.PointerTo(t).Implements(isZeroerType):
		return func(v reflect.Value) bool {
			if !v.CanAddr() {
				boxed := reflect.New(v.Type()).Elem()
				boxed.Set(v)
				v = boxed
			}
			return isZero(v.Addr())
		}
	}
	return reflect.Value.IsZero
}

func isValidTag(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if !strings.ContainsRune("!#$%&()*+-./:;<=>?@[]^_{|}~ ", c) && !unicode.IsLetter(c) && !unicode.IsDigit(c) {
			return false
		}
	}
	return true
}

func isEmptyValue(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Array, reflect.Map, reflect.Slice, reflect.String:
		return v.Len() == 0
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Interface, reflect.Pointer:
		return v.IsZero()
	}
	return false
}

// formatFloat writes f as encoding/json does: the shortest form that
// reads back as the same float of its size, exponent only for very large
// or very small numbers.
func formatFloat(f float64, bits int) (string, error) {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return "", &json.UnsupportedValueError{Str: strconv.FormatFloat(f, 'g', -1, bits)}
	}
	abs := math.Abs(f)
	format := byte('f')
	if abs != 0 && (bits == 64 && (abs < 1e-6 || abs >= 1e21) || bits == 32 && (float32(abs) < 1e-6 || float32(abs) >= 1e21)) {
		format = 'e'
	}
	s := strconv.FormatFloat(f, format, -1, bits)
	if format == 'e' {
		// clean up e-09 to e-9
		if n := len(s); n >= 4 && s[n-4] == 'e' && s[n-3] == '-' && s[n-2] == '0' {
			s = s[:n-2] + s[n-1:]
		}
	}
	return s, nil
}

// validUTF8 replaces each byte that is not UTF-8 with U+FFFD, as
// encoding/json does.
func validUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b.WriteRune(utf8.RuneError)
		} else {
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// marshalJSON calls v's MarshalJSON and decodes what it wrote. Strings
// without escapes, the usual output (quantities, times), skip the
// decoder.
func marshalJSON(v reflect.Value) (any, error) {
	if v.Kind() == reflect.Pointer && v.IsNil() {
		return nil, nil
	}
	m, ok := v.Interface().(json.Marshaler)
	if !ok {
		return nil, nil // a nil interface: null
	}
	b, err := m.MarshalJSON()
	if err != nil {
		return nil, &json.MarshalerError{Type: v.Type(), Err: err}
	}
	if plainJSONString(b) {
		return string(b[1 : len(b)-1]), nil
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var out any
	if err := dec.Decode(&out); err != nil {
		return nil, &json.MarshalerError{Type: v.Type(), Err: err}
	}
	if dec.More() {
		return nil, &json.MarshalerError{Type: v.Type(), Err: fmt.Errorf("invalid character after top-level value")}
	}
	return numbers(out), nil
}

// plainJSONString reports whether b is a JSON string that needs no
// decoding: quoted, valid UTF-8, no escapes, no control characters.
func plainJSONString(b []byte) bool {
	n := len(b)
	if n < 2 || b[0] != '"' || b[n-1] != '"' {
		return false
	}
	for _, c := range b[1 : n-1] {
		if c < 0x20 || c == '"' || c == '\\' {
			return false
		}
	}
	return utf8.Valid(b)
}

// numbers turns the json.Numbers of a decoded tree into Go numbers.
func numbers(v any) any {
	switch v := v.(type) {
	case json.Number:
		return number(v)
	case map[string]any:
		for k, item := range v {
			v[k] = numbers(item)
		}
	case []any:
		for i, item := range v {
			v[i] = numbers(item)
		}
	}
	return v
}

func marshalText(v reflect.Value) (any, error) {
	if v.Kind() == reflect.Pointer && v.IsNil() {
		return nil, nil
	}
	m, ok := v.Interface().(encoding.TextMarshaler)
	if !ok {
		return nil, nil // a nil interface: null
	}
	b, err := m.MarshalText()
	if err != nil {
		return nil, &json.MarshalerError{Type: v.Type(), Err: err}
	}
	return validUTF8(string(b)), nil
}
