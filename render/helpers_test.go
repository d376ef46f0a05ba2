package render_test

import (
	"bytes"
	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	"os"
	"path/filepath"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/yaml"

	"github.com/esgen/esgen/esspec"
	"github.com/esgen/esgen/render"
)

// examplePaths returns every example spec, sorted.
func examplePaths(t testing.TB) []string {
	t.Helper()
	paths, err := filepath.Glob("../examples/*.yaml")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no examples found: %v", err)
	}
	return paths
}

func exampleName(path string) string {
	return strings.TrimSuffix(filepath.Base(path), ".yaml")
}

// loadSpec reads and defaults a spec file, failing on any problem.
func loadSpec(t testing.TB, path string) *esspec.Cluster {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	c, err := esspec.Load(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	esspec.SetDefaults(c)
	return c
}

// renderYAML runs the whole pipeline on a defaulted spec.
func renderYAML(t testing.TB, c *esspec.Cluster) []byte {
	t.Helper()
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

// splitDocs splits a YAML stream at its "---" separators.
func splitDocs(stream []byte) [][]byte {
	var docs [][]byte
	for _, d := range bytes.Split(stream, []byte("---\n")) {
		if len(bytes.TrimSpace(d)) > 0 {
			docs = append(docs, d)
		}
	}
	return docs
}

// manifest is a rendered stream decoded strictly into typed objects.
type manifest struct {
	order           []string // kind/name in output order
	configMaps      []corev1.ConfigMap
	services        []corev1.Service
	pdbs            []policyv1.PodDisruptionBudget
	statefulSets    []appsv1.StatefulSet
	deployments     []appsv1.Deployment
	networkPolicies []networkingv1.NetworkPolicy
	certificates    []render.Certificate
	serviceMonitors []monitoringv1.ServiceMonitor
	prometheusRules []monitoringv1.PrometheusRule
}

// decodeManifest decodes every document strictly: an unknown or duplicate
// field, or a kind esgen does not render, fails the test. Each document
// must also re-encode to its own bytes.
func decodeManifest(t testing.TB, stream []byte) manifest {
	t.Helper()
	return decodeDocs(t, stream, true)
}

// decodeStrict is decodeManifest without the re-encoding of each document
// (which the example tests check), to keep 500 generated specs quick
// under the race detector.
func decodeStrict(t testing.TB, stream []byte) manifest {
	t.Helper()
	return decodeDocs(t, stream, false)
}

// decodeDocs decodes every document strictly into the typed object of its
// kind and, with roundTrip, checks that it re-encodes to the same bytes.
func decodeDocs(t testing.TB, stream []byte, roundTrip bool) manifest {
	t.Helper()
	var m manifest
	for i, doc := range splitDocs(stream) {
		var tm metav1.TypeMeta
		if err := yaml.Unmarshal(doc, &tm); err != nil {
			t.Fatalf("document %d: %v", i, err)
		}
		var obj any
		switch tm.APIVersion + "/" + tm.Kind {
		case "v1/ConfigMap":
			obj = &corev1.ConfigMap{}
		case "v1/Service":
			obj = &corev1.Service{}
		case "policy/v1/PodDisruptionBudget":
			obj = &policyv1.PodDisruptionBudget{}
		case "apps/v1/StatefulSet":
			obj = &appsv1.StatefulSet{}
		case "apps/v1/Deployment":
			obj = &appsv1.Deployment{}
		case "networking.k8s.io/v1/NetworkPolicy":
			obj = &networkingv1.NetworkPolicy{}
		case "cert-manager.io/v1/Certificate":
			obj = &render.Certificate{}
		case "monitoring.coreos.com/v1/ServiceMonitor":
			obj = &monitoringv1.ServiceMonitor{}
		case "monitoring.coreos.com/v1/PrometheusRule":
			obj = &monitoringv1.PrometheusRule{}
		default:
			t.Fatalf("document %d: unexpected kind %s %s", i, tm.APIVersion, tm.Kind)
		}
		if err := yaml.UnmarshalStrict(doc, obj); err != nil {
			t.Fatalf("document %d (%s): strict decode: %v", i, tm.Kind, err)
		}
		// Re-encoding the typed object must give the same bytes: the
		// cleanup of the YAML lost nothing the object holds.
		if roundTrip {
			again, err := render.MarshalObject(obj.(render.Object))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(again, doc) {
				t.Errorf("document %d (%s) does not round-trip:\n%s\n---- re-encoded ----\n%s", i, tm.Kind, doc, again)
			}
		}
		switch o := obj.(type) {
		case *corev1.ConfigMap:
			m.configMaps = append(m.configMaps, *o)
			m.order = append(m.order, "ConfigMap/"+o.Name)
		case *corev1.Service:
			m.services = append(m.services, *o)
			m.order = append(m.order, "Service/"+o.Name)
		case *policyv1.PodDisruptionBudget:
			m.pdbs = append(m.pdbs, *o)
			m.order = append(m.order, "PodDisruptionBudget/"+o.Name)
		case *appsv1.StatefulSet:
			m.statefulSets = append(m.statefulSets, *o)
			m.order = append(m.order, "StatefulSet/"+o.Name)
		case *monitoringv1.ServiceMonitor:
			m.serviceMonitors = append(m.serviceMonitors, *o)
			m.order = append(m.order, "ServiceMonitor/"+o.Name)
		case *monitoringv1.PrometheusRule:
			m.prometheusRules = append(m.prometheusRules, *o)
			m.order = append(m.order, "PrometheusRule/"+o.Name)
		case *appsv1.Deployment:
			m.deployments = append(m.deployments, *o)
			m.order = append(m.order, "Deployment/"+o.Name)
		case *networkingv1.NetworkPolicy:
			m.networkPolicies = append(m.networkPolicies, *o)
			m.order = append(m.order, "NetworkPolicy/"+o.Name)
		case *render.Certificate:
			m.certificates = append(m.certificates, *o)
			m.order = append(m.order, "Certificate/"+o.Name)
		}
	}
	return m
}
