package render_test

import (
	"fmt"
	"slices"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/esgen/esgen/esspec"
	"github.com/esgen/esgen/render"
)

// kibanaDeployment returns the one Kibana Deployment of a render.
func kibanaDeployment(t *testing.T, m manifest) *appsv1.Deployment {
	t.Helper()
	if len(m.deployments) != 1 {
		t.Fatalf("%d Deployments, want Kibana's", len(m.deployments))
	}
	return &m.deployments[0]
}

// TestKibanaFollowsMirror: Kibana comes from the mirror spec.image is on,
// unless spec.kibana.image names another image.
func TestKibanaFollowsMirror(t *testing.T) {
	for _, tc := range []struct{ kibanaImage, want string }{
		{"", "registry.internal/elastic/kibana:8.19.20"},
		{"kibana.internal/kibana:8.19.20-custom", "kibana.internal/kibana:8.19.20-custom"},
	} {
		_, m, _ := renderSpec(t, head+fmt.Sprintf(`spec:
  version: 8.19.20
  image: registry.internal/elastic/elasticsearch:8.19.20
  security: {enabled: false}
  kibana: {count: 1, image: %q}
  nodeSets:
  - {name: master, count: 3, roles: [master, data], resources: {memory: 4Gi}}
`, tc.kibanaImage))
		if got := kibanaDeployment(t, m).Spec.Template.Spec.Containers[0].Image; got != tc.want {
			t.Errorf("spec.kibana.image %q: Kibana runs %s, want %s", tc.kibanaImage, got, tc.want)
		}
	}
}

// TestKibanaBudget: more than one Kibana gets a budget of its own that
// lets a drain take one at a time and selects Kibana's pods only; a
// single Kibana gets none.
func TestKibanaBudget(t *testing.T) {
	for _, count := range []int32{1, 2, 3} {
		t.Run(fmt.Sprint(count), func(t *testing.T) {
			_, m, _ := renderSpec(t, head+fmt.Sprintf(`spec:
  version: 8.19.20
  security: {enabled: false}
  kibana: {count: %d}
  nodeSets:
  - {name: master, count: 3, roles: [master], resources: {memory: 2Gi}}
  - {name: data, count: 2, roles: [data], resources: {memory: 4Gi}}
  - {name: coord, count: 2, roles: [], resources: {memory: 2Gi}}
`, count))
			var names []string
			for _, pdb := range m.pdbs {
				names = append(names, pdb.Name)
			}
			want := []string{"logs-es-stateful", "logs-es-stateless"}
			if count > 1 {
				want = append(want, render.KibanaName("logs"))
			}
			if !slices.Equal(names, want) {
				t.Fatalf("PDBs %v, want %v", names, want)
			}
			kibanaPods := labels.Set(kibanaDeployment(t, m).Spec.Template.Labels)
			for _, pdb := range m.pdbs {
				sel := selectorOf(t, pdb.Spec.Selector)
				if got, want := sel.Matches(kibanaPods), pdb.Name == render.KibanaName("logs"); got != want {
					t.Errorf("%s selects Kibana's pods: %v, want %v", pdb.Name, got, want)
				}
				if pdb.Name != render.KibanaName("logs") {
					continue
				}
				if mu := pdb.Spec.MaxUnavailable; mu == nil || mu.IntValue() != 1 || pdb.Spec.MinAvailable != nil {
					t.Errorf("%s: maxUnavailable %v, minAvailable %v, want maxUnavailable 1", pdb.Name, mu, pdb.Spec.MinAvailable)
				}
				for _, sts := range m.statefulSets {
					if sel.Matches(labels.Set(sts.Spec.Template.Labels)) {
						t.Errorf("%s selects the pods of %s", pdb.Name, sts.Name)
					}
				}
				if pdb.Labels["app.kubernetes.io/name"] != "kibana" || pdb.Labels[esspec.LabelCluster] != "logs" {
					t.Errorf("%s labels %v", pdb.Name, pdb.Labels)
				}
			}
		})
	}
}
