package render

import (
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/esgen/esgen/bootstrap"
	"github.com/esgen/esgen/esspec"
)

// NetworkPolicyName names the cluster's NetworkPolicy.
func NetworkPolicyName(cluster string) string { return cluster + "-es" }

// networkPolicy admits, to the cluster's Elasticsearch pods, transport
// traffic from each other only and HTTP from the pods of the namespace,
// Kibana's among them; nothing else comes in.
func networkPolicy(c *esspec.Resolved) []Object {
	if !c.Spec.NetworkPolicy {
		return nil
	}
	es := map[string]string{esspec.LabelCluster: c.Metadata.Name, labelName: "elasticsearch"}
	tcp := corev1.ProtocolTCP
	port := func(p int32) []networkingv1.NetworkPolicyPort {
		return []networkingv1.NetworkPolicyPort{{Protocol: &tcp, Port: new(intstr.FromInt32(p))}}
	}
	// Every pod of the namespace, Kibana's among them.
	httpFrom := []networkingv1.NetworkPolicyPeer{{PodSelector: &metav1.LabelSelector{}}}
	return []Object{&networkingv1.NetworkPolicy{
		TypeMeta:   metav1.TypeMeta{APIVersion: "networking.k8s.io/v1", Kind: "NetworkPolicy"},
		ObjectMeta: objectMeta(c, NetworkPolicyName(c.Metadata.Name), objectLabels(c, "network-policy"), nil),
		Spec: networkingv1.NetworkPolicySpec{
			PodSelector: metav1.LabelSelector{MatchLabels: es},
			PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeIngress},
			Ingress: []networkingv1.NetworkPolicyIngressRule{
				{From: []networkingv1.NetworkPolicyPeer{{PodSelector: &metav1.LabelSelector{MatchLabels: es}}}, Ports: port(bootstrap.TransportPort)},
				{From: httpFrom, Ports: port(bootstrap.HTTPPort)},
			},
		},
	}}
}
