package render_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
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
  - {name: master, count: 3, roles: [master, data], resources: {memory: 4Gi}, storage: {size: 10Gi}}
`, tc.kibanaImage))
		if got := kibanaDeployment(t, m).Spec.Template.Spec.Containers[0].Image; got != tc.want {
			t.Errorf("spec.kibana.image %q: Kibana runs %s, want %s", tc.kibanaImage, got, tc.want)
		}
	}
}

// TestKibana4 renders Kibana for 2.x as Docker Hub's Kibana 4.x image
// runs: the release of the cluster's minor, ELASTICSEARCH_URL, port 5601,
// started as root with the capabilities its entrypoint needs to write
// kibana.yml and step down to the kibana user, within baseline Pod
// Security.
func TestKibana4(t *testing.T) {
	for _, tc := range []struct{ version, image string }{
		{"2.3.5", "kibana:4.5.4"},
		{"2.4.6", "kibana:4.6.6"},
	} {
		t.Run(tc.version, func(t *testing.T) {
			c, m, _ := renderSpec(t, `apiVersion: esgen.dev/v1alpha1
kind: ElasticsearchCluster
metadata: {name: logs, namespace: search}
spec:
  version: `+tc.version+`
  podSecurity: baseline
  kibana: {count: 1}
  nodeSets:
  - {name: master, count: 3, roles: [master, data], resources: {memory: 4Gi}, storage: {size: 10Gi}}
`)
			d := kibanaDeployment(t, m)
			pod := d.Spec.Template.Spec
			kb := pod.Containers[0]
			if kb.Image != tc.image {
				t.Errorf("image %s, want %s", kb.Image, tc.image)
			}
			if diff := cmp.Diff([]corev1.EnvVar{{Name: "ELASTICSEARCH_URL", Value: "http://logs-es-http.search.svc:9200"}}, kb.Env); diff != "" {
				t.Errorf("env (-want +got):\n%s", diff)
			}
			if len(kb.Ports) != 1 || kb.Ports[0].ContainerPort != 5601 || kb.ReadinessProbe.HTTPGet.Path != "/api/status" {
				t.Errorf("ports %v, readiness probe %+v", kb.Ports, kb.ReadinessProbe)
			}
			if sc := pod.SecurityContext; sc.RunAsUser != nil || sc.RunAsNonRoot != nil || sc.FSGroup != nil {
				t.Errorf("pod security context %+v: the image starts as root, its user has no fixed uid", sc)
			}
			want := &corev1.SecurityContext{
				AllowPrivilegeEscalation: new(false),
				RunAsNonRoot:             new(false),
				Capabilities: &corev1.Capabilities{
					Drop: []corev1.Capability{"ALL"},
					Add:  []corev1.Capability{"DAC_OVERRIDE", "SETGID", "SETUID"},
				},
			}
			if diff := cmp.Diff(want, kb.SecurityContext); diff != "" {
				t.Errorf("container security context (-want +got):\n%s", diff)
			}
			if reason := podSecurityViolation(t, c, &d.Spec.Template); reason != "" {
				t.Errorf("Kibana 4.x breaks Pod Security baseline: %s", reason)
			}
		})
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
  - {name: master, count: 3, roles: [master], resources: {memory: 2Gi}, storage: {size: 10Gi}}
  - {name: data, count: 2, roles: [data], resources: {memory: 4Gi}, storage: {size: 10Gi}}
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
