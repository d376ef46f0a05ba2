package krm_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"
	sigsyaml "sigs.k8s.io/yaml"

	"github.com/esgen/esgen/esspec"
	"github.com/esgen/esgen/render"
)

// examplePaths returns examples/*.yaml, the specs the goldens render.
func examplePaths(t testing.TB) []string {
	t.Helper()
	paths, err := filepath.Glob("../examples/*.yaml")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no examples: %v", err)
	}
	return paths
}

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// esgenRender is what esgen render prints for a spec.
func esgenRender(t testing.TB, spec []byte) []byte {
	t.Helper()
	c, err := esspec.Load(bytes.NewReader(spec))
	if err != nil {
		t.Fatal(err)
	}
	esspec.SetDefaults(c)
	objs, err := render.Render(c)
	if err != nil {
		t.Fatal(err)
	}
	out, err := objs.YAML()
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// parse reads one resource as an orchestrator hands it over.
func parse(t testing.TB, s string) *yaml.RNode {
	t.Helper()
	rn, err := yaml.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return rn
}

// stream writes items as kustomize writes its build output
// (resource.AsYAML, resmap.AsYaml): each as JSON, then
// sigs.k8s.io/yaml.JSONToYAML, separated by ---. Nothing is pruned or
// sorted beyond what that does, so an extra field, a changed type or a
// different order of items would show.
func stream(t testing.TB, items []*yaml.RNode) []byte {
	t.Helper()
	var b bytes.Buffer
	for i, item := range items {
		j, err := item.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		doc, err := sigsyaml.JSONToYAML(j)
		if err != nil {
			t.Fatal(err)
		}
		if i > 0 {
			b.WriteString("---\n")
		}
		b.Write(doc)
	}
	return b.Bytes()
}

// documents reads a YAML stream as sigs.k8s.io/yaml (kubectl) does, one
// JSON value per document.
func documents(t testing.TB, s []byte) []string {
	t.Helper()
	var out []string
	for doc := range strings.SplitSeq(string(s), "\n---\n") {
		j, err := sigsyaml.YAMLToJSON([]byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, string(j))
	}
	return out
}

// withAnnotations returns a spec with these lines added under metadata:,
// indented as the examples are.
func withAnnotations(t testing.TB, spec string, lines ...string) string {
	t.Helper()
	add := "metadata:\n  annotations:\n"
	for _, l := range lines {
		add += "    " + l + "\n"
	}
	if !strings.Contains(spec, "\nmetadata:\n") {
		t.Fatal("spec has no metadata: line")
	}
	return strings.Replace(spec, "\nmetadata:\n", "\n"+add, 1)
}
