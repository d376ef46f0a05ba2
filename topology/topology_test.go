package topology_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/esgen/esgen/esspec"
	"github.com/esgen/esgen/topology"
)

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
			}},
		},
		{
			"preferred host, required rack",
			esspec.Topology{HostAntiAffinity: "preferred", RackAntiAffinity: "required", RackLabel: "esaas.hosts.rack"},
			&corev1.Affinity{PodAntiAffinity: &corev1.PodAntiAffinity{
				RequiredDuringSchedulingIgnoredDuringExecution: []corev1.PodAffinityTerm{term("esaas.hosts.rack")},
				PreferredDuringSchedulingIgnoredDuringExecution: []corev1.WeightedPodAffinityTerm{
					{Weight: 100, PodAffinityTerm: term("kubernetes.io/hostname")},
				},
			}},
		},
		{
			"rack mode without a rack label renders nothing for racks",
			esspec.Topology{HostAntiAffinity: "none", RackAntiAffinity: "required"},
			nil,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			groups := topology.Plan(cluster(tc.topo))
			if len(groups) != 1 {
				t.Fatalf("got %d groups, want 1", len(groups))
			}
			if diff := cmp.Diff(tc.want, groups[0].Affinity); diff != "" {
				t.Errorf("affinity (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPlan(t *testing.T) {
	groups := topology.Plan(cluster(esspec.Topology{HostAntiAffinity: "none", ZoneSpread: true}))
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
