package render

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"

	"github.com/esgen/esgen/bootstrap"
	"github.com/esgen/esgen/esspec"
	"github.com/esgen/esgen/topology"
)

// ContainerName is the name of the Elasticsearch container.
const ContainerName = "elasticsearch"

// preStopDelay keeps a stopping pod serving while the endpoints controller
// and kube-proxy take it out of the Services, so clients see no refusals.
const preStopDelay = 20

func elasticsearchContainer(c *esspec.Resolved, g *topology.Group, mounts []corev1.VolumeMount) corev1.Container {
	ns := g.NodeSet
	v := c.Version
	return corev1.Container{
		Name:            ContainerName,
		Image:           c.Spec.Image,
		ImagePullPolicy: c.Spec.ImagePullPolicy,
		Env:             bootstrap.Env(c, ns),
		Ports: []corev1.ContainerPort{
			{Name: httpPortName(c), ContainerPort: bootstrap.HTTPPort},
			{Name: portTransport, ContainerPort: bootstrap.TransportPort},
		},
		StartupProbe:   startupProbe(c, g),
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
