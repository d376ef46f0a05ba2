package topology_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/esgen/esgen/esspec"
	"github.com/esgen/esgen/topology"
)

// resolve defaults and resolves a test spec, failing the test if it is
// invalid. Plan takes valid specs only: what it must never see (rack
// anti-affinity without a rack label, say) validation tests refuse.
// Unset, the spec is a development 8.x cluster without security, so that
// tests name only what they are about.
func resolve(t *testing.T, c *esspec.Cluster) *esspec.Resolved {
	t.Helper()
	c.APIVersion, c.Kind = esspec.APIVersion, esspec.Kind
	if c.Spec.Version == "" {
		c.Spec.Version = "8.19.20"
	}
	if c.Spec.Profile == "" {
		c.Spec.Profile = esspec.ProfileDevelopment
	}
	if c.Spec.Security.Enabled == nil {
		c.Spec.Security.Enabled = new(false)
	}
	esspec.SetDefaults(c)
	r, err := esspec.Resolve(c)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func cluster(t esspec.Topology) *esspec.Cluster {
	return &esspec.Cluster{
		Metadata: esspec.Metadata{Name: "logs"},
		Spec: esspec.Spec{
			Topology: t,
			NodeSets: []esspec.NodeSet{{Name: "data", Count: new(int32(3))}},
		},
	}
}

var dataPods = &metav1.LabelSelector{MatchLabels: map[string]string{"esgen.dev/cluster": "logs", "esgen.dev/node-set": "data"}}

func term(key string) corev1.PodAffinityTerm {
	return corev1.PodAffinityTerm{LabelSelector: dataPods, TopologyKey: key}
}

// statefulSpread is the cluster-wide term every master-eligible or data
// pod carries unless host anti-affinity is none.
var statefulSpread = corev1.WeightedPodAffinityTerm{Weight: 50, PodAffinityTerm: corev1.PodAffinityTerm{
	LabelSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"esgen.dev/cluster": "logs", "esgen.dev/stateful": "true"}},
	TopologyKey:   "kubernetes.io/hostname",
}}

func TestAntiAffinity(t *testing.T) {
	for _, tc := range []struct {
		name string
		topo esspec.Topology
		want *corev1.Affinity
	}{
		{"none", esspec.Topology{HostAntiAffinity: "none", RackAntiAffinity: "none"}, nil},
		{
			// Required terms carry no weight; the topology key is the rack
			// label's key, never key=value.
			"required host and rack",
			esspec.Topology{HostAntiAffinity: "required", RackAntiAffinity: "required", RackLabel: "esaas.hosts.rack"},
			&corev1.Affinity{PodAntiAffinity: &corev1.PodAntiAffinity{
				RequiredDuringSchedulingIgnoredDuringExecution: []corev1.PodAffinityTerm{
					term("kubernetes.io/hostname"), term("esaas.hosts.rack"),
				},
				PreferredDuringSchedulingIgnoredDuringExecution: []corev1.WeightedPodAffinityTerm{statefulSpread},
			}},
		},
		{
			"preferred host, required rack",
			esspec.Topology{HostAntiAffinity: "preferred", RackAntiAffinity: "required", RackLabel: "esaas.hosts.rack"},
			&corev1.Affinity{PodAntiAffinity: &corev1.PodAntiAffinity{
				RequiredDuringSchedulingIgnoredDuringExecution: []corev1.PodAffinityTerm{term("esaas.hosts.rack")},
				PreferredDuringSchedulingIgnoredDuringExecution: []corev1.WeightedPodAffinityTerm{
					{Weight: 100, PodAffinityTerm: term("kubernetes.io/hostname")}, statefulSpread,
				},
			}},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			groups := topology.Plan(resolve(t, cluster(tc.topo)))
			if len(groups) != 1 {
				t.Fatalf("got %d groups, want 1", len(groups))
			}
			if diff := cmp.Diff(tc.want, groups[0].Affinity); diff != "" {
				t.Errorf("affinity (-want +got):\n%s", diff)
			}
		})
	}
}

