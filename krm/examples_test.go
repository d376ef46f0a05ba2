package krm_test

import (
	"bytes"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	yamlv2 "go.yaml.in/yaml/v2"
	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"
	sigsyaml "sigs.k8s.io/yaml"

	"github.com/esgen/esgen/esspec/specgen"
	"github.com/esgen/esgen/krm"
)

// TestExamplesByteIdentical: for every example, the function's items,
// written as a stream the way kustomize writes its output, are esgen
// render's bytes.
func TestExamplesByteIdentical(t *testing.T) {
	for _, path := range examplePaths(t) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			data := readFile(t, path)
			rl := &framework.ResourceList{Items: []*yaml.RNode{parse(t, string(data))}}
			if err := krm.Process(rl); err != nil {
				t.Fatal(err)
			}
			want := esgenRender(t, data)
			if got := stream(t, rl.Items); !bytes.Equal(got, want) {
				t.Errorf("differs from esgen render (-render +fn):\n%s", cmp.Diff(string(want), string(got)))
			}
		})
	}
}

// resourceList writes a ResourceList as kustomize hands a generator over:
// the spec, with the function annotation, as functionConfig and, marked
// local-config, as the one item.
func resourceList(t testing.TB, spec string) []byte {
	t.Helper()
	fnAnnotation := "config.kubernetes.io/function: |\n      exec: {path: esgen, args: [fn]}"
	item := parse(t, withAnnotations(t, spec, fnAnnotation, `config.kubernetes.io/local-config: "true"`,
		"config.kubernetes.io/index: '0'", "internal.config.kubernetes.io/index: '0'"))
	var in bytes.Buffer
	w := kio.ByteWriter{Writer: &in, KeepReaderAnnotations: true, WrappingKind: "ResourceList", WrappingAPIVersion: "config.kubernetes.io/v1",
		FunctionConfig: parse(t, withAnnotations(t, spec, fnAnnotation))}
	if err := w.Write([]*yaml.RNode{item}); err != nil {
		t.Fatal(err)
	}
	return in.Bytes()
}

// execute runs Process through the function framework as esgen fn does,
// and returns the ResourceList it writes.
func execute(t *testing.T, input []byte) ([]byte, error) {
	t.Helper()
	var out bytes.Buffer
	err := framework.Execute(framework.ResourceListProcessorFunc(krm.Process), &kio.ByteReadWriter{Reader: bytes.NewReader(input), Writer: &out, KeepReaderAnnotations: true})
	return out.Bytes(), err
}

// TestExecuteExamples: through framework.Execute, from a ResourceList as
// kustomize writes it for a generator to the ResourceList the function
// writes, every example comes out as esgen render prints it. Written by
// kio.ByteWriter instead, the stream holds the same values and the same
// text but for line breaks: kyaml's emitter never folds a long line.
func TestExecuteExamples(t *testing.T) {
	for _, path := range examplePaths(t) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			data := readFile(t, path)
			out, err := execute(t, resourceList(t, string(data)))
			if err != nil {
				t.Fatalf("Execute: %v\n%s", err, out)
			}
			r := &kio.ByteReader{Reader: bytes.NewReader(out), OmitReaderAnnotations: true}
			items, err := r.Read()
			if err != nil {
				t.Fatal(err)
			}
			if r.WrappingKind != "ResourceList" || r.Results != nil {
				t.Errorf("output: kind %q, results %v; want a ResourceList without results", r.WrappingKind, r.Results)
			}
			want := esgenRender(t, data)
			if got := stream(t, items); !bytes.Equal(got, want) {
				t.Errorf("differs from esgen render (-render +fn):\n%s", cmp.Diff(string(want), string(got)))
			}
			var kyamlStream bytes.Buffer
			if err := (kio.ByteWriter{Writer: &kyamlStream}).Write(items); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(documents(t, want), documents(t, kyamlStream.Bytes())); diff != "" {
				t.Errorf("kio.ByteWriter's stream holds other values (-render +kyaml):\n%s", diff)
			}
			if !slices.Equal(strings.Fields(string(want)), strings.Fields(kyamlStream.String())) {
				t.Errorf("kio.ByteWriter's stream differs from esgen render in more than line breaks (-render +kyaml):\n%s",
					cmp.Diff(string(want), kyamlStream.String()))
			}
		})
	}
}

