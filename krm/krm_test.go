package krm_test

import (
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/esgen/esgen/krm"
)

// spec is a valid spec without warnings.
const spec = `apiVersion: esgen.dev/v1alpha1
kind: ElasticsearchCluster
metadata:
  name: logs
  namespace: search
spec:
  version: 8.19.20
  security:
    enabled: false
  nodeSets:
  - name: master
    count: 3
    roles: [master]
    resources: {memory: 4Gi}
    storage: {size: 10Gi}
`

// dataNodeSet adds a nodeSet to spec with the heap and memory given.
func dataNodeSet(heap, memory string) string {
	return spec + `  - name: data
    count: 2
    roles: [data]
    resources: {memory: ` + memory + `}
    heap: ` + heap + `
    storage: {size: 10Gi}
`
}

const configMap = `apiVersion: v1
kind: ConfigMap
metadata:
  name: other
  annotations:
    config.kubernetes.io/index: '0'
    internal.config.kubernetes.io/path: 'other.yaml'
data:
  replicas: "3"
`

const service = `apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  ports: [{port: 80}]
`

// specLookalike has esgen's kind in another group: not esgen's to render.
const specLookalike = `apiVersion: search.example.com/v1
kind: ElasticsearchCluster
metadata:
  name: logs
spec:
  anything: [goes]
`

// TestProcess: specs among the items are replaced by exactly what esgen
// render prints, in place; everything else keeps its place and content.
func TestProcess(t *testing.T) {
	rendered := esgenRender(t, []byte(spec))
	objects := strings.Count(string(rendered), "\n---\n") + 1
	generatorAnnotation := "config.kubernetes.io/function: |\n      exec: {path: esgen, args: [fn]}"
	for _, tc := range []struct {
		name           string
		items          []string
		functionConfig string
		want           []string // "item<i>": input item i untouched; "esgen": the spec's objects
	}{
		{name: "spec alone", items: []string{spec}, want: []string{"esgen"}},
		{name: "others keep their place", items: []string{configMap, spec, service}, want: []string{"item0", "esgen", "item2"}},
		{name: "two specs", items: []string{spec, service, spec}, want: []string{"esgen", "item1", "esgen"}},
		{name: "no spec", items: []string{configMap, service}, want: []string{"item0", "item1"}},
		{name: "empty", want: nil},
		{name: "another group's ElasticsearchCluster", items: []string{specLookalike, spec}, want: []string{"item0", "esgen"}},
		{name: "non-spec functionConfig", items: []string{spec}, functionConfig: configMap, want: []string{"esgen"}},
		{name: "generator", functionConfig: spec, want: []string{"esgen"}},
		{name: "generator after the items", items: []string{configMap, service}, functionConfig: spec, want: []string{"item0", "item1", "esgen"}},
		{
			// kustomize hands a generator's config over as an input item
			// too, marked local-config: one cluster, rendered once, and
			// none of these annotations reach its objects.
			name: "generator's config among the items",
			items: []string{withAnnotations(t, spec, generatorAnnotation,
				`config.kubernetes.io/local-config: "true"`,
				`config.kubernetes.io/index: '0'`,
				`internal.config.kubernetes.io/index: '0'`,
				`internal.config.kubernetes.io/annotations-migration-resource-id: '0'`)},
			functionConfig: withAnnotations(t, spec, generatorAnnotation, `config.kubernetes.io/local-config: "true"`),
			want:           []string{"esgen"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rl := &framework.ResourceList{}
			for _, s := range tc.items {
				rl.Items = append(rl.Items, parse(t, s))
			}
			inputs := slices.Clone(rl.Items)
			before := make([]string, len(inputs))
			for i, item := range inputs {
				before[i] = item.MustString()
			}
			if tc.functionConfig != "" {
				rl.FunctionConfig = parse(t, tc.functionConfig)
			}
			if err := krm.Process(rl); err != nil {
				t.Fatalf("Process: %v", err)
			}
			if len(rl.Results) > 0 {
				t.Errorf("results: %v", rl.Results)
			}
			got := rl.Items
			for _, w := range tc.want {
				if len(got) == 0 {
					t.Fatalf("items end before %s", w)
				}
				if w == "esgen" {
					if len(got) < objects {
						t.Fatalf("%d items left, want the spec's %d objects", len(got), objects)
					}
					if s := stream(t, got[:objects]); string(s) != string(rendered) {
						t.Errorf("objects differ from esgen render (-render +fn):\n%s", cmp.Diff(string(rendered), string(s)))
					}
					got = got[objects:]
					continue
				}
				i, _ := strconv.Atoi(strings.TrimPrefix(w, "item"))
				if got[0] != inputs[i] || got[0].MustString() != before[i] {
					t.Errorf("item %d changed or moved:\n%s\nwant\n%s", i, got[0].MustString(), before[i])
				}
				got = got[1:]
			}
			if len(got) > 0 {
				t.Errorf("%d items more than expected, the first:\n%s", len(got), got[0].MustString())
			}
		})
	}
}

