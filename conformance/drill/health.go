package drill

import (
	"slices"
	"strings"

	"github.com/esgen/esgen/esspec"
	"github.com/esgen/esgen/topology"
)

// The Elasticsearch stand-in: a small model of what a cluster's health
// API and its nodes' probes would answer, from which pods run.
//
//   - A node is up while its pod runs: bound to a Node that exists, started
//     by the kubelet stand-in, not being deleted.
//   - The cluster has a master while more than half of its master-eligible
//     nodes are up. Without one, no node is ready.
//   - Shards: every index keeps Replicas+1 copies, on distinct nodes of
//     one data group (the nodes of the same data roles: a tier), and with
//     forced rack awareness on distinct racks. The health is red when some
//     shard may have lost every copy: every node of a group is down, or
//     more than Replicas of them are (more than Replicas racks with rack
//     awareness), since with many shards some shard had its copies exactly
//     there; yellow when any data node is down; else green. Recovery is
//     instant: a node that is up again holds its copies.
//   - A master or data pod passes its startup gate once up while the
//     cluster is green, or yellow where esgen's health target is yellow (one
//     data node) or nodes of two images run (a version upgrade); it is
//     ready from then on while up and the cluster has a master. Other
//     Elasticsearch pods are ready while up and the cluster has a master,
//     and Kibana's while up.
//
// What the model leaves out: recovery time, allocation settings, the
// elected master, the disk watermarks. The drills check what the
// control plane does with the readiness this gives.

// Health is the model's view of a cluster's health.
type Health string

// Health values. NoMaster is a cluster that lost its master quorum: it
// answers no health request.
const (
	Green    Health = "green"
	Yellow   Health = "yellow"
	Red      Health = "red"
	NoMaster Health = "no master"
)

// member is one Elasticsearch node a cluster's StatefulSets want, up or
// not.
type member struct {
	pod       string
	up        bool
	master    bool
	stateful  bool   // labelled esgen.dev/stateful "true": master-eligible or data
	dataGroup string // the node's data roles; empty for a node without data
	rack      string
	image     string
}

// model is what the health of one cluster depends on.
type model struct {
	// replicas is index.number_of_replicas.
	replicas int
	// aware is true with forced rack awareness (spec.topology.racks).
	aware bool
	// target is esgen's health target (topology.HealthTarget).
	target topology.Health
}

// health returns the cluster's health given its members.
func (m model) health(members []member) Health {
	masters, mastersUp := 0, 0
	groups := map[string][]member{}
	for _, n := range members {
		if n.master {
			masters++
			if n.up {
				mastersUp++
			}
		}
		if n.dataGroup != "" {
			groups[n.dataGroup] = append(groups[n.dataGroup], n)
		}
	}
	if masters == 0 || 2*mastersUp <= masters {
		return NoMaster
	}
	h := Green
	for _, g := range groups {
		down, racks := 0, map[string]bool{}
		for _, n := range g {
			if !n.up {
				down++
				racks[n.rack] = true
			}
		}
		lost := down
		if m.aware {
			lost = len(racks)
		}
		switch {
		case down == 0:
		case down == len(g) || lost > m.replicas:
			return Red
		default:
			h = Yellow
		}
	}
	return h
}

// gateOpen reports whether a restarted master or data node passes its
// startup gate at health h.
func (m model) gateOpen(h Health, members []member) bool {
	switch h {
	case Green:
		return true
	case Yellow:
		if m.target == topology.Yellow {
			return true
		}
		var images []string
		for _, n := range members {
			if n.up && !slices.Contains(images, n.image) {
				images = append(images, n.image)
			}
		}
		return len(images) > 1
	}
	return false
}

// dataGroupOf names a pod template's data group from its role labels: the
// data roles it has, in canonical order; empty for a node without data.
func dataGroupOf(labels map[string]string) string {
	var roles []string
	for _, r := range esspec.AllRoles {
		if labels[esspec.LabelRolePrefix+string(r)] == "true" && esspec.RolesHoldData([]esspec.Role{r}) {
			roles = append(roles, string(r))
		}
	}
	return strings.Join(roles, ",")
}
