package render

import (
	"maps"

	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/esgen/esgen/esspec"
)

// podDisruptionBudget lets voluntary disruptions (drains, evictions) take
// one pod of a nodeSet at a time, across all its racks. One PDB per
// nodeSet partitions the pods: the eviction API refuses pods that two
// PDBs select.
func podDisruptionBudget(c *esspec.Cluster, ns *esspec.NodeSet) *policyv1.PodDisruptionBudget {
	selector := esspec.SelectorLabels(c.Metadata.Name, ns.Name)
	labels := objectLabels(c, ns.Name)
	maps.Copy(labels, selector)
	return &policyv1.PodDisruptionBudget{
		TypeMeta:   metav1.TypeMeta{APIVersion: "policy/v1", Kind: "PodDisruptionBudget"},
		ObjectMeta: objectMeta(c, esspec.NodeSetName(c.Metadata.Name, ns.Name), labels, nil),
		Spec: policyv1.PodDisruptionBudgetSpec{
			MaxUnavailable: new(intstr.FromInt32(1)),
			Selector:       &metav1.LabelSelector{MatchLabels: selector},
		},
	}
}
