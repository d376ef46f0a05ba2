package topology_test

import (
	"testing"

	"github.com/esgen/esgen/esspec"
	"github.com/esgen/esgen/topology"
)

func TestHealthTarget(t *testing.T) {
	ns := func(name string, count int32, roles ...esspec.Role) esspec.NodeSet {
		return esspec.NodeSet{Name: name, Count: &count, Roles: roles}
	}
	master := ns("master", 3, "master")
	for _, tc := range []struct {
		name     string
		racks    []string
		nodeSets []esspec.NodeSet
		want     topology.Health
		why      string
	}{
		{"three data nodes", nil, []esspec.NodeSet{master, ns("data", 3, "data")}, topology.Green, ""},
		{"one data node", nil, []esspec.NodeSet{master, ns("data", 1, "data")},
			topology.Yellow, "the cluster has one data node, and a replica is never assigned beside its primary"},
		{"one node of everything", nil, []esspec.NodeSet{ns("all", 1, "master", "data")}, topology.Yellow,
			"the cluster has one data node, and a replica is never assigned beside its primary"},
		{"no data node at all", nil, []esspec.NodeSet{master}, topology.Green, ""},
		{"a data nodeSet scaled to zero beside a real one", nil,
			[]esspec.NodeSet{master, ns("old", 0, "data"), ns("new", 2, "data")}, topology.Green, ""},
		{"a warm tier of one node", nil, []esspec.NodeSet{master, ns("hot", 2, "data_hot", "data_content"), ns("warm", 1, "data_warm")},
			topology.Yellow, "the data_warm tier has one data node, and a replica is never assigned beside its primary"},
		{"a frozen tier of one node keeps no replicas", nil,
			[]esspec.NodeSet{master, ns("hot", 2, "data_hot", "data_content"), ns("frozen", 1, "data_frozen")}, topology.Green, ""},
		{"generic data nodes serve every tier", nil,
			[]esspec.NodeSet{master, ns("data", 2, "data"), ns("warm", 1, "data_warm")}, topology.Green, ""},
		{"one generic data node is all the content tier has", nil,
			[]esspec.NodeSet{master, ns("data", 1, "data"), ns("warm", 1, "data_warm")},
			topology.Yellow, "the data_content tier has one data node, and a replica is never assigned beside its primary"},
		{"a content tier in one rack of three", []string{"r1", "r2", "r3"},
			[]esspec.NodeSet{master, ns("hot", 3, "data_hot"), ns("content", 1, "data_content")}, topology.Yellow,
			"the data_content tier has one data node, and a replica is never assigned beside its primary"},
		{"racks with data in each", []string{"r1", "r2", "r3"}, []esspec.NodeSet{master, ns("data", 3, "data")}, topology.Green, ""},
		{"racks with two data nodes in the first rack only", []string{"r1", "r2", "r3"},
			[]esspec.NodeSet{master, ns("data", 2, "data"), ns("other", 0, "data")}, topology.Green, ""},
		{"two one-node nodeSets both land in the first rack", []string{"r1", "r2", "r3"},
			[]esspec.NodeSet{master, ns("data-a", 1, "data"), ns("data-b", 1, "data")}, topology.Yellow,
			"the cluster has data nodes in rack r1 only, and forced rack awareness keeps a replica out of its primary's rack"},
		{"one rack listed", []string{"r1"}, []esspec.NodeSet{master, ns("data", 2, "data")}, topology.Green, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := &esspec.Cluster{Metadata: esspec.Metadata{Name: "logs"}, Spec: esspec.Spec{
				Version:  "8.19.20",
				NodeSets: tc.nodeSets,
				Topology: esspec.Topology{RackLabel: "rack", Racks: tc.racks},
			}}
			esspec.SetDefaults(c)
			got, why := topology.HealthTarget(topology.Plan(c))
			if got != tc.want || why != tc.why {
				t.Errorf("HealthTarget = %s, %q; want %s, %q", got, why, tc.want, tc.why)
			}
		})
	}
}
