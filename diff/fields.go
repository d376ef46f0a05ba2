package diff

import (
	"cmp"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/yaml"

	"github.com/esgen/esgen/bootstrap"
)

// FieldChange is one field that differs between the old and the new
// version of an object (or spec).
type FieldChange struct {
	// Path names the field with the object's YAML keys: spec.replicas,
	// metadata.labels[team], spec.template.spec.containers[name=elasticsearch].image,
	// data[elasticsearch.yml][node.attr.data] for one setting of a node's config.
	Path string `json:"path"`
	// Old is the old value as JSON; empty when the field is added.
	Old json.RawMessage `json:"old,omitempty"`
	// New is the new value as JSON; empty when the field is removed.
	New json.RawMessage `json:"new,omitempty"`
}

// fieldChange is a FieldChange with its path as segments, to sort by and
// to rewrite.
type fieldChange struct {
	FieldChange
	segs []segment
}

// segKind says how a path segment is written.
type segKind int

const (
	segField segKind = iota // .name
	segKey                  // [key]
	segIndex                // [3]
	segNamed                // [name=elasticsearch]
)

// segment is one step of a field path.
type segment struct {
	kind  segKind
	name  string
	index int
}

func formatPath(segs []segment) string {
	var b strings.Builder
	for _, s := range segs {
		switch s.kind {
		case segField:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(s.name)
		case segKey:
			b.WriteString("[" + s.name + "]")
		case segIndex:
			b.WriteString("[" + strconv.Itoa(s.index) + "]")
		case segNamed:
			b.WriteString("[name=" + s.name + "]")
		}
	}
	return b.String()
}

// comparePaths orders paths segment by segment, list positions by number,
// so that [10] comes after [9].
func comparePaths(a, b []segment) int {
	for i := range min(len(a), len(b)) {
		if c := cmp.Or(cmp.Compare(a[i].kind, b[i].kind), cmp.Compare(a[i].index, b[i].index), strings.Compare(a[i].name, b[i].name)); c != 0 {
			return c
		}
	}
	return cmp.Compare(len(a), len(b))
}

// listKey keys a list element for comparison: by its name when every
// element has a unique one (containers, env, volumes), else by position.
type listKey struct {
	name  string
	index int
}

// settingsMap is an elasticsearch.yml parsed for comparison, one entry per
// setting; a distinct type so that its keys print as [key].
type settingsMap map[string]any

// fieldChanges compares two values of one type and returns every field
// that differs, in path order. It compares Kubernetes objects and specs
// the way they are applied: quantities by value, empty and absent alike
// (an absent map compares key by key with an empty one, so that an added
// label is named, not the whole map), lists element by element - by name
// when every element has a unique one (containers, env, volumes), else by
// position - and a node's elasticsearch.yml setting by setting; types
// with an Equal method (times) by it. Unexported fields are not compared.
func fieldChanges(old, new any) []fieldChange {
	c := &comparer{}
	c.compare(reflect.ValueOf(old), reflect.ValueOf(new))
	slices.SortStableFunc(c.changes, func(a, b fieldChange) int { return comparePaths(a.segs, b.segs) })
	return c.changes
}

// comparer walks two values side by side, collecting the leaves that
// differ as field changes under the path it is at.
type comparer struct {
	segs    []segment
	changes []fieldChange
}

var (
	quantityType    = reflect.TypeFor[resource.Quantity]()
	intOrStringType = reflect.TypeFor[intstr.IntOrString]()
	untypedMapType  = reflect.TypeFor[map[string]any]()
)

// report records that vx (old) and vy (new) differ at the current path;
// an invalid value is a side the field is absent from.
func (c *comparer) report(vx, vy reflect.Value) {
	segs := slices.Clone(c.segs)
	c.changes = append(c.changes, fieldChange{
		FieldChange: FieldChange{Path: formatPath(segs), Old: jsonValue(vx), New: jsonValue(vy)},
		segs:        segs,
	})
}

func (c *comparer) reportUnless(equal bool, vx, vy reflect.Value) {
	if !equal {
		c.report(vx, vy)
	}
}

// at compares vx and vy one segment down the path.
func (c *comparer) at(seg segment, vx, vy reflect.Value) {
	c.segs = append(c.segs, seg)
	c.compare(vx, vy)
	c.segs = c.segs[:len(c.segs)-1]
}

