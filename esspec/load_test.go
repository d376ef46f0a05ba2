package esspec_test

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/esgen/esgen/esspec"
)

const header = "apiVersion: esgen.dev/v1alpha1\nkind: ElasticsearchCluster\nmetadata: {name: logs}\n"

func TestLoadErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		spec string
		want []esspec.Problem
	}{
		{"unknown top-level key", header + "spek: {}\n", []esspec.Problem{
			{Line: 4, Field: "spek", Detail: `unknown field: did you mean "spec"?`},
		}},
		{"unknown nested key", header + "spec:\n  nodeSets:\n  - name: a\n    rolez: [master]\n", []esspec.Problem{
			{Line: 7, Field: "spec.nodeSets[0].rolez", Detail: `unknown field: did you mean "roles"?`},
		}},
		{"unknown key, no near match", header + "spec:\n  colour: blue\n", []esspec.Problem{
			{Line: 5, Field: "spec.colour", Detail: "unknown field"},
		}},
		{"every unknown key is reported", header + "spec:\n  a: 1\n  b: 2\n", []esspec.Problem{
			{Line: 5, Field: "spec.a", Detail: "unknown field"},
			{Line: 6, Field: "spec.b", Detail: "unknown field"},
		}},
		{"string for an integer", header + "spec:\n  nodeSets:\n  - count: \"3\"\n", []esspec.Problem{
			{Line: 6, Field: "spec.nodeSets[0].count", Detail: `must be an integer, not the string "3"`},
		}},
		{"number for a string", header + "spec:\n  version: 8.19\n", []esspec.Problem{
			{Line: 5, Field: "spec.version", Detail: `must be a string, not the number 8.19 (write the full version x.y.z, e.g. 8.19.3)`},
		}},
		{"number for a heap", header + "spec:\n  nodeSets:\n  - heap: 2048\n", []esspec.Problem{
			{Line: 6, Field: "spec.nodeSets[0].heap", Detail: `must be a string, not the number 2048 (write it with a unit k, m or g, e.g. 4g or 4096m)`},
		}},
		{"number for a label", "metadata:\n  name: logs\n  labels: {tier: 1}\n", []esspec.Problem{
			{Line: 3, Field: "metadata.labels[tier]", Detail: `must be a string, not the number 1 (write "1" to keep it as text)`},
		}},
		{"yes for a boolean", header + "spec:\n  system: {memoryLock: yes}\n", []esspec.Problem{
			{Line: 5, Field: "spec.system.memoryLock", Detail: `must be true or false, not the string "yes"`},
		}},
		{"list for a mapping", header + "spec:\n  nodeSets:\n  - resources: [cpu]\n", []esspec.Problem{
			{Line: 6, Field: "spec.nodeSets[0].resources", Detail: "must be a mapping, not a list"},
		}},
		{"mapping for a list", header + "spec:\n  nodeSets: {name: a}\n", []esspec.Problem{
			{Line: 5, Field: "spec.nodeSets", Detail: "must be a list, not a mapping"},
		}},
		{"count out of range", header + "spec:\n  nodeSets:\n  - count: 1000000000000\n", []esspec.Problem{
			{Line: 6, Field: "spec.nodeSets[0].count", Detail: "number 1000000000000 is out of range"},
		}},
		{"bad quantity", header + "spec:\n  nodeSets:\n  - resources: {memory: 8GB}\n", []esspec.Problem{
			{Line: 6, Field: "spec.nodeSets[0].resources.memory", Detail: `"8GB" is not a quantity: use Kubernetes notation such as 8Gi, 500m or 2`},
		}},
		{"duplicate key", header + "spec:\n  version: 8.19.20\n  version: 7.17.29\n", []esspec.Problem{
			{Line: 6, Field: "spec.version", Detail: "duplicate key (first at line 5)"},
		}},
		{"merge key", header + "spec:\n  <<: {version: 8.19.20}\n", []esspec.Problem{
			{Line: 5, Field: "spec", Detail: "YAML merge keys (<<) are not supported: write the fields out"},
		}},
		{"second document", header + "---\n" + header, []esspec.Problem{
			{Line: 4, Detail: "a spec file holds one document; found a second one (remove the extra --- and what follows)"},
		}},
		// go.yaml.in/yaml/v3 reports where the enclosing mapping starts.
		{"syntax error", header + "spec:\n  version: [8\n", []esspec.Problem{
			{Line: 4, Detail: "YAML syntax error: did not find expected ',' or ']'"},
		}},
		{"tab indentation", header + "spec:\n\tversion: 8.19.20\n", []esspec.Problem{
			{Line: 5, Detail: "YAML syntax error: found character that cannot start any token"},
		}},
		{"empty file", "", []esspec.Problem{
			{Detail: "spec is empty: expected an ElasticsearchCluster document"},
		}},
		{"comments only", "# nothing\n", []esspec.Problem{
			{Detail: "spec is empty: expected an ElasticsearchCluster document"},
		}},
		{"null document", "null\n", []esspec.Problem{
			{Line: 1, Detail: "spec is empty: expected an ElasticsearchCluster document"},
		}},
		{"a list instead of a spec", "- a\n", []esspec.Problem{
			{Line: 1, Detail: "must be a mapping, not a list"},
		}},
		{"not UTF-8", header + "spec:\n  version: \"\xff\"\n", []esspec.Problem{
			{Line: 5, Detail: "spec is not valid UTF-8"},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := esspec.Parse([]byte(tc.spec))
			var le *esspec.LoadError
			if !errors.As(err, &le) {
				t.Fatalf("got %v, %v; want a LoadError", c, err)
			}
			if c != nil {
				t.Error("a spec came back with the error")
			}
			if diff := cmp.Diff(tc.want, le.Problems); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLoadNulls(t *testing.T) {
	// null stands for "not set" at every level: Load accepts it, and
	// Validate then names what is missing.
	c, err := esspec.Parse([]byte(header + "spec:\n  version: ~\n  nodeSets:\n  - name: a\n    count: null\n    roles: null\n    config: {x: null}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c.Spec.Version != "" || c.Spec.NodeSets[0].Count != nil || c.Spec.NodeSets[0].Roles != nil {
		t.Errorf("nulls decoded as values: %+v", c.Spec)
	}
	if v, ok := c.Spec.NodeSets[0].Config["x"]; !ok || v != nil {
		t.Errorf("a null setting must stay visible to validation, got %v, %v", v, ok)
	}
}

func TestLoadTooLarge(t *testing.T) {
	big := header + "spec:\n  version: 8.19.20\n" + "# " + strings.Repeat("x", esspec.MaxSpecBytes) + "\n"
	_, err := esspec.Load(strings.NewReader(big))
	if err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Fatalf("got %v, want a size error", err)
	}
}

func TestLoadAliasBomb(t *testing.T) {
	var b bytes.Buffer
	b.WriteString(header + "spec:\n  nodeSets:\n  - name: a\n    config:\n      l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i < 9; i++ {
		fmt.Fprintf(&b, "      l%d: &l%d [*l%d, *l%d, *l%d, *l%d, *l%d, *l%d, *l%d, *l%d, *l%d, *l%d]\n", i, i, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1)
	}
	_, err := esspec.Parse(b.Bytes())
	if err == nil || !strings.Contains(err.Error(), "YAML nodes once aliases are expanded") {
		t.Fatalf("got %v, want the alias limit", err)
	}
}

func TestLoadAliasesWithinLimits(t *testing.T) {
	c, err := esspec.Parse([]byte(header + `spec:
  version: 8.19.20
  nodeSets:
  - name: a
    count: 1
    resources: &res {memory: 4Gi}
  - name: b
    count: 1
    resources: *res
`))
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Spec.NodeSets[1].Resources.Memory.String(); got != "4Gi" {
		t.Errorf("alias gave memory %s, want 4Gi", got)
	}
}

func TestLineOf(t *testing.T) {
	c, err := esspec.Parse([]byte(header + "spec:\n  version: 8.19.20\n  nodeSets:\n  - name: a\n    count: 1\n    config:\n      node.attr.x: y\n"))
	if err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]int{
		"spec.version":                         5,
		"spec.nodeSets[0].count":               8,
		"spec.nodeSets[0].config[node.attr.x]": 10,
		"spec.nodeSets[0].heap":                7, // not in the file: its nodeSet's line
		"spec.security.tls.secretName":         4, // not in the file: spec's line
		"metadata.name":                        3,
		"nowhere":                              0,
	} {
		if got := c.LineOf(path); got != want {
			t.Errorf("LineOf(%s) = %d, want %d", path, got, want)
		}
	}
}

// TestLoadEmbeddedFields: fields of embedded structs are the outer
// struct's, as for encoding/json (secretKeyRef.name comes from
// LocalObjectReference).
func TestLoadEmbeddedFields(t *testing.T) {
	c, err := esspec.Parse([]byte(header + `spec:
  nodeSets:
  - name: a
    env:
    - {name: S3_KEY, valueFrom: {secretKeyRef: {name: s3, key: access-key}}}
    - {name: MODE, valueFrom: {configMapKeyRef: {name: cfg, key: mode, optional: true}}}
`))
	if err != nil {
		t.Fatal(err)
	}
	env := c.Spec.NodeSets[0].Env
	if env[0].ValueFrom.SecretKeyRef.Name != "s3" || env[1].ValueFrom.ConfigMapKeyRef.Name != "cfg" {
		t.Errorf("env %+v", env)
	}
}

// TestLoadBooleans: YAML's True and TRUE are true, for fields and in config.
func TestLoadBooleans(t *testing.T) {
	c, err := esspec.Parse([]byte(header + "spec:\n  networkPolicy: True\n  nodeSets:\n  - name: a\n    config: {action.destructive_requires_name: TRUE}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if !c.Spec.NetworkPolicy || c.Spec.NodeSets[0].Config["action.destructive_requires_name"] != true {
		t.Errorf("networkPolicy %v, config %v", c.Spec.NetworkPolicy, c.Spec.NodeSets[0].Config)
	}
}
