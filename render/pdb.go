package render

import (
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/esgen/esgen/esspec"
)

// Values of esspec.LabelStateful.
const (
	statefulTrue  = "true"
	statefulFalse = "false"
)

// statefulLabel is the value of esspec.LabelStateful for a nodeSet's pods.
func statefulLabel(ns *esspec.ResolvedNodeSet) string {
	if ns.Stateful() {
		return statefulTrue
	}
	return statefulFalse
}

// podDisruptionBudgets let voluntary disruptions (drains, evictions) take
// at most one master-eligible or data pod of the whole cluster at a time,
// whatever its nodeSet or rack: two data pods of different nodeSets or
// racks may hold a primary and its replica, and a budget per nodeSet
// would let both go at once. A restarted pod of that kind stays unready
// until the cluster has recovered (see readinessProbe), so it holds the
// budget until then. A second budget covers the other pods
// (coordinating, ingest-only, ml-only), which hold no shards. Selecting
// on esspec.LabelStateful makes each pod fall under exactly one budget:
// the eviction API refuses pods that two budgets select. The stateful
// budget takes every Elasticsearch pod (one with a nodeSet label) not
// labelled stateful "false": pods started from an older render, which
// lack the label, stay under a budget from the moment it is applied, as
// they keep their labels until the rollout restarts them.
//
// A single-node cluster gets the same budget: maxUnavailable 1 of one
// pod lets a drain take it (the cluster is down until it is back) rather
// than block the server's maintenance for ever.
func podDisruptionBudgets(c *esspec.Resolved) []Object {
	out := []Object{podDisruptionBudget(c, esspec.StatefulBudgetName(c.Metadata.Name), statefulTrue)}
	for i := range c.Spec.NodeSets {
		if !c.Spec.NodeSets[i].Stateful() {
			out = append(out, podDisruptionBudget(c, esspec.StatelessBudgetName(c.Metadata.Name), statefulFalse))
			break
		}
	}
	return out
}

func podDisruptionBudget(c *esspec.Resolved, name, stateful string) *policyv1.PodDisruptionBudget {
	selector := &metav1.LabelSelector{MatchLabels: map[string]string{
		esspec.LabelCluster:  c.Metadata.Name,
		esspec.LabelStateful: stateful,
	}}
	if stateful == statefulTrue {
		selector = &metav1.LabelSelector{
			MatchLabels: map[string]string{esspec.LabelCluster: c.Metadata.Name},
			MatchExpressions: []metav1.LabelSelectorRequirement{
				{Key: esspec.LabelNodeSet, Operator: metav1.LabelSelectorOpExists},
				{Key: esspec.LabelStateful, Operator: metav1.LabelSelectorOpNotIn, Values: []string{statefulFalse}},
			},
		}
	}
	return &policyv1.PodDisruptionBudget{
		TypeMeta:   metav1.TypeMeta{APIVersion: "policy/v1", Kind: "PodDisruptionBudget"},
		ObjectMeta: objectMeta(c, name, objectLabels(c, componentBudget), nil),
		Spec: policyv1.PodDisruptionBudgetSpec{
			MaxUnavailable: new(intstr.FromInt32(1)),
			Selector:       selector,
		},
	}
}
