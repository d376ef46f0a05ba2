package render_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/esgen/esgen/render"
)

// monitored is a spec with monitoring on; %s is its security block and
// %s more monitoring fields.
const monitored = head + `spec:
  version: 8.19.20
  podSecurity: restricted
  system: {sysctlInitContainer: false}
  %s
  monitoring:
    enabled: true
    %s
  nodeSets:
  - {name: master, count: 3, roles: [master], resources: {memory: 2Gi}, storage: {size: 10Gi}}
  - {name: hot, count: 4, roles: [data_hot, data_content], resources: {memory: 8Gi}, storage: {size: 100Gi}}
  - {name: warm, count: 2, roles: [data_warm], resources: {memory: 8Gi}, storage: {size: 1Ti}}
  - {name: ingest, count: 2, roles: [ingest], resources: {memory: 2Gi}}
`

// alertsOf returns the rules of the manifest's one PrometheusRule by
// alert name, and its role label for ElasticsearchNodesMissing.
func alertsOf(t *testing.T, m manifest) map[string]monitoringv1.Rule {
	t.Helper()
	if len(m.prometheusRules) != 1 || len(m.prometheusRules[0].Spec.Groups) != 1 {
		t.Fatalf("want one PrometheusRule with one group, got %+v", m.prometheusRules)
	}
	rules := map[string]monitoringv1.Rule{}
	for _, r := range m.prometheusRules[0].Spec.Groups[0].Rules {
		key := r.Alert
		if role := r.Labels["role"]; role != "" {
			key += "/" + role
		}
		if _, dup := rules[key]; dup {
			t.Errorf("alert %s twice", key)
		}
		rules[key] = r
	}
	return rules
}

// TestMonitoringAlertsKnowTheLayout: each alert compares with what the
// spec renders: nodes per role, the thresholds, the cluster's job.
func TestMonitoringAlertsKnowTheLayout(t *testing.T) {
	_, m, _ := renderSpec(t, fmt.Sprintf(monitored, "security: {enabled: true, elasticPasswordSecret: pw, tls: {secretName: certs}}",
		"credentialsSecret: mon\n    alerts: {heapPercent: 85, yellowFor: 1h}"))
	rules := alertsOf(t, m)
	sel := `{job="logs-es-exporter"`
	for key, want := range map[string]string{
		"ElasticsearchNodesMissing/all":          `max by (namespace) (elasticsearch_cluster_health_number_of_nodes` + sel + `}) < 11`,
		"ElasticsearchNodesMissing/data":         `max by (namespace) (elasticsearch_cluster_health_number_of_data_nodes` + sel + `}) < 6`,
		"ElasticsearchNodesMissing/master":       `role="master"} == 1) or on (namespace) (0 * count by (namespace) (elasticsearch_nodes_roles` + sel + `}))) < 3`,
		"ElasticsearchNodesMissing/data_hot":     `role="data_hot"} == 1) or on (namespace) (0 * count by (namespace) (elasticsearch_nodes_roles` + sel + `}))) < 4`,
		"ElasticsearchNodesMissing/data_content": `role="data_content"} == 1) or on (namespace) (0 * count by (namespace) (elasticsearch_nodes_roles` + sel + `}))) < 4`,
		"ElasticsearchNodesMissing/data_warm":    `role="data_warm"} == 1) or on (namespace) (0 * count by (namespace) (elasticsearch_nodes_roles` + sel + `}))) < 2`,
		"ElasticsearchHeapHigh":                  `> 85`,
		"ElasticsearchDiskHigh":                  `elasticsearch_filesystem_data_size_bytes` + sel + `})) > 90`,
		"ElasticsearchClusterRed":                `color="red"}) == 1`,
	} {
		r, ok := rules[key]
		if !ok {
			t.Errorf("no alert %s", key)
			continue
		}
		if !strings.HasSuffix(r.Expr.StrVal, want) {
			t.Errorf("%s: expr %q, want it to end in %q", key, r.Expr.StrVal, want)
		}
		if !strings.Contains(r.Annotations["description"], "Elasticsearch cluster logs") && !strings.Contains(r.Annotations["description"], "of Elasticsearch cluster logs") {
			t.Errorf("%s: the description does not name the cluster: %q", key, r.Annotations["description"])
		}
	}
	if got := ptrString(rules["ElasticsearchClusterYellow"].For); got != "1h" {
		t.Errorf("yellow fires after %s, want the spec's 1h", got)
	}
	if got := ptrString(rules["ElasticsearchClusterRed"].For); got != "1m" {
		t.Errorf("red fires after %s, want 1m", got)
	}
	// The ingest nodes hold no data and have no role the exporter
	// counts on its own: the cluster-wide count covers them.
	if _, ok := rules["ElasticsearchNodesMissing/ingest"]; ok {
		t.Error("an ingest count the exporter does not report")
	}
	for key, r := range rules {
		if r.Labels["severity"] != "critical" && r.Labels["severity"] != "warning" {
			t.Errorf("%s: severity %q", key, r.Labels["severity"])
		}
	}
}

