package render

import (
	"fmt"
	"strconv"
	"strings"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/esgen/esgen/bootstrap"
	"github.com/esgen/esgen/esspec"
	"github.com/esgen/esgen/topology"
)

// The exporter's port, files and user.
const (
	exporterPort    = 9114
	portMetrics     = "metrics"
	exporterCertDir = "/etc/elasticsearch-exporter/certs"
	// exporterUID is nobody, the image's USER (prometheus-community
	// elasticsearch_exporter Dockerfile), given as a number so that the
	// kubelet can check runAsNonRoot.
	exporterUID = 65534
	// exporterTimeout bounds each request to Elasticsearch. The exporter
	// reads every node's stats (--es.all), which on a large cluster takes
	// longer than its default 5s; it stays below the scrape timeout.
	exporterTimeout = "20s"
)

// ExporterName names the exporter's Deployment and Service, and so the
// job label of its metrics, which the alerts select on.
func ExporterName(cluster string) string { return cluster + "-es-exporter" }

// MonitoringName names the ServiceMonitor and the PrometheusRule.
func MonitoringName(cluster string) string { return cluster + "-es" }

func exporterLabels(c *esspec.Resolved) map[string]string {
	l := objectLabels(c, "monitoring")
	l[labelName] = "elasticsearch-exporter"
	return l
}

func exporterSelector(c *esspec.Resolved) map[string]string {
	return map[string]string{esspec.LabelCluster: c.Metadata.Name, labelName: "elasticsearch-exporter"}
}

// monitoringLabels are the ServiceMonitor's and PrometheusRule's labels:
// the exporter's and spec.monitoring.labels, which a Prometheus selects on.
func monitoringLabels(c *esspec.Resolved) map[string]string {
	l := exporterLabels(c)
	for k, v := range c.Spec.Monitoring.Labels {
		l[k] = v
	}
	return l
}

// monitoring returns the exporter's Deployment and Service, the
// ServiceMonitor and the PrometheusRule; nothing when monitoring is off.
func monitoring(c *esspec.Resolved, groups []topology.Group) []Object {
	if !c.Spec.Monitoring.Enabled {
		return nil
	}
	name := ExporterName(c.Metadata.Name)
	deployment := &appsv1.Deployment{
		TypeMeta:   metav1.TypeMeta{APIVersion: "apps/v1", Kind: "Deployment"},
		ObjectMeta: objectMeta(c, name, exporterLabels(c), nil),
		Spec: appsv1.DeploymentSpec{
			Replicas: new(int32(1)),
			Selector: &metav1.LabelSelector{MatchLabels: exporterSelector(c)},
			Template: corev1.PodTemplateSpec{
				ObjectMeta: metav1.ObjectMeta{Labels: exporterLabels(c)},
				Spec:       exporterPod(c),
			},
		},
	}
	service := &corev1.Service{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Service"},
		ObjectMeta: objectMeta(c, name, exporterLabels(c), nil),
		Spec: corev1.ServiceSpec{
			Selector: exporterSelector(c),
			Ports:    []corev1.ServicePort{{Name: portMetrics, Port: exporterPort, TargetPort: intstr.FromString(portMetrics)}},
		},
	}
	return []Object{deployment, service, serviceMonitor(c), prometheusRule(c, groups)}
}