// TestToolAnnotationsStripped: what kustomize, kpt and kubectl put on a
// spec stays off its objects, the user's own annotations reach them, and
// the item handed over is not changed.
func TestToolAnnotationsStripped(t *testing.T) {
	annotated := withAnnotations(t, spec,
		"team: search",
		"config.kubernetes.io/function: |\n      container: {image: esgen}",
		`config.kubernetes.io/local-config: "true"`,
		`config.kubernetes.io/path: clusters/logs.yaml`,
		`internal.config.kubernetes.io/path: clusters/logs.yaml`,
		`internal.config.kubernetes.io/seqindent: compact`,
		`alpha.config.kubernetes.io/transformations: "[]"`,
		`kustomize.config.k8s.io/id: "1"`,
		`config.k8s.io/id: "1"`,
		`kubectl.kubernetes.io/last-applied-configuration: "{}"`,
		"example.com/config.kubernetes.io: kept",
	)
	want := esgenRender(t, []byte(withAnnotations(t, spec, "team: search", "example.com/config.kubernetes.io: kept")))
	item := parse(t, annotated)
	before := item.MustString()
	rl := &framework.ResourceList{Items: []*yaml.RNode{item}}
	if err := krm.Process(rl); err != nil {
		t.Fatal(err)
	}
	if got := stream(t, rl.Items); string(got) != string(want) {
		t.Errorf("objects differ from esgen render of the spec with the user's annotations (-want +got):\n%s", cmp.Diff(string(want), string(got)))
	}
	if item.MustString() != before {
		t.Errorf("Process changed the spec it was given:\n%s", item.MustString())
	}
}

// TestIsToolAnnotation pins which keys are the tools'.
func TestIsToolAnnotation(t *testing.T) {
	for key, want := range map[string]bool{
		"config.kubernetes.io/function":                    true,
		"config.kubernetes.io/local-config":                true,
		"internal.config.kubernetes.io/index":              true,
		"alpha.config.kubernetes.io/transformations":       true,
		"kustomize.config.k8s.io/needs-hash":               true,
		"config.k8s.io/id":                                 true,
		"kubectl.kubernetes.io/last-applied-configuration": true,
		"kubectl.kubernetes.io/restartedAt":                false,
		"team":                                             false,
		"example.com/config.kubernetes.io":                 false,
		"esgen.dev/anything":                               false,
	} {
		if got := krm.IsToolAnnotation(key); got != want {
			t.Errorf("IsToolAnnotation(%q) = %v, want %v", key, got, want)
		}
	}
}

