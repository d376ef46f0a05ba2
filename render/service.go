package render

import (
	"maps"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/esgen/esgen/bootstrap"
	"github.com/esgen/esgen/esspec"
	"github.com/esgen/esgen/topology"
)

// Port names, shared by the container and the Services that target it.
const (
	portHTTP      = "http"
	portHTTPS     = "https"
	portTransport = "transport"
)

// httpPortName is https when the nodes serve TLS, so that meshes and
// people reading the Service see the scheme.
func httpPortName(c *esspec.Resolved) string {
	if bootstrap.TLSEnabled(c) {
		return portHTTPS
	}
	return portHTTP
}

func servicePort(name string, port int32) corev1.ServicePort {
	return corev1.ServicePort{Name: name, Port: port, TargetPort: intstr.FromString(name)}
}

// headlessService gives a group's pods stable DNS names
// (<pod>.<statefulset>), as the StatefulSet's serviceName. It publishes
// pods before they are ready so that nodes can find each other while
// they start.
func headlessService(c *esspec.Resolved, g *topology.Group) *corev1.Service {
	return &corev1.Service{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Service"},
		ObjectMeta: objectMeta(c, g.Name, groupLabels(c, g), nil),
		Spec: corev1.ServiceSpec{
			ClusterIP:                corev1.ClusterIPNone,
			PublishNotReadyAddresses: true,
			Selector:                 maps.Clone(g.Selector),
			Ports: []corev1.ServicePort{
				servicePort(httpPortName(c), bootstrap.HTTPPort),
				servicePort(portTransport, bootstrap.TransportPort),
			},
		},
	}
}

// discoveryService resolves to every master-eligible pod, ready or not:
// the seed host every node asks for the cluster, and the list a new
// cluster's masters find each other by.
func discoveryService(c *esspec.Resolved) *corev1.Service {
	name := c.Metadata.Name
	return &corev1.Service{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Service"},
		ObjectMeta: objectMeta(c, esspec.DiscoveryServiceName(name), objectLabels(c, componentDiscovery), nil),
		Spec: corev1.ServiceSpec{
			ClusterIP:                corev1.ClusterIPNone,
			PublishNotReadyAddresses: true,
			Selector: map[string]string{
				esspec.LabelCluster: name,
				esspec.LabelRolePrefix + string(esspec.RoleMaster): "true",
			},
			Ports: []corev1.ServicePort{servicePort(portTransport, bootstrap.TransportPort)},
		},
	}
}

// httpService is the clients' entry point on port 9200: the
// coordinating-only nodes when there are any, else every node that is not
// a dedicated master, else (a cluster of masters only) every node.
func httpService(c *esspec.Resolved) *corev1.Service {
	name := c.Metadata.Name
	selector := map[string]string{esspec.LabelCluster: name}
	switch {
	case hasNodeSet(c, (*esspec.ResolvedNodeSet).CoordinatingOnly):
		selector[esspec.LabelCoordinating] = "true"
	case hasNodeSet(c, func(ns *esspec.ResolvedNodeSet) bool { return !ns.DedicatedMaster() }):
		selector[esspec.LabelServesHTTP] = "true"
	}
	return &corev1.Service{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Service"},
		ObjectMeta: objectMeta(c, esspec.HTTPServiceName(name), objectLabels(c, componentHTTP), c.Spec.HTTP.ServiceAnnotations),
		Spec: corev1.ServiceSpec{
			Type:     c.Spec.HTTP.ServiceType,
			Selector: selector,
			Ports:    []corev1.ServicePort{servicePort(httpPortName(c), bootstrap.HTTPPort)},
		},
	}
}

// hasNodeSet reports whether a nodeSet with pods matches pred.
func hasNodeSet(c *esspec.Resolved, pred func(*esspec.ResolvedNodeSet) bool) bool {
	for _, ns := range c.NodeSets {
		if ns.Replicas() > 0 && pred(ns) {
			return true
		}
	}
	return false
}
