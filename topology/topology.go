// Package topology decides where a cluster's pods run: it turns a
// validated spec into placement groups (one StatefulSet each) with the pod
// anti-affinity and spread constraints that keep a nodeSet's pods on
// distinct servers, racks and zones.
package topology

import (
	"maps"
	"strconv"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/esgen/esgen/esspec"
)

// Well-known node labels.
const (
	HostnameLabel = "kubernetes.io/hostname"
	ZoneLabel     = "topology.kubernetes.io/zone"
)

// Group is one placement group: the pods of one StatefulSet.
type Group struct {
	// NodeSet is the spec's nodeSet; read it, never write it.
	NodeSet *esspec.NodeSet
	// Index is the nodeSet's position in spec.nodeSets, for field paths.
	Index int
	// Name is the StatefulSet name, which is also its headless Service's.
	Name string
	// Replicas is the number of pods.
	Replicas int32
	// Selector holds the labels that select exactly this group's pods.
	Selector map[string]string
	// Affinity keeps the group's pods apart; nil when nothing applies.
	Affinity *corev1.Affinity
	// TopologySpreadConstraints spread the group's pods over zones.
	TopologySpreadConstraints []corev1.TopologySpreadConstraint
	// Settings are the elasticsearch.yml settings placement adds (none
	// without racks).
	Settings esspec.Settings
}

// PodNames returns the names of the group's pods, <statefulset>-<ordinal>,
// which are also the Elasticsearch node names.
func (g *Group) PodNames() []string {
	names := make([]string, g.Replicas)
	for i := range names {
		names[i] = g.Name + "-" + strconv.Itoa(i)
	}
	return names
}

// Plan returns the placement groups of a defaulted, valid spec, one per
// nodeSet, in the order of spec.nodeSets.
func Plan(c *esspec.Cluster) []Group {
	groups := make([]Group, 0, len(c.Spec.NodeSets))
	for i := range c.Spec.NodeSets {
		ns := &c.Spec.NodeSets[i]
		selector := esspec.SelectorLabels(c.Metadata.Name, ns.Name)
		groups = append(groups, Group{
			NodeSet:                   ns,
			Index:                     i,
			Name:                      esspec.StatefulSetName(c.Metadata.Name, ns.Name),
			Replicas:                  ns.Replicas(),
			Selector:                  selector,
			Affinity:                  affinity(c.Spec.Topology, selector),
			TopologySpreadConstraints: zoneSpread(c.Spec.Topology, selector),
		})
	}
	return groups
}

// affinity keeps pods of one nodeSet on distinct servers and racks. Terms
// select the nodeSet's own pods only: different roles of one cluster may
// share a server, as the seed design allows one node of each kind per server.
func affinity(t esspec.Topology, selector map[string]string) *corev1.Affinity {
	anti := &corev1.PodAntiAffinity{}
	add := func(mode esspec.AntiAffinity, topologyKey string) {
		term := corev1.PodAffinityTerm{
			LabelSelector: &metav1.LabelSelector{MatchLabels: maps.Clone(selector)},
			TopologyKey:   topologyKey,
		}
		switch mode {
		case esspec.AntiAffinityRequired:
			anti.RequiredDuringSchedulingIgnoredDuringExecution = append(anti.RequiredDuringSchedulingIgnoredDuringExecution, term)
		case esspec.AntiAffinityPreferred:
			anti.PreferredDuringSchedulingIgnoredDuringExecution = append(anti.PreferredDuringSchedulingIgnoredDuringExecution,
				corev1.WeightedPodAffinityTerm{Weight: 100, PodAffinityTerm: term})
		}
	}
	add(t.HostAntiAffinity, HostnameLabel)
	if t.RackLabel != "" {
		// The topology key is the label key itself: the scheduler groups
		// nodes by that key's value. A key=value form would name a label
		// no node has and silently place nothing apart.
		add(t.RackAntiAffinity, t.RackLabel)
	}
	if anti.RequiredDuringSchedulingIgnoredDuringExecution == nil && anti.PreferredDuringSchedulingIgnoredDuringExecution == nil {
		return nil
	}
	return &corev1.Affinity{PodAntiAffinity: anti}
}

// zoneSpread keeps the difference in a nodeSet's pod count between any two
// zones at most one.
func zoneSpread(t esspec.Topology, selector map[string]string) []corev1.TopologySpreadConstraint {
	if !t.ZoneSpread {
		return nil
	}
	return []corev1.TopologySpreadConstraint{{
		MaxSkew:           1,
		TopologyKey:       ZoneLabel,
		WhenUnsatisfiable: corev1.DoNotSchedule,
		LabelSelector:     &metav1.LabelSelector{MatchLabels: maps.Clone(selector)},
	}}
}
