package render

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	yamlv2 "go.yaml.in/yaml/v2"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/esgen/esgen/esspec"
	"github.com/esgen/esgen/esspec/specgen"
)

// jsonTree is toTree's oracle: what encoding/json writes, decoded.
func jsonTree(v any) (any, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var out any
	if err := dec.Decode(&out); err != nil {
		return nil, err
	}
	return numbers(out), nil
}

func assertTreeMatchesJSON(t *testing.T, name string, v any) {
	t.Helper()
	want, wantErr := jsonTree(v)
	got, gotErr := toTree(reflect.ValueOf(v))
	if (wantErr != nil) != (gotErr != nil) {
		t.Fatalf("%s: encoding/json error %v, toTree error %v", name, wantErr, gotErr)
	}
	got, err := plainTree(got)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("%s: toTree differs from encoding/json (-json +toTree):\n%s", name, diff)
	}
}

// plainTree turns a tree's fieldMaps into maps, after checking that each
// holds its keys once, in yaml.v2's order (the emitter writes them as
// they come).
func plainTree(v any) (any, error) {
	switch v := v.(type) {
	case fieldMap:
		out := make(map[string]any, len(v))
		for i, item := range v {
			k, ok := item.Key.(string)
			if !ok {
				return nil, fmt.Errorf("key %v is not a string", item.Key)
			}
			if i > 0 && keyCompare(v[i-1].Key.(string), k) >= 0 {
				return nil, fmt.Errorf("key %q after %q: not in yaml.v2's order", k, v[i-1].Key)
			}
			var err error
			if out[k], err = plainTree(item.Value); err != nil {
				return nil, err
			}
		}
		return out, nil
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, item := range v {
			var err error
			if out[k], err = plainTree(item); err != nil {
				return nil, err
			}
		}
		return out, nil
	case []any:
		out := make([]any, len(v))
		for i, item := range v {
			var err error
			if out[i], err = plainTree(item); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	return v, nil
}

// TestTreeMatchesJSONOnRenders compares toTree with encoding/json on
// every object of every example and of 300 generated specs.
func TestTreeMatchesJSONOnRenders(t *testing.T) {
	var specs []*esspec.Cluster
	paths, err := filepath.Glob("../examples/*.yaml")
	if err != nil || len(paths) == 0 {
		t.Fatalf("examples: %v", err)
	}
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		c, err := esspec.Load(f)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		specs = append(specs, c)
	}
	for seed := range uint64(300) {
		specs = append(specs, specgen.Generate(seed))
	}
	for _, c := range specs {
		esspec.SetDefaults(c)
		objs, err := Render(c)
		if err != nil {
			t.Fatalf("%s: %v", c.Metadata.Name, err)
		}
		var docs [][]byte
		for _, obj := range objs {
			name := c.Metadata.Name + ": " + obj.GetObjectKind().GroupVersionKind().Kind + "/" + obj.GetName()
			assertTreeMatchesJSON(t, name, obj)
			doc := assertMarshalsAsMaps(t, name, obj)
			docs = append(docs, doc)
		}
		// The stream reuses one tree's memory for the next: it must
		// still be the documents written one by one.
		stream, err := objs.YAML()
		if err != nil {
			t.Fatal(err)
		}
		if want := bytes.Join(docs, []byte("---\n")); !bytes.Equal(stream, want) {
			t.Fatalf("%s: YAML differs from its objects' MarshalObject", c.Metadata.Name)
		}
	}
}

// assertMarshalsAsMaps: MarshalObject, which writes a struct's fieldMap
// in its stored order, writes what yaml.v2 writes for the same tree
// made of maps, pruned the same way (the path before fieldMaps).
func assertMarshalsAsMaps(t *testing.T, name string, obj Object) []byte {
	t.Helper()
	got, err := MarshalObject(obj)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	v, err := toTree(reflect.ValueOf(obj))
	if err != nil {
		t.Fatal(err)
	}
	plain, err := plainTree(v)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	m := plain.(map[string]any)
	delete(m, "status")
	prune(m)
	want, err := yamlv2.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s: MarshalObject differs from yaml.v2 on maps\n--- maps:\n%s\n--- MarshalObject:\n%s", name, want, got)
	}
	return got
}

type textKey struct{ a, b string }

func (k textKey) MarshalText() ([]byte, error) { return []byte(k.a + "/" + k.b), nil }

type ptrMarshaler struct{ N int }

func (p *ptrMarshaler) MarshalJSON() ([]byte, error) {
	return []byte(`{"n":` + string(rune('0'+p.N)) + `,"list":[1,2.5,"x"]}`), nil
}

type ptrText struct{ S string }

