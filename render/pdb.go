package render

import (
	"maps"

	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/esgen/esgen/esspec"
	"github.com/esgen/esgen/topology"
)

// podDisruptionBudget lets voluntary disruptions (drains, evictions) take
// one pod of a nodeSet at a time. One PDB per nodeSet partitions the
// pods: the eviction API refuses pods that two PDBs select.
func podDisruptionBudget(c *esspec.Cluster, g *topology.Group) *policyv1.PodDisruptionBudget {
	return &policyv1.PodDisruptionBudget{
		TypeMeta:   metav1.TypeMeta{APIVersion: "policy/v1", Kind: "PodDisruptionBudget"},
		ObjectMeta: objectMeta(c, g.Name, groupLabels(c, g), nil),
		Spec: policyv1.PodDisruptionBudgetSpec{
			MaxUnavailable: new(intstr.FromInt32(1)),
			Selector:       &metav1.LabelSelector{MatchLabels: maps.Clone(g.Selector)},
		},
	}
}
