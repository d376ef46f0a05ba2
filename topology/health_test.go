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
	const one = "the cluster has one data node, and a replica is never assigned beside its primary"
	for _, tc := range []struct {
		name     string
		racks    []string
		nodeSets []esspec.NodeSet
		want     topology.Health
		why      string
	}{
		{"three data nodes", nil, []esspec.NodeSet{master, ns("data", 3, "data")}, topology.Green, ""},
		{"one data node", nil, []esspec.NodeSet{master, ns("data", 1, "data")}, topology.Yellow, one},
		{"one node of everything", nil, []esspec.NodeSet{ns("all", 1, "master", "data")}, topology.Yellow, one},
		{"one data node over racks", []string{"r1", "r2"}, []esspec.NodeSet{master, ns("data", 1, "data_hot", "data_content")}, topology.Yellow, one},
		{"no data node at all", nil, []esspec.NodeSet{master}, topology.Green, ""},
		{"a data nodeSet scaled to zero beside a one-node one", nil,
			[]esspec.NodeSet{master, ns("old", 0, "data"), ns("new", 1, "data")}, topology.Yellow, one},
		// A one-node tier beside others: validation warns; restarted pods
		// still wait for green.
		{"a warm tier of one node", nil, []esspec.NodeSet{master, ns("hot", 2, "data_hot", "data_content"), ns("warm", 1, "data_warm")},
			topology.Green, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := &esspec.Cluster{Metadata: esspec.Metadata{Name: "logs"}, Spec: esspec.Spec{
				Version:  "8.19.20",
				NodeSets: tc.nodeSets,
				Topology: esspec.Topology{RackLabel: "rack", Racks: tc.racks},
			}}
			got, why := topology.HealthTarget(topology.Plan(resolve(t, c)))
			if got != tc.want || why != tc.why {
				t.Errorf("HealthTarget = %s, %q; want %s, %q", got, why, tc.want, tc.why)
			}
		})
	}
}
