package render_test

import (
	"os"
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
		if err != nil {
			t.Fatalf("a valid spec failed to render: %v", err)
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
