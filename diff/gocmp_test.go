package diff

import (
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strings"

	"testing"

	gocmp "github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"
	"sigs.k8s.io/yaml"

	"github.com/esgen/esgen/bootstrap"
	"github.com/esgen/esgen/esspec"
	"github.com/esgen/esgen/esspec/specgen"
	"github.com/esgen/esgen/render"
)

// This file keeps the go-cmp comparison fieldChanges replaced (go-cmp's
// package initialisation cost every esgen process 1-3 ms of regexp
// compiles) as the oracle fieldChanges must agree with.

// goCmpCompareOptions make go-cmp compare Kubernetes objects and specs the way
// they are applied: quantities by value, empty and absent alike, lists
// element by element (never with go-cmp's edit script, whose result may
// differ between runs), and a node's elasticsearch.yml setting by setting.
var goCmpCompareOptions = gocmp.Options{
	cmpopts.EquateEmpty(),
	gocmp.Comparer(func(a, b resource.Quantity) bool { return a.Cmp(b) == 0 }),
	// An int-or-string is one value (a budget's 8, a port's name), not
	// a struct of three fields.
	gocmp.Comparer(func(a, b intstr.IntOrString) bool { return a == b }),
	gocmp.FilterPath(goCmpIsConfigFile, gocmp.Transformer("settings", goCmpParseSettings)),
	// A map absent on one side compares key by key with an empty one, so
	// that an added label is named, not the whole map.
	gocmp.FilterValues(goCmpOneNilMap, gocmp.Transformer("nonNil", goCmpNonNilMap)),
	gocmp.FilterValues(func(x, y any) bool { return goCmpListPair(x, y) && goCmpNamedLists(x, y) },
		gocmp.Transformer("goCmpByName", goCmpByName)),
	gocmp.FilterValues(func(x, y any) bool { return goCmpListPair(x, y) && !goCmpNamedLists(x, y) },
		gocmp.Transformer("goCmpByIndex", goCmpByIndex)),
}

// goCmpIsConfigFile matches the elasticsearch.yml entry of a ConfigMap's data.
func goCmpIsConfigFile(p gocmp.Path) bool {
	mi, ok := p.Last().(gocmp.MapIndex)
	return ok && mi.Key().Kind() == reflect.String && mi.Key().String() == bootstrap.ConfigFile &&
		mi.Type().Kind() == reflect.String
}

func goCmpParseSettings(s string) settingsMap {
	var m map[string]any
	if err := yaml.Unmarshal([]byte(s), &m); err != nil {
		// Unparsable text still compares, as a whole.
		return settingsMap{"(unparsable)": s}
	}
	return settingsMap(m)
}

// goCmpOneNilMap reports whether x and y are maps of one type, exactly one of
// them nil.
func goCmpOneNilMap(x, y any) bool {
	vx, vy := reflect.ValueOf(x), reflect.ValueOf(y)
	if vx.Kind() != reflect.Map || vy.Kind() != reflect.Map || vx.Type() != vy.Type() {
		return false
	}
	return vx.IsNil() != vy.IsNil()
}

// goCmpNonNilMap returns an empty map of x's type for a nil map, else x.
func goCmpNonNilMap(x any) any {
	if v := reflect.ValueOf(x); v.IsNil() {
		return reflect.MakeMap(v.Type()).Interface()
	}
	return x
}

// goCmpListPair reports whether x and y are lists that differ in content or
// length; two empty lists are left to EquateEmpty.
func goCmpListPair(x, y any) bool {
	vx, vy := reflect.ValueOf(x), reflect.ValueOf(y)
	if vx.Kind() != reflect.Slice || vy.Kind() != reflect.Slice || vx.Type() != vy.Type() {
		return false
	}
	return vx.Len() > 0 || vy.Len() > 0
}

// goCmpNamedLists decides as the comparer does whether two lists are
// keyed by element name: the oracle checks how lists are compared, not
// which are named.
func goCmpNamedLists(x, y any) bool { return namedLists(reflect.ValueOf(x), reflect.ValueOf(y)) }

func goCmpByName(x any) map[listKey]any {
	v := reflect.ValueOf(x)
	f, _ := v.Type().Elem().FieldByName("Name")
	m := make(map[listKey]any, v.Len())
	for i := range v.Len() {
		m[listKey{name: v.Index(i).FieldByIndex(f.Index).String()}] = v.Index(i).Interface()
	}
	return m
}

func goCmpByIndex(x any) map[listKey]any {
	v := reflect.ValueOf(x)
	m := make(map[listKey]any, v.Len())
	for i := range v.Len() {
		m[listKey{index: i}] = v.Index(i).Interface()
	}
	return m
}

// goCmpIdentifier matches JSON object keys written as .key in a path.
var goCmpIdentifier = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// goCmpReporter collects go-cmp's unequal leaves as field changes.
type goCmpReporter struct {
	path    gocmp.Path
	changes []fieldChange
}