// TestMonitoringOneAlertPerMissingNode: where every node has a role, the
// cluster-wide count says it; a per-role rule would page twice for one
// missing node.
func TestMonitoringOneAlertPerMissingNode(t *testing.T) {
	_, m, _ := renderSpec(t, head+`spec:
  version: 8.19.20
  security: {enabled: false}
  monitoring: {enabled: true}
  nodeSets:
  - {name: default, count: 3, roles: [master, data_hot, data_content], resources: {memory: 4Gi}, storage: {size: 10Gi}}
`)
	var roles []string
	for _, r := range m.prometheusRules[0].Spec.Groups[0].Rules {
		if r.Alert == "ElasticsearchNodesMissing" {
			roles = append(roles, r.Labels["role"])
		}
	}
	if !slices.Equal(roles, []string{"all"}) {
		t.Errorf("ElasticsearchNodesMissing for roles %v, want [all]", roles)
	}
}

func ptrString(d *monitoringv1.Duration) string {
	if d == nil {
		return ""
	}
	return string(*d)
}

// TestMonitoringDiskWatermark: the disk alert fires where Elasticsearch
// starts moving shards away, in the form the masters are configured with.
func TestMonitoringDiskWatermark(t *testing.T) {
	for _, tc := range []struct{ config, alerts, want string }{
		{"", "", `})) > 90`},
		{"85%", "", `})) > 85`},
		{"0.875", "", `})) > 87.5`},
		{"50gb", "", `}) < 53687091200`},
		{"85%", "alerts: {diskWatermark: 95%}", `})) > 95`},
	} {
		t.Run(tc.config+tc.alerts, func(t *testing.T) {
			spec := fmt.Sprintf(monitored, "security: {enabled: false}", tc.alerts)
			if tc.config != "" {
				spec = strings.Replace(spec, "roles: [master],", fmt.Sprintf("roles: [master], config: {cluster.routing.allocation.disk.watermark.high: %q},", tc.config), 1)
			}
			_, m, _ := renderSpec(t, spec)
			expr := alertsOf(t, m)["ElasticsearchDiskHigh"].Expr.StrVal
			if !strings.HasSuffix(expr, tc.want) {
				t.Errorf("expr %q, want it to end in %q", expr, tc.want)
			}
		})
	}
}

