package topology

import (
	"fmt"
	"slices"

	"github.com/esgen/esgen/esspec"
)

// Health is an Elasticsearch cluster health status.
type Health string

// Health statuses a restarted node can wait for.
const (
	// Green: every shard copy is assigned.
	Green Health = "green"
	// Yellow: every primary is assigned, some replicas are not.
	Yellow Health = "yellow"
)

// replicatedTiers are the data tiers whose indices keep replicas, after the
// generic data role, which stands for all of them in a cluster without tiers. The frozen tier is left
// out: its partially mounted searchable snapshots have no replicas.
var replicatedTiers = []esspec.Role{esspec.RoleData, esspec.RoleDataContent, esspec.RoleDataHot, esspec.RoleDataWarm, esspec.RoleDataCold}

// HealthTarget returns the best health the layout lets a cluster with
// replicated indices reach, and when that is yellow, why green is out of
// reach: a data tier of one node has nowhere to put its replicas, and
// with forced rack awareness over two racks or more, a tier whose nodes
// all sit in one rack cannot put a replica beside its primary. A
// restarted node waits for this health before it counts as ready; waiting
// for green where it can never come would keep it unready for ever.
func HealthTarget(groups []Group) (Health, string) {
	tiers := replicatedTiers[:1]
	for i := range groups {
		for _, r := range groups[i].NodeSet.Roles {
			if r != esspec.RoleData && esspec.RolesHoldData([]esspec.Role{r}) {
				// With tiers, each tier counts on its own, the generic
				// data nodes in every one of them.
				tiers = replicatedTiers[1:]
			}
		}
	}
	for _, tier := range tiers {
		var pods int32
		var racks []string
		rackAware := false
		for i := range groups {
			g := &groups[i]
			if g.Replicas == 0 || !(g.NodeSet.HasRole(tier) || g.NodeSet.HasRole(esspec.RoleData)) {
				continue
			}
			pods += g.Replicas
			if !slices.Contains(racks, g.Rack) {
				racks = append(racks, g.Rack)
			}
			rackAware = rackAware || len(forcedRacks(g)) > 1
		}
		where := "the cluster has"
		if tier != esspec.RoleData {
			where = "the " + string(tier) + " tier has"
		}
		switch {
		case pods == 1:
			return Yellow, where + " one data node, and a replica is never assigned beside its primary"
		case pods > 1 && rackAware && len(racks) == 1:
			return Yellow, fmt.Sprintf("%s data nodes in rack %s only, and forced rack awareness keeps a replica out of its primary's rack", where, racks[0])
		}
	}
	return Green, ""
}

// forcedRacks returns the racks forced awareness spreads a group's shard
// copies over.
func forcedRacks(g *Group) []string {
	racks, _ := g.Settings[SettingAwarenessForce].([]string)
	return racks
}
