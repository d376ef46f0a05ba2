package diff

import (
	"cmp"
	"encoding/json"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
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

// compareOptions make go-cmp compare Kubernetes objects and specs the way
// they are applied: quantities by value, empty and absent alike, lists
// element by element (never with go-cmp's edit script, whose result may
// differ between runs), and a node's elasticsearch.yml setting by setting.
var compareOptions = gocmp.Options{
	cmpopts.EquateEmpty(),
	gocmp.Comparer(func(a, b resource.Quantity) bool { return a.Cmp(b) == 0 }),
	// An int-or-string is one value (a budget's 8, a port's name), not
	// a struct of three fields.
	gocmp.Comparer(func(a, b intstr.IntOrString) bool { return a == b }),
	gocmp.FilterPath(isConfigFile, gocmp.Transformer("settings", parseSettings)),
	// A map absent on one side compares key by key with an empty one, so
	// that an added label is named, not the whole map.
	gocmp.FilterValues(oneNilMap, gocmp.Transformer("nonNil", nonNilMap)),
	gocmp.FilterValues(func(x, y any) bool { return listPair(x, y) && namedLists(x, y) },
		gocmp.Transformer("byName", byName)),
	gocmp.FilterValues(func(x, y any) bool { return listPair(x, y) && !namedLists(x, y) },
		gocmp.Transformer("byIndex", byIndex)),
}

// isConfigFile matches the elasticsearch.yml entry of a ConfigMap's data.
func isConfigFile(p gocmp.Path) bool {
	mi, ok := p.Last().(gocmp.MapIndex)
	return ok && mi.Key().Kind() == reflect.String && mi.Key().String() == bootstrap.ConfigFile &&
		mi.Type().Kind() == reflect.String
}

func parseSettings(s string) settingsMap {
	var m map[string]any
	if err := yaml.Unmarshal([]byte(s), &m); err != nil {
		// Unparsable text still compares, as a whole.
		return settingsMap{"(unparsable)": s}
	}
	return settingsMap(m)
}

// oneNilMap reports whether x and y are maps of one type, exactly one of
// them nil.
func oneNilMap(x, y any) bool {
	vx, vy := reflect.ValueOf(x), reflect.ValueOf(y)
	if vx.Kind() != reflect.Map || vy.Kind() != reflect.Map || vx.Type() != vy.Type() {
		return false
	}
	return vx.IsNil() != vy.IsNil()
}

// nonNilMap returns an empty map of x's type for a nil map, else x.
func nonNilMap(x any) any {
	if v := reflect.ValueOf(x); v.IsNil() {
		return reflect.MakeMap(v.Type()).Interface()
	}
	return x
}

// listPair reports whether x and y are lists that differ in content or
// length; two empty lists are left to EquateEmpty.
func listPair(x, y any) bool {
	vx, vy := reflect.ValueOf(x), reflect.ValueOf(y)
	if vx.Kind() != reflect.Slice || vy.Kind() != reflect.Slice || vx.Type() != vy.Type() {
		return false
	}
	return vx.Len() > 0 || vy.Len() > 0
}

// namedLists reports whether both lists can be keyed by element name: each
// element is a struct with a unique, non-empty Name, and the names both
// lists share come in the same order (otherwise a reorder would not show).
func namedLists(x, y any) bool {
	nx, okx := elementNames(reflect.ValueOf(x))
	ny, oky := elementNames(reflect.ValueOf(y))
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

func byName(x any) map[listKey]any {
	v := reflect.ValueOf(x)
	f, _ := v.Type().Elem().FieldByName("Name")
	m := make(map[listKey]any, v.Len())
	for i := range v.Len() {
		m[listKey{name: v.Index(i).FieldByIndex(f.Index).String()}] = v.Index(i).Interface()
	}
	return m
}

func byIndex(x any) map[listKey]any {
	v := reflect.ValueOf(x)
	m := make(map[listKey]any, v.Len())
	for i := range v.Len() {
		m[listKey{index: i}] = v.Index(i).Interface()
	}
	return m
}

// identifier matches JSON object keys written as .key in a path.
var identifier = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// reporter collects go-cmp's unequal leaves as field changes.
type reporter struct {
	path    gocmp.Path
	changes []fieldChange
}

func (r *reporter) PushStep(ps gocmp.PathStep) { r.path = append(r.path, ps) }
func (r *reporter) PopStep()                   { r.path = r.path[:len(r.path)-1] }

func (r *reporter) Report(res gocmp.Result) {
	if res.Equal() {
		return
	}
	vx, vy := r.path.Last().Values()
	segs := r.segments()
	r.changes = append(r.changes, fieldChange{
		FieldChange: FieldChange{Path: formatPath(segs), Old: jsonValue(vx), New: jsonValue(vy)},
		segs:        segs,
	})
}

// segments turns go-cmp's path into field path segments with the JSON
// names of struct fields; pointers, interfaces and transformations leave
// no trace.
func (r *reporter) segments() []segment {
	var segs []segment
	for i := 1; i < len(r.path); i++ {
		switch step := r.path[i].(type) {
		case gocmp.StructField:
			parent := r.path[i-1].Type()
			for parent.Kind() == reflect.Pointer {
				parent = parent.Elem()
			}
			f := parent.Field(step.Index())
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			switch {
			case name == "-":
			case name == "" && f.Anonymous: // inline: TypeMeta, ObjectMeta's embedding
			case name == "":
				segs = append(segs, segment{kind: segField, name: f.Name})
			default:
				segs = append(segs, segment{kind: segField, name: name})
			}
		case gocmp.MapIndex:
			segs = append(segs, r.keySegment(step.Key(), r.path[i-1].Type()))
		case gocmp.SliceIndex:
			ix, iy := step.SplitKeys()
			segs = append(segs, segment{kind: segIndex, index: max(ix, iy)})
		}
	}
	return segs
}

func (r *reporter) keySegment(key reflect.Value, owner reflect.Type) segment {
	if lk, ok := key.Interface().(listKey); ok {
		if lk.name != "" {
			return segment{kind: segNamed, name: lk.name}
		}
		return segment{kind: segIndex, index: lk.index}
	}
	name := fmt.Sprint(key.Interface())
	// Keys of untyped JSON objects (objects esgen has no Go type for) are
	// fields; keys of typed maps (labels, data) and of settings stay keys.
	if owner == reflect.TypeFor[map[string]any]() && identifier.MatchString(name) {
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

// fieldChanges compares two values of one type and returns every field
// that differs, in path order.
func fieldChanges(old, new any, extra ...gocmp.Option) []fieldChange {
	r := &reporter{}
	opts := append(gocmp.Options{compareOptions, gocmp.Reporter(r)}, extra...)
	gocmp.Equal(old, new, opts...)
	slices.SortStableFunc(r.changes, func(a, b fieldChange) int { return comparePaths(a.segs, b.segs) })
	return r.changes
}

// public drops the segments.
func public(changes []fieldChange) []FieldChange {
	var out []FieldChange
	for _, c := range changes {
		out = append(out, c.FieldChange)
	}
	return out
}
