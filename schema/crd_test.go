package schema_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/esgen/esgen/esspec"
	"github.com/esgen/esgen/schema"
	"github.com/esgen/esgen/schema/generate"
)

// TestCRDIsCurrent fails when the esspec types changed and
// schema/esgen.crd.yaml was not regenerated (make schema).
func TestCRDIsCurrent(t *testing.T) {
	t.Chdir("..") // GenerateCRD reads the esspec sources for descriptions.
	got, err := generate.GenerateCRD()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, schema.CRD) {
		t.Fatal("schema/esgen.crd.yaml is stale: run make schema and commit it")
	}
	again, err := generate.GenerateCRD()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, again) {
		t.Fatal("two generations differ")
	}
}

// crdDoc decodes the committed CRD.
func crdDoc(t *testing.T) map[string]any {
	t.Helper()
	var doc map[string]any
	if err := yaml.UnmarshalStrict(schema.CRD, &doc); err != nil {
		t.Fatal(err)
	}
	return doc
}

// at walks a decoded document down the given keys (or list indexes).
func at(t *testing.T, v any, path ...any) any {
	t.Helper()
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				t.Fatalf("%v: not a map at %q", path, k)
			}
			v = m[k]
		case int:
			l, ok := v.([]any)
			if !ok || k >= len(l) {
				t.Fatalf("%v: no item %d", path, k)
			}
			v = l[k]
		}
	}
	return v
}

// TestCRDNamesTheSpecAPI: objects of the CRD carry the apiVersion and kind
// that esgen's own spec files carry.
func TestCRDNamesTheSpecAPI(t *testing.T) {
	doc := crdDoc(t)
	spec := at(t, doc, "spec")
	version := at(t, spec, "versions", 0)
	got := fmt.Sprintf("%v/%v %v", at(t, spec, "group"), at(t, version, "name"), at(t, spec, "names", "kind"))
	if want := esspec.APIVersion + " " + esspec.Kind; got != want {
		t.Errorf("the CRD serves %s, want %s", got, want)
	}
	if name := at(t, doc, "metadata", "name"); name != "elasticsearchclusters.esgen.dev" {
		t.Errorf("metadata.name = %v", name)
	}
	if at(t, version, "served") != true || at(t, version, "storage") != true {
		t.Error("the version is not served and stored")
	}
}

// TestCRDSchemaIsStructural checks the rules of a structural schema that
// need no Kubernetes code (the conformance module runs the API server's):
// every node has a type unless it is int-or-string or kept whole, no
// reference is left, no default is stored, metadata is only an object.
func TestCRDSchemaIsStructural(t *testing.T) {
	root := at(t, crdDoc(t), "spec", "versions", 0, "schema", "openAPIV3Schema")
	if md := at(t, root, "properties", "metadata"); fmt.Sprint(md) != "map[type:object]" {
		t.Errorf("metadata = %v, want just type: object", md)
	}
	var walk func(path string, node map[string]any)
	walk = func(path string, node map[string]any) {
		for _, k := range []string{"$ref", "$defs", "default", "title", "$schema", "$id"} {
			if _, ok := node[k]; ok {
				t.Errorf("%s: has %s", path, k)
			}
		}
		_, typed := node["type"]
		if !typed && node["x-kubernetes-int-or-string"] != true && node["x-kubernetes-preserve-unknown-fields"] != true {
			t.Errorf("%s: no type", path)
		}
		if ap, ok := node["additionalProperties"]; ok {
			if _, isSchema := ap.(map[string]any); !isSchema {
				t.Errorf("%s: additionalProperties: %v", path, ap)
			} else {
				walk(path+".*", ap.(map[string]any))
			}
		}
		if props, ok := node["properties"].(map[string]any); ok {
			for name, p := range props {
				walk(path+"."+name, p.(map[string]any))
			}
		}
		if items, ok := node["items"].(map[string]any); ok {
			walk(path+"[]", items)
		}
		if anyOf, ok := node["anyOf"].([]any); ok && fmt.Sprint(anyOf) != "[map[type:integer] map[type:string]]" {
			t.Errorf("%s: anyOf %v", path, anyOf)
		}
	}
	walk("", root.(map[string]any))
}

// TestCRDKeepsDescriptions: every field of the spec's own types keeps its
// doc comment (the Kubernetes types esgen embeds have none to keep).
func TestCRDKeepsDescriptions(t *testing.T) {
	spec := at(t, crdDoc(t), "spec", "versions", 0, "schema", "openAPIV3Schema", "properties", "spec")
	for _, path := range [][]any{
		{"properties", "version"},
		{"properties", "nodeSets", "items", "properties", "config"},
		{"properties", "system", "properties", "maxMapCount"},
	} {
		d, _ := at(t, spec, append(path, "description")...).(string)
		if d == "" || strings.Contains(d, "\n") {
			t.Errorf("spec%v: description %q, want one paragraph", path, d)
		}
	}
	if d := at(t, spec, "properties", "system", "properties", "maxMapCount", "description"); !strings.HasSuffix(d.(string), " Default: 262144.") {
		t.Errorf("maxMapCount's description does not name its default: %q", d)
	}
}