func (p *ptrText) MarshalText() ([]byte, error) { return []byte("text:" + p.S), nil }

type zeroer struct{ N int }

func (z zeroer) IsZero() bool { return z.N < 0 }

type ptrZeroer struct{ N int }

func (z *ptrZeroer) IsZero() bool { return z.N == 7 }

type badMarshaler struct{}

func (badMarshaler) MarshalJSON() ([]byte, error) { return nil, errors.New("no") }

type invalidMarshaler struct{}

func (invalidMarshaler) MarshalJSON() ([]byte, error) { return []byte(`{"a":`), nil }

type escaped struct{}

func (escaped) MarshalJSON() ([]byte, error) { return []byte(`"a\"b\u00e9\n"`), nil }

type Inner struct {
	A    string `json:"a"`
	B    int
	Same string `json:"same"`
}

type Other struct {
	Same string `json:"same"`
	C    bool   `json:"c,omitempty"`
}

// Deep embeds Inner one level further down.
type Deep struct{ Inner }

// structOf returns a constructor of a new struct type with fields.
func structOf(fields ...reflect.StructField) func(values ...any) any {
	typ := reflect.StructOf(fields)
	return func(values ...any) any {
		v := reflect.New(typ).Elem()
		for i, value := range values {
			v.Field(i).Set(reflect.ValueOf(value))
		}
		return v.Interface()
	}
}

type named []byte

type myBytes []byte

func (myBytes) MarshalJSON() ([]byte, error) { return []byte(`"mine"`), nil }

type byteT byte

func (byteT) MarshalText() ([]byte, error) { return []byte("b"), nil }