// TestMonitoringExporter: the exporter reads the client Service with the
// cluster's CA and the credentials Secret, runs under Pod Security
// restricted, and the Service, ServiceMonitor and alerts find it.
func TestMonitoringExporter(t *testing.T) {
	c, m, _ := renderSpec(t, fmt.Sprintf(strings.Replace(monitored, "{name: logs}", "{name: logs, namespace: search}", 1),
		"security: {enabled: true, elasticPasswordSecret: pw, tls: {issuerRef: {name: ca, kind: ClusterIssuer}}}", "credentialsSecret: mon"))
	var exporter *corev1.PodTemplateSpec
	for i := range m.deployments {
		if m.deployments[i].Name == render.ExporterName("logs") {
			exporter = &m.deployments[i].Spec.Template
		}
	}
	if exporter == nil {
		t.Fatal("no exporter Deployment")
	}
	if reason := podSecurityViolation(t, c, exporter); reason != "" {
		t.Errorf("the exporter breaks Pod Security %q: %s", c.Spec.PodSecurity, reason)
	}
	ctr := exporter.Spec.Containers[0]
	for _, want := range []string{"--es.uri=https://logs-es-http.search.svc:9200", "--es.all", "--es.ca=/etc/elasticsearch-exporter/certs/ca.crt"} {
		if !slices.Contains(ctr.Args, want) {
			t.Errorf("args %v lack %s", ctr.Args, want)
		}
	}
	for i, key := range []string{"username", "password"} {
		ref := ctr.Env[i].ValueFrom.SecretKeyRef
		if ref == nil || ref.Name != "mon" || ref.Key != key {
			t.Errorf("env %s: %+v, want key %s of Secret mon", ctr.Env[i].Name, ctr.Env[i].ValueFrom, key)
		}
	}
	if v := exporter.Spec.Volumes; len(v) != 1 || v[0].Secret.SecretName != "logs-es-http-certs" || len(v[0].Secret.Items) != 1 || v[0].Secret.Items[0].Key != "ca.crt" {
		t.Errorf("volumes %+v: want the CA of the HTTP certificate only", v)
	}
	// The HTTP certificate names the host the exporter connects to.
	for _, cert := range m.certificates {
		if cert.Name == "logs-es-http" && !slices.Contains(cert.Spec.DNSNames, "logs-es-http.search.svc") {
			t.Errorf("the HTTP certificate names %v, not the exporter's host logs-es-http.search.svc", cert.Spec.DNSNames)
		}
	}
	if len(m.certificates) == 0 {
		t.Error("no certificates to check the exporter's host against")
	}
	var service *corev1.Service
	for i := range m.services {
		if m.services[i].Name == render.ExporterName("logs") {
			service = &m.services[i]
		}
	}
	if service == nil || !labels.SelectorFromSet(service.Spec.Selector).Matches(labels.Set(exporter.Labels)) {
		t.Fatalf("the exporter Service %+v does not select the exporter's pod", service)
	}
	sm := m.serviceMonitors[0]
	if !selectorOf(t, &sm.Spec.Selector).Matches(labels.Set(service.Labels)) || sm.Spec.Endpoints[0].Port != service.Spec.Ports[0].Name {
		t.Errorf("the ServiceMonitor %+v does not scrape the exporter's Service", sm.Spec)
	}
	// Prometheus names the job after the Service: the alerts select it.
	if expr := alertsOf(t, m)["ElasticsearchClusterRed"].Expr.StrVal; !strings.Contains(expr, `job="`+service.Name+`"`) {
		t.Errorf("the alerts select another job than %s: %s", service.Name, expr)
	}
	// No Elasticsearch selector picks the exporter's pod, so no budget
	// or Service of the cluster counts it.
	for _, pdb := range m.pdbs {
		if selectorOf(t, pdb.Spec.Selector).Matches(labels.Set(exporter.Labels)) {
			t.Errorf("budget %s selects the exporter", pdb.Name)
		}
	}
}

// TestMonitoringNetworkPolicy: with the NetworkPolicy on, the exporter's
// pod may still reach the nodes' HTTP port.
func TestMonitoringNetworkPolicy(t *testing.T) {
	m := decodeManifest(t, renderYAML(t, loadSpec(t, "../examples/monitoring-7x.yaml")))
	if len(m.networkPolicies) != 1 {
		t.Fatal("the example has no NetworkPolicy")
	}
	var exporter map[string]string
	for _, d := range m.deployments {
		if d.Name == render.ExporterName("metrics") {
			exporter = d.Spec.Template.Labels
		}
	}
	np := m.networkPolicies[0]
	admitted := false
	for _, rule := range np.Spec.Ingress {
		for _, port := range rule.Ports {
			if port.Port.IntValue() != 9200 {
				continue
			}
			for _, peer := range rule.From {
				if peer.NamespaceSelector == nil && peer.PodSelector != nil && selectorOf(t, peer.PodSelector).Matches(labels.Set(exporter)) {
					admitted = true
				}
			}
		}
	}
	if !admitted {
		t.Errorf("NetworkPolicy %s does not admit the exporter (labels %v) to port 9200: %+v", np.Name, exporter, np.Spec.Ingress)
	}
}

// TestMonitoringOff: without spec.monitoring nothing of it is rendered.
func TestMonitoringOff(t *testing.T) {
	_, m, out := renderSpec(t, fmt.Sprintf(strings.Replace(monitored, "enabled: true", "enabled: false", 1), "security: {enabled: false}", ""))
	if len(m.serviceMonitors)+len(m.prometheusRules) > 0 || strings.Contains(out, "exporter") {
		t.Error("monitoring off renders monitoring objects")
	}
}
