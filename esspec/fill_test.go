package esspec_test

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/esgen/esgen/esspec"
	"github.com/esgen/esgen/esspec/specgen"
)

// assertParsesAsViaJSON holds Parse, which fills the Cluster directly, to
// the JSON round trip it replaced.
func assertParsesAsViaJSON(t *testing.T, name string, data []byte) {
	t.Helper()
	got, err := esspec.Parse(data)
	want, wantErr := esspec.ParseViaJSON(data)
	if (err == nil) != (wantErr == nil) {
		t.Fatalf("%s: Parse error %v, via JSON %v", name, err, wantErr)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%s: Parse gives\n%#v\nvia JSON\n%#v", name, got, want)
	}
}

// TestParseMatchesJSONRoundTrip: every example and 500 generated specs
// (every field esspec has is drawn by specgen) parse to the same Cluster
// as through JSON.
func TestParseMatchesJSONRoundTrip(t *testing.T) {
	paths, err := filepath.Glob("../examples/*.yaml")
	if err != nil || len(paths) == 0 {
		t.Fatalf("examples: %v", err)
	}
	paths = append(paths, "../examples/gitops/cluster.yaml")
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		assertParsesAsViaJSON(t, p, data)
	}
	for seed := range uint64(500) {
		data, err := yaml.Marshal(specgen.Generate(seed))
		if err != nil {
			t.Fatal(err)
		}
		assertParsesAsViaJSON(t, "generated spec", data)
	}
	assertParsesAsViaJSON(t, "settings", []byte(`apiVersion: esgen.dev/v1alpha1
kind: ElasticsearchCluster
metadata: {name: x}
spec:
  version: 8.19.20
  nodeSets:
  - name: all
    count: 1
    resources: {memory: 2Gi, cpu: 500m, requests: {cpu: "1"}, limits: {memory: 4Gi}}
    config: {a: 1, b: 1.5, c: [1, "x", null, {d: true}], e: {}, f: [], g: null, h: 1e3, i: -0}
    env: [{name: A, value: "1"}, {name: B, valueFrom: {fieldRef: {fieldPath: metadata.name}}}]
    tolerations: [{key: k, operator: Exists, tolerationSeconds: 30}]
    storage: {size: 10Gi}
`))
}