func (c *comparer) compare(vx, vy reflect.Value) {
	if !vx.IsValid() || !vy.IsValid() {
		c.reportUnless(vx.IsValid() == vy.IsValid(), vx, vy)
		return
	}
	t := vx.Type()
	if t != vy.Type() {
		c.report(vx, vy)
		return
	}
	switch {
	case (t.Kind() == reflect.Slice || t.Kind() == reflect.Map) && vx.Len() == 0 && vy.Len() == 0:
		return // empty and absent alike
	case t == quantityType:
		x, y := vx.Interface().(resource.Quantity), vy.Interface().(resource.Quantity)
		c.reportUnless(x.Cmp(y) == 0, vx, vy)
		return
	case t == intOrStringType:
		// One value (a budget's 8, a port's name), not a struct.
		c.reportUnless(vx.Interface() == vy.Interface(), vx, vy)
		return
	case t.Kind() == reflect.Map && vx.IsNil() != vy.IsNil():
		vx, vy = nonNilMap(vx), nonNilMap(vy)
	case t.Kind() == reflect.Slice:
		// Element by element, never by an edit script, whose result
		// may differ between runs.
		if namedLists(vx, vy) {
			vx, vy = byName(vx), byName(vy)
		} else {
			vx, vy = byIndex(vx), byIndex(vy)
		}
		t = vx.Type()
	}
	if eq, ok := equalMethod(t, vx, vy); ok {
		c.reportUnless(eq, vx, vy)
		return
	}
	switch t.Kind() {
	case reflect.Pointer:
		if vx.IsNil() || vy.IsNil() {
			c.reportUnless(vx.IsNil() && vy.IsNil(), vx, vy)
			return
		}
		c.compare(vx.Elem(), vy.Elem())
	case reflect.Interface:
		if vx.IsNil() || vy.IsNil() {
			c.reportUnless(vx.IsNil() && vy.IsNil(), vx, vy)
			return
		}
		c.compare(vx.Elem(), vy.Elem())
	case reflect.Struct:
		c.compareStruct(t, vx, vy)
	case reflect.Map:
		c.compareMap(t, vx, vy)
	case reflect.Array:
		for i := range vx.Len() {
			c.at(segment{kind: segIndex, index: i}, vx.Index(i), vy.Index(i))
		}
	case reflect.Bool:
		c.reportUnless(vx.Bool() == vy.Bool(), vx, vy)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		c.reportUnless(vx.Int() == vy.Int(), vx, vy)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		c.reportUnless(vx.Uint() == vy.Uint(), vx, vy)
	case reflect.Float32, reflect.Float64:
		c.reportUnless(vx.Float() == vy.Float(), vx, vy)
	case reflect.Complex64, reflect.Complex128:
		c.reportUnless(vx.Complex() == vy.Complex(), vx, vy)
	case reflect.String:
		c.reportUnless(vx.String() == vy.String(), vx, vy)
	case reflect.Func:
		c.reportUnless(vx.IsNil() && vy.IsNil(), vx, vy)
	default:
		c.reportUnless(vx.Pointer() == vy.Pointer(), vx, vy)
	}
}

// compareStruct compares the exported fields, named by their JSON keys;
// an embedded struct without a JSON name (TypeMeta, ObjectMeta) adds no
// segment.
func (c *comparer) compareStruct(t reflect.Type, vx, vy reflect.Value) {
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch {
		case name == "-", name == "" && f.Anonymous:
			c.compare(vx.Field(i), vy.Field(i))
			continue
		case name == "":
			name = f.Name
		}
		c.at(segment{kind: segField, name: name}, vx.Field(i), vy.Field(i))
	}
}

// compareMap compares a map key by key, in the keys' order; a ConfigMap's
// elasticsearch.yml setting by setting.
func (c *comparer) compareMap(t reflect.Type, vx, vy reflect.Value) {
	if vx.IsNil() || vy.IsNil() {
		c.reportUnless(vx.IsNil() && vy.IsNil(), vx, vy)
		return
	}
	keys := append(vx.MapKeys(), vy.MapKeys()...)
	slices.SortFunc(keys, compareKeys)
	keys = slices.CompactFunc(keys, func(a, b reflect.Value) bool { return compareKeys(a, b) == 0 })
	for _, k := range keys {
		x, y := vx.MapIndex(k), vy.MapIndex(k)
		seg := keySegment(k, t)
		if k.Kind() == reflect.String && k.String() == bootstrap.ConfigFile && t.Elem().Kind() == reflect.String && x.IsValid() && y.IsValid() {
			x, y = reflect.ValueOf(parseSettings(x.String())), reflect.ValueOf(parseSettings(y.String()))
		}
		c.at(seg, x, y)
	}
}

