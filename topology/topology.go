// Package topology decides where a cluster's pods run: it turns a
// validated spec into placement groups (one StatefulSet each) with the pod
// anti-affinity and spread constraints that keep a nodeSet's pods on
// distinct servers, racks and zones.
package topology

import (
	"maps"
	"slices"
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
	// NodeSet is the spec's nodeSet, resolved; read it, never write it.
	NodeSet *esspec.ResolvedNodeSet
	// Index is the nodeSet's position in spec.nodeSets, for field paths.
	Index int
	// Rack is the rack the group is pinned to; empty without racks.
	Rack string
	// Name is the StatefulSet name, which is also its headless Service's.
	Name string
	// Replicas is the number of pods.
	Replicas int32
	// Selector holds the labels that select exactly this group's pods.
	Selector map[string]string
	// Affinity keeps the group's pods apart and in their rack; nil when
	// nothing applies.
	Affinity *corev1.Affinity
	// TopologySpreadConstraints spread the group's pods over zones.
	TopologySpreadConstraints []corev1.TopologySpreadConstraint
	// Settings are the elasticsearch.yml settings placement adds: the
	// rack attribute and shard allocation awareness (none without racks).
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

// RackAttribute is the node attribute that carries a node's rack, the one
// shard allocation awareness spreads copies over.
const RackAttribute = "rack_id"

// Awareness settings.
const (
	SettingAwarenessAttributes = "cluster.routing.allocation.awareness.attributes"
	SettingAwarenessForce      = "cluster.routing.allocation.awareness.force." + RackAttribute + ".values"
)

// Plan returns the placement groups of a resolved spec in the order of
// spec.nodeSets: one per nodeSet, or with spec.topology.racks one per
// nodeSet and rack, in the order of the racks.
func Plan(c *esspec.Resolved) []Group {
	t := c.Spec.Topology
	racks := t.Racks
	if len(racks) == 0 {
		racks = []string{""}
	}
	groups := make([]Group, 0, len(c.NodeSets)*len(racks))
	for i, ns := range c.NodeSets {
		counts := esspec.Spread(ns.Replicas(), len(racks))
		nodeSetPods := esspec.SelectorLabels(c.Metadata.Name, ns.Name)
		var statefulPods map[string]string
		if ns.Stateful() {
			statefulPods = map[string]string{esspec.LabelCluster: c.Metadata.Name, esspec.LabelStateful: "true"}
		}
		for j, rack := range racks {
			g := Group{
				NodeSet:  ns,
				Index:    i,
				Rack:     rack,
				Name:     esspec.StatefulSetName(c.Metadata.Name, ns.Name, rack),
				Replicas: counts[j],
				Selector: nodeSetPods,
				Affinity: affinity(t, nodeSetPods, statefulPods, rack),
			}
			if rack != "" {
				g.Selector = maps.Clone(nodeSetPods)
				g.Selector[esspec.LabelRack] = rack
				g.Settings = rackSettings(c, rack)
			}
			g.TopologySpreadConstraints = zoneSpread(t, g.Selector)
			groups = append(groups, g)
		}
	}
	return groups
}

// rackSettings tag a node with its rack and make shard allocation aware of
// racks. Forced awareness over every listed rack keeps a shard's copies in
// different racks even when one is lost: its replicas then stay
// unassigned rather than piling onto the surviving racks.
func rackSettings(c *esspec.Resolved, rack string) esspec.Settings {
	return esspec.Settings{
		c.Version.NodeAttribute(RackAttribute): rack,
		SettingAwarenessAttributes:             RackAttribute,
		SettingAwarenessForce:                  slices.Clone(c.Spec.Topology.Racks),
	}
}

// affinity keeps pods of one nodeSet on distinct servers and racks, and
// pins a rack's group to its rack. Terms select the nodeSet's own pods, in
// every rack: different roles of one cluster may share a server, as the
// seed design allows one node of each kind per server.
//
// A master-eligible or data pod (stateful, the selector of every such pod
// of the cluster) also prefers, at a lower weight, a server without
// another one, as ECK's default affinity does. Two of them on one server
// with local volumes make that server undrainable: the first evicted pod
// can only come back to the cordoned server, and the cluster's budget
// (one such pod down at a time) refuses the second eviction until the
// first is Ready, so kubectl drain waits forever. The drain drill
// (conformance/drill) found it on the hot-warm-cold example.
func affinity(t esspec.Topology, selector, stateful map[string]string, rack string) *corev1.Affinity {
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
	if stateful != nil && t.HostAntiAffinity != esspec.AntiAffinityNone {
		anti.PreferredDuringSchedulingIgnoredDuringExecution = append(anti.PreferredDuringSchedulingIgnoredDuringExecution,
			corev1.WeightedPodAffinityTerm{Weight: statefulSpreadWeight, PodAffinityTerm: corev1.PodAffinityTerm{
				LabelSelector: &metav1.LabelSelector{MatchLabels: maps.Clone(stateful)},
				TopologyKey:   HostnameLabel,
			}})
	}
	if t.RackLabel != "" && rack == "" {
		// The topology key is the label key itself: the scheduler groups
		// nodes by that key's value. A key=value form would name a label
		// no node has and silently place nothing apart.
		add(t.RackAntiAffinity, t.RackLabel)
	}
	a := &corev1.Affinity{}
	if anti.RequiredDuringSchedulingIgnoredDuringExecution != nil || anti.PreferredDuringSchedulingIgnoredDuringExecution != nil {
		a.PodAntiAffinity = anti
	}
	if rack != "" {
		a.NodeAffinity = &corev1.NodeAffinity{
			RequiredDuringSchedulingIgnoredDuringExecution: &corev1.NodeSelector{
				NodeSelectorTerms: []corev1.NodeSelectorTerm{{
					MatchExpressions: []corev1.NodeSelectorRequirement{{
						Key: t.RackLabel, Operator: corev1.NodeSelectorOpIn, Values: []string{rack},
					}},
				}},
			},
		}
	}
	if a.PodAntiAffinity == nil && a.NodeAffinity == nil {
		return nil
	}
	return a
}

// statefulSpreadWeight ranks keeping a cluster's stateful pods on distinct
// servers below keeping a nodeSet's pods apart (weight 100), which
// protects more copies of the same data.
const statefulSpreadWeight = 50

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