// TestProblems: load, validation and render errors become error results
// with the spec's resourceRef, file and field path, in esgen's words; no
// item changes and Process fails. Warnings are results too.
func TestProblems(t *testing.T) {
	ref := func(apiVersion string) *yaml.ResourceIdentifier {
		return &yaml.ResourceIdentifier{
			TypeMeta: yaml.TypeMeta{APIVersion: apiVersion, Kind: "ElasticsearchCluster"},
			NameMeta: yaml.NameMeta{Name: "logs", Namespace: "search"},
		}
	}
	v1alpha1 := ref("esgen.dev/v1alpha1")
	heapWarning := &framework.Result{Severity: framework.Warning, ResourceRef: v1alpha1, Field: &framework.Field{Path: "spec.nodeSets[1].heap"},
		Message: "at 32g the JVM loses compressed object pointers and holds fewer objects than at 31g: use 31g or less"}
	for _, tc := range []struct {
		name           string
		items          []string
		functionConfig string
		want           framework.Results
		fails          bool
	}{
		{
			name:  "validation error",
			items: []string{configMap, dataNodeSet("40g", "64Gi")},
			want: framework.Results{{Severity: framework.Error, ResourceRef: v1alpha1, Field: &framework.Field{Path: "spec.nodeSets[1].heap"},
				Message: `Invalid value: "40g": must not exceed 32g: above it the JVM loses compressed object pointers; use 31g or less`}},
			fails: true,
		},
		{
			name:  "load error",
			items: []string{strings.Replace(spec, "count: 3", `count: "3"`, 1)},
			want: framework.Results{{Severity: framework.Error, ResourceRef: v1alpha1, Field: &framework.Field{Path: "spec.nodeSets[0].count"},
				Message: `must be an integer, not the string "3"`}},
			fails: true,
		},
		{
			name:  "unknown field",
			items: []string{strings.Replace(spec, "nodeSets:", "nodeSet:", 1)},
			want: framework.Results{
				{Severity: framework.Error, ResourceRef: v1alpha1, Field: &framework.Field{Path: "spec.nodeSet"}, Message: `unknown field: did you mean "nodeSets"?`},
			},
			fails: true,
		},
		{
			name:  "a version of esgen.dev this esgen does not know",
			items: []string{strings.Replace(spec, "v1alpha1", "v1beta1", 1)},
			want: framework.Results{{Severity: framework.Error, ResourceRef: ref("esgen.dev/v1beta1"), Field: &framework.Field{Path: "apiVersion"},
				Message: `Unsupported value: "esgen.dev/v1beta1": supported values: "esgen.dev/v1alpha1"`}},
			fails: true,
		},
		{
			name: "render error",
			items: []string{spec + "  patches:\n  - target: {kind: Deployment}\n" +
				"    patch: |-\n      - {op: add, path: /metadata/labels/x, value: y}\n"},
			want: framework.Results{{Severity: framework.Error, ResourceRef: v1alpha1, Field: &framework.Field{Path: "spec.patches[0]"},
				Message: `Invalid value: "target kind=Deployment": it changed no object: check its target against the objects esgen renders`}},
			fails: true,
		},
		{
			name:  "warning",
			items: []string{dataNodeSet("32g", "128Gi")},
			want:  framework.Results{heapWarning},
		},
		{
			name:  "warning, then the error",
			items: []string{strings.Replace(dataNodeSet("32g", "128Gi"), "name: master", "name: Master", 1)},
			want: framework.Results{heapWarning, {Severity: framework.Error, ResourceRef: v1alpha1, Field: &framework.Field{Path: "spec.nodeSets[0].name"},
				Message: `Invalid value: "Master": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`}},
			fails: true,
		},
		{
			name: "the file an orchestrator read it from",
			items: []string{spec, withAnnotations(t, dataNodeSet("40g", "64Gi"),
				"internal.config.kubernetes.io/path: clusters/logs.yaml", "internal.config.kubernetes.io/index: '2'")},
			want: framework.Results{{Severity: framework.Error, ResourceRef: v1alpha1, File: &framework.File{Path: "clusters/logs.yaml", Index: 2},
				Field:   &framework.Field{Path: "spec.nodeSets[1].heap"},
				Message: `Invalid value: "40g": must not exceed 32g: above it the JVM loses compressed object pointers; use 31g or less`}},
			fails: true,
		},
		{
			name:           "generator",
			functionConfig: dataNodeSet("40g", "64Gi"),
			want: framework.Results{{Severity: framework.Error, ResourceRef: v1alpha1, Field: &framework.Field{Path: "spec.nodeSets[1].heap"},
				Message: `Invalid value: "40g": must not exceed 32g: above it the JVM loses compressed object pointers; use 31g or less`}},
			fails: true,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rl := &framework.ResourceList{}
			for _, s := range tc.items {
				rl.Items = append(rl.Items, parse(t, s))
			}
			if tc.functionConfig != "" {
				rl.FunctionConfig = parse(t, tc.functionConfig)
			}
			inputs := slices.Clone(rl.Items)
			err := krm.Process(rl)
			if diff := cmp.Diff(tc.want, rl.Results); diff != "" {
				t.Errorf("results (-want +got):\n%s", diff)
			}
			if !tc.fails {
				if err != nil {
					t.Errorf("Process: %v, want no error", err)
				}
				return
			}
			var results framework.Results
			if !errors.As(err, &results) || results.ExitCode() != 1 {
				t.Fatalf("Process = %v, want framework.Results with exit code 1", err)
			}
			if !slices.Equal(rl.Items, inputs) {
				t.Errorf("items changed on an error: %d items, want the %d given", len(rl.Items), len(inputs))
			}
		})
	}
}

// TestAnchoredAnnotations: annotations that a YAML alias reuses are
// stripped where they stand and the alias still resolves.
func TestAnchoredAnnotations(t *testing.T) {
	annotated := strings.Replace(spec, "metadata:\n", "metadata:\n  annotations: &a {config.kubernetes.io/local-config: \"true\"}\n", 1)
	annotated = strings.Replace(annotated, "    storage: {size: 10Gi}\n", "    storage: {size: 10Gi}\n    podAnnotations: *a\n", 1)
	rl := &framework.ResourceList{Items: []*yaml.RNode{parse(t, annotated)}}
	if err := krm.Process(rl); err != nil {
		t.Fatal(err)
	}
	if got, want := stream(t, rl.Items), esgenRender(t, []byte(spec)); string(got) != string(want) {
		t.Errorf("objects differ from esgen render of the spec without annotations (-want +got):\n%s", cmp.Diff(string(want), string(got)))
	}
}