// TestTreeMatchesJSONOnTypes covers encoding/json's rules that esgen's
// own objects may not exercise.
func TestTreeMatchesJSONOnTypes(t *testing.T) {
	seven := 7
	quantity := resource.MustParse("1.5Gi")
	now := metav1.NewTime(time.Date(2026, 12, 2, 14, 0, 0, 0, time.UTC))
	cases := map[string]any{
		"scalars": struct {
			I     int8
			U     uint64
			Big   uint64
			F32   float32
			F64   float64
			Tiny  float64
			Huge  float64
			Whole float64
			Neg   float64
			S     string
			Bad   string
			B     bool
		}{I: -3, U: 9, Big: math.MaxUint64, F32: 0.1, F64: 2.5, Tiny: 1e-9, Huge: 1e22, Whole: 3, Neg: -0.0, S: "<&>\u2028", Bad: "a\xffb\xfe", B: true},
		"omitempty": struct {
			S   string            `json:"s,omitempty"`
			P   *int              `json:"p,omitempty"`
			M   map[string]string `json:"m,omitempty"`
			L   []int             `json:"l,omitempty"`
			A   [0]int            `json:"a,omitempty"`
			St  struct{}          `json:"st,omitempty"`
			I   any               `json:"i,omitempty"`
			F   float64           `json:"f,omitempty"`
			Set *int              `json:"set,omitempty"`
		}{Set: &seven},
		"omitzero": struct {
			Z  zeroer                     `json:"z,omitzero"`
			Z2 zeroer                     `json:"z2,omitzero"`
			PZ ptrZeroer                  `json:"pz,omitzero"`
			PP *ptrZeroer                 `json:"pp,omitzero"`
			T  time.Time                  `json:"t,omitzero"`
			S  struct{ A int }            `json:"s,omitzero"`
			M  map[string]int             `json:"m,omitzero"`
			I  interface{ IsZero() bool } `json:"i,omitzero"`
			I2 interface{ IsZero() bool } `json:"i2,omitzero"`
		}{Z: zeroer{-1}, Z2: zeroer{1}, PZ: ptrZeroer{7}, PP: &ptrZeroer{1}, M: map[string]int{}, I2: (*ptrZeroer)(nil)},
		"quoted": struct {
			I  int               `json:"i,string"`
			P  *int              `json:"p,string"`
			NP *int              `json:"np,string"`
			F  float64           `json:"f,string"`
			B  bool              `json:"b,string"`
			S  string            `json:"s,string"`
			Q  resource.Quantity `json:"q,string"`
			L  []int             `json:"l,string"`
		}{I: 4, P: &seven, F: 0.25, B: true, S: `a<"b">`, Q: quantity, L: []int{1}},
		// Built at run time: go vet refuses json tags that collide
		// through embedding, which is what these cases are about.
		"embedding": structOf(
			reflect.StructField{Name: "Inner", Type: reflect.TypeFor[Inner](), Anonymous: true},
			reflect.StructField{Name: "Other", Type: reflect.TypeFor[*Other](), Anonymous: true},
			reflect.StructField{Name: "Deep", Type: reflect.TypeFor[Deep](), Anonymous: true},
			reflect.StructField{Name: "Top", Type: reflect.TypeFor[string](), Tag: `json:"same"`},
		)(Inner{A: "a", B: 2, Same: "inner"}, &Other{Same: "other", C: true}, Deep{Inner{A: "deep"}}, "top"),
		"embedded nil pointer": struct {
			*Other
			X int
		}{},
		"conflict": structOf(
			reflect.StructField{Name: "Inner", Type: reflect.TypeFor[Inner](), Anonymous: true},
			reflect.StructField{Name: "Other", Type: reflect.TypeFor[Other](), Anonymous: true},
		)(Inner{Same: "x"}, Other{Same: "y"}),
		"tags": struct {
			Dash   int `json:"-"`
			Comma  int `json:"-,"`
			Bad    int `json:"a\"b"`
			Empty  int `json:",omitempty"`
			hidden int
		}{Dash: 1, Comma: 2, Bad: 3, Empty: 0, hidden: 4},
		"maps": struct {
			T map[textKey]int
			I map[int]string
			U map[uint8]bool
			S map[string]*int
			N map[string]int
		}{T: map[textKey]int{{"a", "b"}: 1}, I: map[int]string{-1: "x", 2: "y"}, U: map[uint8]bool{255: true}, S: map[string]*int{"nil": nil, "7": &seven}},
		"bytes": struct {
			B  []byte
			E  []byte
			N  []byte
			Nm named
			My myBytes
			BT []byteT
			A  [2]byte
		}{B: []byte("hi\x00"), E: []byte{}, Nm: named("x"), My: myBytes("y"), BT: []byteT{1}, A: [2]byte{1, 2}},
		"marshalers": struct {
			Q   resource.Quantity
			QP  *resource.Quantity
			T   metav1.Time
			IS  intstr.IntOrString
			IS2 intstr.IntOrString
			Raw runtime.RawExtension
			PM  ptrMarshaler
			PMs []ptrMarshaler
			PMm map[string]ptrMarshaler
			PT  ptrText
			PTm map[string]ptrText
			E   escaped
			D   metav1.Duration
		}{Q: quantity, T: now, IS: intstr.FromInt32(9), IS2: intstr.FromString("50%"), Raw: runtime.RawExtension{Raw: []byte(`{"a":[1,{"b":null}]}`)},
			PM: ptrMarshaler{3}, PMs: []ptrMarshaler{{1}}, PMm: map[string]ptrMarshaler{"k": {2}}, PT: ptrText{"s"}, PTm: map[string]ptrText{"k": {"m"}}, D: metav1.Duration{Duration: time.Minute}},
		"interfaces": struct {
			A any
			B any
			C any
			D any
		}{A: map[string]any{"x": []any{1, "2", nil, 3.5}}, B: &ptrMarshaler{4}, C: ptrMarshaler{5}, D: nil},
		"pod": &corev1.Pod{ObjectMeta: metav1.ObjectMeta{Name: "p", Labels: map[string]string{"a": "b"}},
			Spec: corev1.PodSpec{Containers: []corev1.Container{{Name: "c", Resources: corev1.ResourceRequirements{Limits: corev1.ResourceList{"memory": quantity}}}}}},
		"json numbers": struct {
			N json.Number
			E json.Number
			Q json.Number `json:",string"`
			P *json.Number
			A any
			L []json.Number
		}{N: "1.5", Q: "7", A: json.Number("-2e3"), L: []json.Number{"1", "12345678901234567890"}},
		"invalid json number": struct{ N json.Number }{"abc"},
		"spaced json number":  struct{ N json.Number }{"1 "},
		"leading zero number": struct{ N json.Number }{"01"},
		"nil marshaler":       struct{ M json.Marshaler }{},
		"nil text marshaler":  struct{ M encoding.TextMarshaler }{},
		"bad marshaler":       struct{ M badMarshaler }{},
		"invalid marshaler":   struct{ M invalidMarshaler }{},
		"nan":                 struct{ F float64 }{math.NaN()},
		"func":                struct{ F func() }{func() {}},
		"chan map key":        map[[2]int]int{{1, 2}: 3},
	}
	for name, v := range cases {
		assertTreeMatchesJSON(t, name, v)
	}
}

// TestMarshalNilObject: a nil object is written as sigs.k8s.io/yaml
// writes JSON null, {}, not a panic.
func TestMarshalNilObject(t *testing.T) {
	got, err := MarshalObject((*corev1.Service)(nil))
	if err != nil || string(got) != "{}\n" {
		t.Fatalf("MarshalObject(nil) = %q, %v; want {}", got, err)
	}
}
