package render

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/esgen/esgen/bootstrap"
	"github.com/esgen/esgen/esspec"
	"github.com/esgen/esgen/topology"
)

// ContainerName is the name of the Elasticsearch container.
const ContainerName = "elasticsearch"

// preStopDelay keeps a stopping pod serving while the endpoints controller
// and kube-proxy take it out of the Services, so clients see no refusals.
const preStopDelay = 20

func elasticsearchContainer(c *esspec.Cluster, g *topology.Group, mounts []corev1.VolumeMount) corev1.Container {
	ns := g.NodeSet
	v, _ := esspec.ParseVersion(c.Spec.Version)
	return corev1.Container{
		Name:            ContainerName,
		Image:           c.Spec.Image,
		ImagePullPolicy: c.Spec.ImagePullPolicy,
		Env:             bootstrap.Env(c, ns),
		Ports: []corev1.ContainerPort{
			{Name: httpPortName(c), ContainerPort: bootstrap.HTTPPort},
			{Name: portTransport, ContainerPort: bootstrap.TransportPort},
		},
		ReadinessProbe: readinessProbe(c, v),
		Lifecycle: &corev1.Lifecycle{PreStop: &corev1.LifecycleHandler{
			Exec: &corev1.ExecAction{Command: []string{"sh", "-c", fmt.Sprintf("sleep %d", preStopDelay)}},
		}},
		Resources: corev1.ResourceRequirements{
			Requests: ns.Resources.ContainerRequests(),
			Limits:   ns.Resources.ContainerLimits(),
		},
		SecurityContext: bootstrap.SecurityContext(v, bootstrap.Capabilities(c)),
		VolumeMounts:    mounts,
	}
}

// readinessProbe says the local node answers; it never asks for cluster
// health, so a yellow or red cluster keeps its pods in the Services, and
// there is no liveness probe that could kill a node busy recovering.
// From 8.6 the node opens a TCP port once it has joined a cluster. Before,
// the kubelet asks the node's HTTP root; with security on, a script does,
// without credentials: 401 from a secured node is an answer too, and no
// password rotation can then turn every pod unready. Before 7.0 the root
// answers 503 while there is no elected master: such a node is not ready,
// with or without security (discovery publishes unready pods, so masters
// still find each other).
func readinessProbe(c *esspec.Cluster, v esspec.Version) *corev1.Probe {
	probe := &corev1.Probe{
		InitialDelaySeconds: 10,
		PeriodSeconds:       5,
		TimeoutSeconds:      5,
		FailureThreshold:    3,
	}
	if bootstrap.TCPReadiness(v) {
		probe.TCPSocket = &corev1.TCPSocketAction{Port: intstr.FromInt32(bootstrap.ReadinessPort)}
		return probe
	}
	if !c.Spec.Security.On() {
		probe.HTTPGet = &corev1.HTTPGetAction{Path: "/", Port: intstr.FromString(portHTTP)}
		return probe
	}
	scheme := "http"
	args := []string{"curl", "--silent", "--max-time 4", "--output /dev/null", `--write-out '%{http_code}'`}
	if bootstrap.TLSEnabled(c) {
		// The certificate names the Services and pods, not 127.0.0.1.
		scheme = "https"
		args = append(args, "--insecure")
	}
	accept := "200|401"
	args = append(args, fmt.Sprintf("%s://127.0.0.1:%d/", scheme, bootstrap.HTTPPort))
	script := fmt.Sprintf(`code=$(%s); case "$code" in %s) exit 0;; esac; echo "HTTP $code"; exit 1`,
		strings.Join(args, " "), accept)
	probe.Exec = &corev1.ExecAction{Command: []string{"sh", "-c", script}}
	return probe
}