// exporterPod runs the exporter as nobody, with nothing it does not
// need: no service account token, no capabilities, a read-only root.
func exporterPod(c *esspec.Resolved) corev1.PodSpec {
	m := c.Spec.Monitoring
	args := []string{
		"--es.uri=" + ElasticsearchURL(c),
		// Every node's stats, not only the one the Service picks: the
		// heap, disk and per-role alerts need them all.
		"--es.all",
		"--es.timeout=" + exporterTimeout,
		fmt.Sprintf("--web.listen-address=:%d", exporterPort),
	}
	var env []corev1.EnvVar
	if c.Spec.Security.On() {
		env = []corev1.EnvVar{
			secretEnv("ES_USERNAME", m.CredentialsSecret, "username"),
			secretEnv("ES_PASSWORD", m.CredentialsSecret, "password"),
		}
	}
	pod := corev1.PodSpec{
		AutomountServiceAccountToken: new(false),
		EnableServiceLinks:           new(false),
		ImagePullSecrets:             pullSecrets(c.Spec.ImagePullSecrets),
		SecurityContext: &corev1.PodSecurityContext{
			RunAsUser:      new(int64(exporterUID)),
			RunAsGroup:     new(int64(exporterUID)),
			RunAsNonRoot:   new(true),
			SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
		},
		Containers: []corev1.Container{{
			Name:            "exporter",
			Image:           m.Image,
			ImagePullPolicy: c.Spec.ImagePullPolicy,
			Args:            args,
			Env:             env,
			Ports:           []corev1.ContainerPort{{Name: portMetrics, ContainerPort: exporterPort}},
			// /healthz answers while the exporter serves, whatever
			// Elasticsearch's state: a red cluster must not restart or
			// unroute the exporter that reports it.
			LivenessProbe: &corev1.Probe{
				ProbeHandler:     corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/healthz", Port: intstr.FromString(portMetrics)}},
				PeriodSeconds:    10,
				TimeoutSeconds:   5,
				FailureThreshold: 3,
			},
			ReadinessProbe: &corev1.Probe{
				ProbeHandler:     corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/healthz", Port: intstr.FromString(portMetrics)}},
				PeriodSeconds:    10,
				TimeoutSeconds:   5,
				FailureThreshold: 3,
			},
			Resources: corev1.ResourceRequirements{
				Requests: m.Resources.ContainerRequests(),
				Limits:   m.Resources.ContainerLimits(),
			},
			SecurityContext: &corev1.SecurityContext{
				AllowPrivilegeEscalation: new(false),
				Capabilities:             &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
				ReadOnlyRootFilesystem:   new(true),
				RunAsNonRoot:             new(true),
			},
		}},
	}
	// The exporter runs without an fsGroup: the CA is readable by all.
	if mountHTTPCA(c, &pod, exporterCertDir, 0o444) {
		pod.Containers[0].Args = append(pod.Containers[0].Args, "--es.ca="+exporterCertDir+"/"+bootstrap.TLSCAFile)
	}
	return pod
}

// serviceMonitor has the Prometheus Operator scrape the exporter's
// Service in its own namespace. Its scrape timeout leaves the exporter's
// request timeout room to answer.
func serviceMonitor(c *esspec.Resolved) *monitoringv1.ServiceMonitor {
	m := c.Spec.Monitoring
	return &monitoringv1.ServiceMonitor{
		TypeMeta:   metav1.TypeMeta{APIVersion: "monitoring.coreos.com/v1", Kind: "ServiceMonitor"},
		ObjectMeta: objectMeta(c, MonitoringName(c.Metadata.Name), monitoringLabels(c), nil),
		Spec: monitoringv1.ServiceMonitorSpec{
			Selector: metav1.LabelSelector{MatchLabels: exporterSelector(c)},
			Endpoints: []monitoringv1.Endpoint{{
				Port:          portMetrics,
				Path:          "/metrics",
				Interval:      monitoringv1.Duration(m.Interval),
				ScrapeTimeout: monitoringv1.Duration(scrapeTimeout(m.Interval)),
			}},
		},
	}
}

// scrapeTimeout is 25s, or the interval when that is shorter (Prometheus
// refuses a timeout longer than the interval).
func scrapeTimeout(interval string) string {
	if promSeconds(interval) < 25 {
		return interval
	}
	return "25s"
}

// promSeconds returns a valid Prometheus duration in seconds, rounded down.
func promSeconds(d string) int64 {
	units := []struct {
		suffix  string
		seconds int64
	}{{"ms", 0}, {"y", 365 * 86400}, {"w", 7 * 86400}, {"d", 86400}, {"h", 3600}, {"m", 60}, {"s", 1}}
	var total int64
	for d != "" {
		i := strings.IndexFunc(d, func(r rune) bool { return r < '0' || r > '9' })
		if i <= 0 {
			return total
		}
		n, _ := strconv.ParseInt(d[:i], 10, 64)
		d = d[i:]
		for _, u := range units {
			if rest, ok := strings.CutPrefix(d, u.suffix); ok {
				total += n * u.seconds
				d = rest
				break
			}
		}
	}
	return total
}
