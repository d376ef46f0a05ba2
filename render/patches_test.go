package render_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/esgen/esgen/esspec"
	"github.com/esgen/esgen/render"
)

const patchBase = head + `spec:
  version: 8.19.20
  security: {enabled: false}
  nodeSets:
  - {name: master, count: 3, roles: [master], resources: {memory: 2Gi}, storage: {size: 10Gi}}
`

func patchSpec(t *testing.T, patches string) *esspec.Cluster {
	t.Helper()
	c, err := esspec.Parse([]byte(patchBase + "  patches:\n" + patches))
	if err != nil {
		t.Fatal(err)
	}
	esspec.SetDefaults(c)
	return c
}

func TestPatchesApply(t *testing.T) {
	c := patchSpec(t, `  - target: {kind: StatefulSet, name: logs-es-master}
    patch: |-
      - op: add
        path: /spec/template/spec/containers/0/env/-
        value: {name: TZ, value: UTC}
  - patch: |-
      apiVersion: v1
      kind: Service
      metadata: {name: logs-es-http}
      spec: {type: LoadBalancer}
`)
	plain := renderYAML(t, func() *esspec.Cluster { d := *c; d.Spec.Patches = nil; return &d }())
	out := renderYAML(t, c)
	m := decodeManifest(t, out)
	if env := m.statefulSets[0].Spec.Template.Spec.Containers[0].Env; env[len(env)-1].Name != "TZ" {
		t.Errorf("JSON 6902 patch not applied: env %v", env)
	}
	if svc := service(t, m, "logs-es-http"); svc.Spec.Type != "LoadBalancer" {
		t.Errorf("strategic-merge patch not applied: type %s", svc.Spec.Type)
	}
	// Same objects in the same order; only the patched fields differ.
	if got, want := kindNames(out), kindNames(plain); got != want {
		t.Errorf("objects after patching:\n%s\nwant\n%s", got, want)
	}
}

func kindNames(stream []byte) string {
	var b strings.Builder
	for _, line := range strings.Split(string(stream), "\n") {
		if strings.HasPrefix(line, "kind: ") || strings.HasPrefix(line, "  name: ") {
			b.WriteString(line + "\n")
		}
	}
	return b.String()
}

func TestPatchErrors(t *testing.T) {
	for _, tc := range []struct {
		name, patches, field, detail string
	}{
		{"targets nothing", `  - target: {kind: StatefulSet, name: logs-es-data}
    patch: |-
      - {op: add, path: /metadata/labels/x, value: "y"}
`, "spec.patches[0]", "it changed no object"},
		{"malformed", `  - target: {kind: StatefulSet}
    patch: |-
      - {op: bogus, path: /x}
`, "spec.patches[0]", "it does not apply"},
		{"wrong type for the object", `  - target: {kind: StatefulSet}
    patch: |-
      - {op: add, path: /metadata/labels/x, value: true}
`, "spec.patches[0]", "cannot unmarshal bool"},
		// kustomize would follow the new name into the StatefulSet's
		// volumes; esgen refuses a rename instead.
		{"renames", `  - target: {kind: ConfigMap}
    patch: |-
      - {op: replace, path: /metadata/name, value: other}
`, "spec.patches[0]", "rename through the spec"},
		{"second of two", `  - target: {kind: StatefulSet}
    patch: |-
      - {op: add, path: /metadata/labels/x, value: "y"}
  - patch: |-
      apiVersion: v1
      kind: ConfigMap
      metadata: {name: nothing-here}
      data: {a: b}
`, "spec.patches[1]", "it does not apply"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := render.Render(patchSpec(t, tc.patches))
			var invalid *esspec.InvalidError
			if !errors.As(err, &invalid) || invalid.Errors[0].Field != tc.field || !strings.Contains(invalid.Errors[0].Detail, tc.detail) {
				t.Fatalf("got %v, want %s: %s", err, tc.field, tc.detail)
			}
		})
	}
}

// TestPatchedObjectsDeepCopy: patched objects hold the number types the
// apimachinery helpers expect, so DeepCopy works on every one.
func TestPatchedObjectsDeepCopy(t *testing.T) {
	objs, err := render.Render(patchSpec(t, `  - target: {kind: ConfigMap}
    patch: |-
      - {op: add, path: /metadata/annotations, value: {a: b}}
`))
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range objs {
		o.DeepCopyObject()
	}
}