// TestExecuteError: an invalid spec gives a ResourceList whose results
// name the field, the items it was given, and an error whose exit code is
// 1, as framework.Execute's callers exit.
func TestExecuteError(t *testing.T) {
	out, err := execute(t, resourceList(t, dataNodeSet("40g", "64Gi")))
	var results framework.Results
	if !errors.As(err, &results) || results.ExitCode() != 1 {
		t.Fatalf("Execute = %v, want results with exit code 1", err)
	}
	var got struct {
		Kind    string
		Items   []map[string]any
		Results []map[string]any
	}
	if err := sigsyaml.Unmarshal(out, &got); err != nil {
		t.Fatal(err)
	}
	want := []map[string]any{{
		"message":     `Invalid value: "40g": must not exceed 32g: above it the JVM loses compressed object pointers; use 31g or less`,
		"severity":    "error",
		"resourceRef": map[string]any{"apiVersion": "esgen.dev/v1alpha1", "kind": "ElasticsearchCluster", "name": "logs", "namespace": "search"},
		"field":       map[string]any{"path": "spec.nodeSets[1].heap"},
	}}
	if diff := cmp.Diff(want, got.Results); diff != "" {
		t.Errorf("results (-want +got):\n%s", diff)
	}
	if got.Kind != "ResourceList" || len(got.Items) != 1 || got.Items[0]["kind"] != "ElasticsearchCluster" {
		t.Errorf("output: kind %q, %d items; want the ResourceList with the spec it was given", got.Kind, len(got.Items))
	}
}

// TestGeneratedSpecs: specs from esspec/specgen, over every version and
// feature, come out of the function as esgen render prints them.
func TestGeneratedSpecs(t *testing.T) {
	n := uint64(60)
	if testing.Short() {
		n = 10
	}
	for seed := range n {
		data, err := sigsyaml.Marshal(specgen.Generate(seed))
		if err != nil {
			t.Fatal(err)
		}
		rl := &framework.ResourceList{Items: []*yaml.RNode{parse(t, string(data))}}
		if err := krm.Process(rl); err != nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		want := esgenRender(t, data)
		if got := stream(t, rl.Items); !bytes.Equal(got, want) {
			t.Fatalf("seed %d: differs from esgen render (-render +fn):\n%s", seed, cmp.Diff(string(want), string(got)))
		}
	}
}

// TestEsgenStringsStayStrings: esgen writes YAML with yaml.v2 (YAML 1.1)
// and the function's items are read back by kyaml's yaml.v3 (YAML 1.2
// core). A string yaml.v2 left unquoted but yaml.v3 resolved to a number,
// boolean or null would change type on the way; yaml.v2 quotes every
// such string, these included.
func TestEsgenStringsStayStrings(t *testing.T) {
	for _, s := range []string{
		"3", "0o17", "0x1F", "0b101", "1_000", "1e3", ".5", "-.inf", ".NaN", "+1",
		"true", "True", "FALSE", "yes", "no", "on", "off", "y", "n",
		"null", "Null", "~", "", "2026-12-02", "2026-12-02T10:00:00Z", "<<", "=", "12:30", "0755",
	} {
		doc, err := yamlv2.Marshal(map[string]any{"v": s})
		if err != nil {
			t.Fatal(err)
		}
		j, err := parse(t, string(doc)).MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		var got map[string]any
		if err := sigsyaml.Unmarshal(j, &got); err != nil {
			t.Fatal(err)
		}
		if got["v"] != s {
			t.Errorf("%q: yaml.v2 wrote %q, kyaml read %#v", s, doc, got["v"])
		}
	}
}