func (r *goCmpReporter) PushStep(ps gocmp.PathStep) { r.path = append(r.path, ps) }
func (r *goCmpReporter) PopStep()                   { r.path = r.path[:len(r.path)-1] }

func (r *goCmpReporter) Report(res gocmp.Result) {
	if res.Equal() {
		return
	}
	vx, vy := r.path.Last().Values()
	segs := r.goCmpSegments()
	r.changes = append(r.changes, fieldChange{
		FieldChange: FieldChange{Path: formatPath(segs), Old: jsonValue(vx), New: jsonValue(vy)},
		segs:        segs,
	})
}

// goCmpSegments turns go-cmp's path into field path goCmpSegments with the JSON
// names of struct fields; pointers, interfaces and transformations leave
// no trace.
func (r *goCmpReporter) goCmpSegments() []segment {
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
			segs = append(segs, r.goCmpKeySegment(step.Key(), r.path[i-1].Type()))
		case gocmp.SliceIndex:
			ix, iy := step.SplitKeys()
			segs = append(segs, segment{kind: segIndex, index: max(ix, iy)})
		}
	}
	return segs
}

func (r *goCmpReporter) goCmpKeySegment(key reflect.Value, owner reflect.Type) segment {
	if lk, ok := key.Interface().(listKey); ok {
		if lk.name != "" {
			return segment{kind: segNamed, name: lk.name}
		}
		return segment{kind: segIndex, index: lk.index}
	}
	name := fmt.Sprint(key.Interface())
	// Keys of untyped JSON objects (objects esgen has no Go type for) are
	// fields; keys of typed maps (labels, data) and of settings stay keys.
	if owner == reflect.TypeFor[map[string]any]() && goCmpIdentifier.MatchString(name) {
		return segment{kind: segField, name: name}
	}
	return segment{kind: segKey, name: name}
}

// fieldChanges compares two values of one type and returns every field
// that differs, in path order.
func fieldChangesGoCmp(old, new any, extra ...gocmp.Option) []fieldChange {
	r := &goCmpReporter{}
	opts := append(gocmp.Options{goCmpCompareOptions, gocmp.Reporter(r)}, extra...)
	gocmp.Equal(old, new, opts...)
	slices.SortStableFunc(r.changes, func(a, b fieldChange) int { return comparePaths(a.segs, b.segs) })
	return r.changes
}

// TestFieldChangesMatchGoCmp compares fieldChanges with the go-cmp
// comparison it replaced on pairs of typed objects, of the same objects
// as untyped JSON, and of specs: generated specs rendered against others
// made the same cluster (same name, namespace and so nodeSet names where
// they agree), and every example against itself changed.
func TestFieldChangesMatchGoCmp(t *testing.T) {
	check := func(name string, old, new any, extra ...gocmp.Option) {
		t.Helper()
		want := fieldChangesGoCmp(old, new, extra...)
		got := fieldChanges(old, new)
		if !reflect.DeepEqual(public(got), public(want)) || len(got) != len(want) {
			t.Fatalf("%s: fieldChanges differs from go-cmp:\n%s", name, gocmp.Diff(public(want), public(got)))
		}
		for i := range got {
			if !slices.Equal(got[i].segs, want[i].segs) {
				t.Fatalf("%s: segments of %s differ: %v, go-cmp %v", name, got[i].Path, got[i].segs, want[i].segs)
			}
		}
	}
	renderPair := func(a, b *esspec.Cluster) (render.Objects, render.Objects, bool) {
		esspec.SetDefaults(a)
		esspec.SetDefaults(b)
		ra, errA := render.Render(a)
		rb, errB := render.Render(b)
		return ra, rb, errA == nil && errB == nil
	}
	compared := 0
	for seed := range uint64(150) {
		a, b := specgen.Generate(seed), specgen.Generate(seed+1000)
		b.Metadata.Name, b.Metadata.Namespace = a.Metadata.Name, a.Metadata.Namespace
		check(fmt.Sprintf("spec %d", seed), a, b, cmpopts.IgnoreUnexported(esspec.Cluster{}))
		ra, rb, ok := renderPair(a, b)
		if !ok {
			continue
		}
		for _, oa := range ra {
			for _, ob := range rb {
				if reflect.TypeOf(oa) != reflect.TypeOf(ob) || oa.GetName() != ob.GetName() {
					continue
				}
				name := fmt.Sprintf("seed %d %T %s", seed, oa, oa.GetName())
				check(name, oa, ob)
				ua, errA := runtime.DefaultUnstructuredConverter.ToUnstructured(oa)
				ub, errB := runtime.DefaultUnstructuredConverter.ToUnstructured(ob)
				if errA == nil && errB == nil {
					check(name+" (unstructured)", pruneNil(ua), pruneNil(ub))
				}
				compared++
			}
		}
	}
	if compared < 300 {
		t.Fatalf("only %d object pairs compared", compared)
	}
}
