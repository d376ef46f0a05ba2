package esspec

import (
	"fmt"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

// replicatedTiers are the data tiers whose indices keep replicas. The
// frozen tier is left out: its partially mounted searchable snapshots
// have none. The generic data role stands for every tier.
var replicatedTiers = []Role{RoleDataContent, RoleDataHot, RoleDataWarm, RoleDataCold}

// warnLoneTiers: a tier whose replicas can never be assigned (it has one
// node, or with forced rack awareness its nodes sit in one rack) keeps
// the cluster yellow, while there are other data nodes, and a restarted
// master or data pod waits for green (topology.HealthTarget): it would
// stay unready. A cluster of one data node is left alone: there, its pods
// wait for yellow.
func warnLoneTiers(v *checker) field.ErrorList {
	sets := v.c.Spec.NodeSets
	var data int32
	tiered := false
	for i := range sets {
		if sets[i].HoldsData() {
			data += sets[i].Replicas()
		}
		for _, r := range sets[i].Roles {
			tiered = tiered || (r != RoleData && RolesHoldData([]Role{r}))
		}
	}
	if data <= 1 {
		return nil
	}
	tiers := []Role{RoleData}
	if tiered {
		tiers = replicatedTiers
	}
	racks := v.c.Spec.Topology.Racks
	var warnings field.ErrorList
	for _, tier := range tiers {
		var pods int32
		var members []int
		var used []int // racks with a node of the tier
		for i := range sets {
			ns := &sets[i]
			if ns.Replicas() == 0 || !(ns.HasRole(tier) || ns.HasRole(RoleData)) {
				continue
			}
			pods += ns.Replicas()
			members = append(members, i)
			if len(racks) > 1 {
				for r, n := range Spread(ns.Replicas(), len(racks)) {
					if n > 0 && !slices.Contains(used, r) {
						used = append(used, r)
					}
				}
			}
		}
		name, sits := "the data nodes", "sit"
		if tier != RoleData {
			name, sits = "the "+string(tier)+" tier", "sits"
		}
		var why string
		switch {
		case pods == 1:
			why = name + " has one node, where no replica can go beside its primary"
		case pods > 1 && len(racks) > 1 && len(used) == 1:
			why = fmt.Sprintf("%s %s in rack %s only, and forced rack awareness keeps a replica out of its primary's rack", name, sits, racks[used[0]])
		default:
			continue
		}
		path := nodeSetsPath
		if len(members) == 1 {
			path = nodeSetsPath.Index(members[0]).Child("count")
		}
		warnings = append(warnings, field.Invalid(path, pods, why+
			": its indices' replicas are never assigned, the cluster stays yellow, and a restarted master or data pod waits for green and stays unready; give the tier more nodes, or its indices number_of_replicas: 0 (e.g. in the ILM phase that moves them there)"))
	}
	return warnings
}

// validContentTier: from 7.10, an index that is not part of a data
// stream, every system index among them (Kibana's, security's), is
// allocated to the content tier: to nodes with the data_content role, or
// the generic data role, which holds every tier (Elasticsearch reference
// 7.10+, "Data tiers": indices created outside a data stream go to the
// content tier; "Node" 7.17: once node.roles is set, a cluster needs data,
// or data_content and data_hot). A cluster whose data nodes all hold
// other tiers leaves those indices unassigned: red, and Kibana cannot
// start.
func validContentTier(v *checker) field.ErrorList {
	if !v.versionOK || !v.version.HasRole(RoleDataContent) {
		return nil // tier roles before 7.10 are reported by validRoles
	}
	var tiered, hot []string
	for i := range v.c.Spec.NodeSets {
		ns := &v.c.Spec.NodeSets[i]
		if ns.Replicas() == 0 {
			continue
		}
		if ns.HasRole(RoleData) || ns.HasRole(RoleDataContent) {
			return nil
		}
		// A role the version lacks is validRoles' error, not a tier.
		if slices.ContainsFunc(ns.Roles, func(r Role) bool { return RolesHoldData([]Role{r}) && v.version.HasRole(r) }) {
			tiered = append(tiered, ns.Name)
		}
		if ns.HasRole(RoleDataHot) {
			hot = append(hot, ns.Name)
		}
	}
	if len(tiered) == 0 {
		return nil // no data node at all: nothing is tiered
	}
	holds := "nodeSet " + tiered[0] + " holds a data tier"
	if len(tiered) > 1 {
		holds = "nodeSets " + strings.Join(tiered, ", ") + " hold data tiers"
	}
	add := "add data_content to the roles of a nodeSet with nodes"
	if len(hot) > 0 {
		add = "add data_content to the roles of nodeSet " + hot[0] + " (Elastic puts it beside data_hot)"
	}
	return field.ErrorList{field.Required(nodeSetsPath, fmt.Sprintf(
		"%s, but no nodeSet with nodes has the data or data_content role: indices outside data streams, the system indices among them, go to the content tier only, so they stay unassigned, the cluster is red and Kibana cannot start; %s",
		holds, add))}
}
