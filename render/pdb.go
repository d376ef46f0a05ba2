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
// The stateful budget says minAvailable: every stateful pod the spec asks
// for but one. maxUnavailable would be counted against the pods that
// exist: the disruption controller sums the replicas of the StatefulSets
// that own a matching pod right now, so a StatefulSet whose only pod was
// just evicted, and not yet recreated, drops out of the count, and for
// that moment the budget allows a second eviction. The drain drill
// (conformance/drill) saw two stateful pods down at once that way on the
// rack-aware example, whose masters are one per rack. An integer
// minAvailable does not depend on what exists; a missing pod is one less
// healthy. While a scale-up's new pods start, it allows no disruption.
//
// A single-node cluster gets minAvailable 0: a drain may take its one pod
// (the cluster is down until it is back) rather than block the server's
// maintenance for ever.
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
	spec := policyv1.PodDisruptionBudgetSpec{Selector: selector}
	if stateful == statefulTrue {
		spec.MinAvailable = new(intstr.FromInt32(max(0, statefulPods(c)-1)))
	} else {
		// Stateless pods hold nothing another pod needs: the brief
		// over-count of maxUnavailable costs capacity, not data.
		spec.MaxUnavailable = new(intstr.FromInt32(1))
	}
	return &policyv1.PodDisruptionBudget{
		TypeMeta:   metav1.TypeMeta{APIVersion: "policy/v1", Kind: "PodDisruptionBudget"},
		ObjectMeta: objectMeta(c, name, objectLabels(c, componentBudget), nil),
		Spec:       spec,
	}
}

// statefulPods counts the master-eligible and data pods the spec asks for.
func statefulPods(c *esspec.Resolved) int32 {
	var n int32
	for _, ns := range c.NodeSets {
		if ns.Stateful() {
			n += ns.Replicas()
		}
	}
	return n
}
