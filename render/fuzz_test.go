package render_test

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/esgen/esgen/esspec"
	"github.com/esgen/esgen/render"
)

// FuzzPipeline: no input panics any stage, and every spec that validates
// renders objects that decode strictly and round-trip.
func FuzzPipeline(f *testing.F) {
	for _, p := range examplePaths(f) {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("apiVersion: esgen.dev/v1alpha1\nkind: ElasticsearchCluster\nmetadata: {name: a}\nspec: {version: 7.10.2, profile: development, nodeSets: [{name: b, count: 2, roles: [master, data], storage: {hostPath: /data}}]}\n"))
	f.Add([]byte("apiVersion: esgen.dev/v1alpha1\nkind: ElasticsearchCluster\nmetadata: {name: a}\nspec: {version: 7.8.1, security: {enabled: false}, nodeSets: [{name: b, count: 1, roles: [master], resources: {memory: 1Gi}}, {name: c, count: 2, roles: [], resources: {memory: 1Gi}}]}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := esspec.Parse(data)
		if err != nil {
			return
		}
		esspec.SetDefaults(c)
		errs, _ := esspec.Validate(c)
		objs, err := render.Render(c)
		if len(errs) > 0 {
			if err == nil {
				t.Fatal("an invalid spec rendered")
			}
			return
		}
		// A patch is checked by applying it: validation cannot know
		// whether its path exists in the render.
		if err != nil && !onlyPatchErrors(err) {
			t.Fatalf("a valid spec failed to render: %v", err)
		}
		if err != nil {
			return
		}
		out, err := objs.YAML()
		if err != nil {
			t.Fatal(err)
		}
		m := decodeManifest(t, out)
		for _, sts := range m.statefulSets {
			if reason := podSecurityViolation(t, c, &sts.Spec.Template); reason != "" {
				t.Fatalf("%s breaks Pod Security %q: %s", sts.Name, c.Spec.PodSecurity, reason)
			}
		}
	})
}

// onlyPatchErrors reports whether err is an *esspec.InvalidError about
// spec.patches alone.
func onlyPatchErrors(err error) bool {
	var invalid *esspec.InvalidError
	if !errors.As(err, &invalid) || len(invalid.Errors) == 0 {
		return false
	}
	for _, e := range invalid.Errors {
		if !strings.HasPrefix(e.Field, "spec.patches[") {
			return false
		}
	}
	return true
}