// compareKeys orders map keys: strings, list keys and numbers.
func compareKeys(a, b reflect.Value) int {
	if lk, ok := a.Interface().(listKey); ok {
		lb := b.Interface().(listKey)
		return cmp.Or(strings.Compare(lk.name, lb.name), cmp.Compare(lk.index, lb.index))
	}
	switch a.Kind() {
	case reflect.String:
		return strings.Compare(a.String(), b.String())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return cmp.Compare(a.Int(), b.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return cmp.Compare(a.Uint(), b.Uint())
	}
	return strings.Compare(fmt.Sprint(a.Interface()), fmt.Sprint(b.Interface()))
}

// equalMethod calls t's Equal method when it has one that takes a t (as
// time.Time's does), reporting whether it did.
func equalMethod(t reflect.Type, vx, vy reflect.Value) (equal, ok bool) {
	m, found := t.MethodByName("Equal")
	if !found || m.Type.NumIn() != 2 || m.Type.NumOut() != 1 || m.Type.Out(0).Kind() != reflect.Bool ||
		!m.Type.In(0).AssignableTo(m.Type.In(1)) {
		return false, false
	}
	return m.Func.Call([]reflect.Value{vx, vy})[0].Bool(), true
}

// parseSettings parses elasticsearch.yml for comparison.
func parseSettings(s string) settingsMap {
	var m map[string]any
	if err := yaml.Unmarshal([]byte(s), &m); err != nil {
		// Unparsable text still compares, as a whole.
		return settingsMap{"(unparsable)": s}
	}
	return settingsMap(m)
}

// nonNilMap returns an empty map of v's type for a nil map, else v.
func nonNilMap(v reflect.Value) reflect.Value {
	if v.IsNil() {
		return reflect.MakeMap(v.Type())
	}
	return v
}

// namedLists reports whether both lists can be keyed by element name: each
// element is a struct with a unique, non-empty Name, and the names both
// lists share come in the same order (otherwise a reorder would not show).
func namedLists(x, y reflect.Value) bool {
	nx, okx := elementNames(x)
	ny, oky := elementNames(y)
	if !okx || !oky {
		return false
	}
	var sharedX, sharedY []string
	for _, n := range nx {
		if slices.Contains(ny, n) {
			sharedX = append(sharedX, n)
		}
	}
	for _, n := range ny {
		if slices.Contains(nx, n) {
			sharedY = append(sharedY, n)
		}
	}
	return slices.Equal(sharedX, sharedY)
}

func elementNames(v reflect.Value) ([]string, bool) {
	t := v.Type().Elem()
	if t.Kind() != reflect.Struct {
		return nil, false
	}
	f, ok := t.FieldByName("Name")
	if !ok || f.Type.Kind() != reflect.String {
		return nil, false
	}
	names := make([]string, v.Len())
	for i := range names {
		n := v.Index(i).FieldByIndex(f.Index).String()
		if n == "" || slices.Contains(names[:i], n) {
			return nil, false
		}
		names[i] = n
	}
	return names, true
}

func byName(v reflect.Value) reflect.Value {
	f, _ := v.Type().Elem().FieldByName("Name")
	m := make(map[listKey]any, v.Len())
	for i := range v.Len() {
		m[listKey{name: v.Index(i).FieldByIndex(f.Index).String()}] = v.Index(i).Interface()
	}
	return reflect.ValueOf(m)
}

func byIndex(v reflect.Value) reflect.Value {
	m := make(map[listKey]any, v.Len())
	for i := range v.Len() {
		m[listKey{index: i}] = v.Index(i).Interface()
	}
	return reflect.ValueOf(m)
}

// isIdentifier reports whether a JSON object key is written as .key in
// a path: [A-Za-z_][A-Za-z0-9_]*.
func isIdentifier(s string) bool {
	for i, r := range s {
		if !(r == '_' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || i > 0 && r >= '0' && r <= '9') {
			return false
		}
	}
	return s != ""
}

// keySegment names a map key in a path: a list element by its name or
// position; keys of untyped JSON objects (objects esgen has no Go type
// for) as fields; keys of typed maps (labels, data) and of settings as
// keys.
func keySegment(key reflect.Value, owner reflect.Type) segment {
	if lk, ok := key.Interface().(listKey); ok {
		if lk.name != "" {
			return segment{kind: segNamed, name: lk.name}
		}
		return segment{kind: segIndex, index: lk.index}
	}
	name := fmt.Sprint(key.Interface())
	if owner == untypedMapType && isIdentifier(name) {
		return segment{kind: segField, name: name}
	}
	return segment{kind: segKey, name: name}
}

// jsonValue writes a compared value as JSON, or nothing when the value is
// absent on that side.
func jsonValue(v reflect.Value) json.RawMessage {
	if !v.IsValid() || !v.CanInterface() {
		return nil
	}
	b, err := json.Marshal(v.Interface())
	if err != nil {
		return json.RawMessage(strconv.Quote(fmt.Sprint(v.Interface())))
	}
	return b
}

// public drops the segments.
func public(changes []fieldChange) []FieldChange {
	var out []FieldChange
	for _, c := range changes {
		out = append(out, c.FieldChange)
	}
	return out
}