// TestStatefulSpreadOnlyForState: pods that hold no state (coordinating
// here) may share servers with anything; only master-eligible and data
// pods keep apart from each other.
func TestStatefulSpreadOnlyForState(t *testing.T) {
	c := cluster(esspec.Topology{HostAntiAffinity: "required"})
	c.Spec.NodeSets[0].Roles = []esspec.Role{}
	c.Spec.NodeSets = append(c.Spec.NodeSets, esspec.NodeSet{Name: "master", Count: new(int32(1)), Roles: []esspec.Role{esspec.RoleMaster}})
	groups := topology.Plan(resolve(t, c))
	want := &corev1.Affinity{PodAntiAffinity: &corev1.PodAntiAffinity{
		RequiredDuringSchedulingIgnoredDuringExecution: []corev1.PodAffinityTerm{term("kubernetes.io/hostname")},
	}}
	if diff := cmp.Diff(want, groups[0].Affinity); diff != "" {
		t.Errorf("affinity (-want +got):\n%s", diff)
	}
}

func TestPlan(t *testing.T) {
	groups := topology.Plan(resolve(t, cluster(esspec.Topology{HostAntiAffinity: "none", ZoneSpread: true})))
	g := groups[0]
	if g.Name != "logs-es-data" || g.Replicas != 3 || g.Index != 0 {
		t.Errorf("group %s, %d replicas, index %d", g.Name, g.Replicas, g.Index)
	}
	if diff := cmp.Diff([]string{"logs-es-data-0", "logs-es-data-1", "logs-es-data-2"}, g.PodNames()); diff != "" {
		t.Errorf("pod names (-want +got):\n%s", diff)
	}
	want := []corev1.TopologySpreadConstraint{{
		MaxSkew: 1, TopologyKey: "topology.kubernetes.io/zone", WhenUnsatisfiable: corev1.DoNotSchedule, LabelSelector: dataPods,
	}}
	if diff := cmp.Diff(want, g.TopologySpreadConstraints); diff != "" {
		t.Errorf("spread constraints (-want +got):\n%s", diff)
	}
}

func TestPlanRacks(t *testing.T) {
	c := cluster(esspec.Topology{HostAntiAffinity: "required", RackLabel: "esaas.hosts.rack", Racks: []string{"r1", "r2", "r3"}})
	c.Spec.Version = "8.19.20"
	c.Spec.NodeSets[0].Count = new(int32(7))
	groups := topology.Plan(resolve(t, c))
	var names []string
	var replicas []int32
	for _, g := range groups {
		names = append(names, g.Name)
		replicas = append(replicas, g.Replicas)
	}
	if diff := cmp.Diff([]string{"logs-es-data-r1", "logs-es-data-r2", "logs-es-data-r3"}, names); diff != "" {
		t.Errorf("groups (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]int32{3, 2, 2}, replicas); diff != "" {
		t.Errorf("replicas (-want +got):\n%s", diff)
	}
	g := groups[1]
	if diff := cmp.Diff(map[string]string{"esgen.dev/cluster": "logs", "esgen.dev/node-set": "data", "esgen.dev/rack": "r2"}, g.Selector); diff != "" {
		t.Errorf("selector (-want +got):\n%s", diff)
	}
	want := &corev1.Affinity{
		NodeAffinity: &corev1.NodeAffinity{RequiredDuringSchedulingIgnoredDuringExecution: &corev1.NodeSelector{
			NodeSelectorTerms: []corev1.NodeSelectorTerm{{MatchExpressions: []corev1.NodeSelectorRequirement{
				{Key: "esaas.hosts.rack", Operator: corev1.NodeSelectorOpIn, Values: []string{"r2"}},
			}}},
		}},
		// Host anti-affinity spans the nodeSet's pods in every rack; no
		// rack anti-affinity: the group is pinned to one rack.
		PodAntiAffinity: &corev1.PodAntiAffinity{
			RequiredDuringSchedulingIgnoredDuringExecution:  []corev1.PodAffinityTerm{term("kubernetes.io/hostname")},
			PreferredDuringSchedulingIgnoredDuringExecution: []corev1.WeightedPodAffinityTerm{statefulSpread},
		},
	}
	if diff := cmp.Diff(want, g.Affinity); diff != "" {
		t.Errorf("affinity (-want +got):\n%s", diff)
	}
	wantSettings := esspec.Settings{
		"node.attr.rack_id": "r2",
		"cluster.routing.allocation.awareness.attributes":           "rack_id",
		"cluster.routing.allocation.awareness.force.rack_id.values": []string{"r1", "r2", "r3"},
	}
	if diff := cmp.Diff(wantSettings, g.Settings); diff != "" {
		t.Errorf("settings (-want +got):\n%s", diff)
	}
}
