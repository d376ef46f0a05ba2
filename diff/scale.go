package diff

import (
	"fmt"
	"slices"
	"strings"

	"github.com/esgen/esgen/esspec"
)

// departure is the pods of one old group that stop counting for a role.
type departure struct {
	group *group // the old group
	pods  []string
	ref   ref
}

// departing returns the pods that have the property keep on the old side
// and no longer on the new one: scaled away, moved out of the role, or
// gone with their StatefulSet. A StatefulSet scales down from its highest
// ordinal.
func (c *comparison) departing(keep func(*group) bool) []departure {
	var out []departure
	for _, o := range c.old.groups {
		if !keep(o) || o.replicas == 0 {
			continue
		}
		n := c.new.group(o.key)
		switch {
		case n == nil:
			out = append(out, departure{o, o.podNames(0, o.replicas), c.goneRef(o)})
		case !keep(n):
			out = append(out, departure{o, o.podNames(0, o.replicas), n.rolesRef})
		case n.replicas < o.replicas:
			out = append(out, departure{o, o.podNames(n.replicas, o.replicas), n.countRef})
		}
	}
	return out
}

func departedPods(deps []departure) []string {
	var pods []string
	for _, d := range deps {
		pods = append(pods, d.pods...)
	}
	return pods
}

func departureRefs(deps []departure) []ref {
	var refs []ref
	for _, d := range deps {
		refs = append(refs, d.ref)
	}
	return refs
}

func departureObjects(deps []departure) []string {
	var groups []*group
	for _, d := range deps {
		groups = append(groups, d.group)
	}
	return stsObjects(groups)
}

func holdsData(g *group) bool      { return g.holdsData() }
func masterEligible(g *group) bool { return g.masterEligible() }

// dataScaleDown: data nodes leave one at a time, each drained first.
func dataScaleDown(c *comparison) []Finding {
	deps := c.departing(holdsData)
	pods := departedPods(deps)
	if len(pods) == 0 {
		return nil
	}
	from, to := c.old.total(holdsData), c.new.total(holdsData)
	f := Finding{Field: joinRefs(departureRefs(deps)), Objects: departureObjects(deps)}
	if len(pods) == 1 {
		f.Severity, f.Rule = Disruptive, "data-scale-down"
		f.Summary = fmt.Sprintf("one data-bearing node leaves: %s (data-bearing nodes: %d before, %d after); its shards must move to the others first", pods[0], from, to)
		f.Action = fmt.Sprintf("exclude it from allocation before applying: %s; wait until GET _cat/allocation?v shows no shards on it and the cluster is green, then apply; afterwards reset the exclusion to null so that a later pod of that name can hold shards again", excludeCommand(pods))
		return []Finding{f}
	}
	last := pods[len(pods)-1]
	f.Severity, f.Rule = Unsafe, "data-scale-down-multiple"
	f.Summary = fmt.Sprintf("%d data-bearing nodes leave in one step (%s; data-bearing nodes: %d before, %d after): they stop together, and a shard whose copies all sit on them is lost",
		len(pods), strings.Join(pods, ", "), from, to)
	f.Action = fmt.Sprintf("remove one data node per change: lower the count by one, exclude that node from allocation first (%s), wait until it holds no shards (GET _cat/allocation?v) and the cluster is green, apply, and repeat",
		excludeCommand([]string{last}))
	return []Finding{f}
}

// dataRoleRemoved: Elasticsearch refuses to start a node that has shard
// data on disk but no data role.
func dataRoleRemoved(c *comparison) []Finding {
	var out []Finding
	for _, name := range c.new.nodeSets() {
		var groups []*group
		for _, g := range c.new.groupsOf(name) {
			o := c.old.group(g.key)
			if o != nil && o.holdsData() && o.replicas > 0 && !g.holdsData() && g.replicas > 0 {
				groups = append(groups, g)
			}
		}
		if len(groups) == 0 {
			continue
		}
		var refs []ref
		for _, g := range groups {
			refs = append(refs, g.rolesRef)
		}
		out = append(out, Finding{
			Severity: Unsafe, Rule: "data-role-removed", Field: joinRefs(refs), Objects: stsObjects(groups),
			Summary: fmt.Sprintf("nodeSet %s loses its data roles while its nodes hold shards: Elasticsearch refuses to start a node without a data role that finds shard data on its disk", name),
			Action: "move its shards away first (" + excludeCommand(podNamesOf(groups)) +
				"), then change the roles and clear the old shard data with elasticsearch-node repurpose; or add a nodeSet with the new roles and remove this one step by step",
		})
	}
	return out
}

// holdsContent reports whether a group's nodes hold the content tier:
// the data_content role, or the generic data role, which holds every tier.
func holdsContent(g *group) bool {
	return slices.Contains(g.roles, esspec.RoleData) || slices.Contains(g.roles, esspec.RoleDataContent)
}

// holdsOtherTier reports whether a group's nodes hold data tiers but not
// the content tier.
func holdsOtherTier(g *group) bool { return g.holdsData() && !holdsContent(g) }

// contentTierLost: from 7.10 every index outside a data stream, the
// system indices among them, is allocated to the content tier only
// (Elasticsearch reference, "Data tiers"). A change that takes the last
// data or data_content nodes away while other tiers stay leaves those
// shards nowhere to go. Validation refuses such a spec (spec.nodeSets),
// so this finding comes from rendered input: manifests patched, edited
// or rendered by an older esgen.
func contentTierLost(c *comparison) []Finding {
	if c.old.total(holdsContent) == 0 || c.new.total(holdsContent) > 0 || c.new.total(holdsOtherTier) == 0 {
		return nil
	}
	deps := c.departing(holdsContent)
	return []Finding{{
		Severity: Unsafe, Rule: "content-tier-lost", Field: joinRefs(departureRefs(deps)), Objects: departureObjects(deps),
		Summary: fmt.Sprintf("the last nodes with the data or data_content role leave the content tier (%s) while nodes of other data tiers stay: indices outside data streams, the system indices among them, can only be allocated to the content tier, so their shards have nowhere to go: replicas and new indices stay unassigned, the cluster turns red and Kibana cannot start",
			strings.Join(departedPods(deps), ", ")),
		Action: "keep data_content on a nodeSet with nodes (Elastic puts it beside data_hot); to move the content tier to other nodes, give them data_content first, wait for green, then take it off the old ones",
	}}
}

// dataTiers lists the data tiers either side uses, in esspec's role
// order; none when every data node has the generic data role only.
func (c *comparison) dataTiers() []esspec.Role {
	var tiers []esspec.Role
	for _, r := range esspec.AllRoles {
		if !strings.HasPrefix(string(r), "data_") || r == esspec.RoleDataFrozen {
			// Frozen indices are searchable snapshots without replicas.
			continue
		}
		for _, g := range slices.Concat(c.old.groups, c.new.groups) {
			if slices.Contains(g.roles, r) && !slices.Contains(tiers, r) {
				tiers = append(tiers, r)
			}
		}
	}
	return tiers
}

// replicasAllocatable: each copy of a shard needs its own node, so
// indices with N replicas need N+1 data nodes (in their tier).
func replicasAllocatable(c *comparison) []Finding {
	if c.opts.Replicas == nil {
		return nil
	}
	n := *c.opts.Replicas
	type pool struct {
		name string
		keep func(*group) bool
	}
	pools := []pool{{"data-bearing", holdsData}}
	if tiers := c.dataTiers(); len(tiers) > 0 {
		pools = nil
		for _, t := range tiers {
			pools = append(pools, pool{string(t), func(g *group) bool {
				return slices.Contains(g.roles, esspec.RoleData) || slices.Contains(g.roles, t)
			}})
		}
	}
	var out []Finding
	for _, p := range pools {
		from, to := c.old.total(p.keep), c.new.total(p.keep)
		if to >= n+1 {
			continue
		}
		refs := departureRefs(c.departing(p.keep))
		if len(refs) == 0 {
			for _, g := range c.new.groups {
				if p.keep(g) {
					refs = append(refs, g.countRef)
				}
			}
		}
		f := Finding{
			Severity: Unsafe, Rule: "replicas-unassigned", Field: joinRefs(refs),
			Summary: fmt.Sprintf("%s nodes go from %d to %d, fewer than the %d copies of a shard with %d replica(s) (--replicas %d): indices with index.number_of_replicas above %d keep replicas unassigned, and the cluster stays yellow",
				p.name, from, to, n+1, n, n, max(to-1, 0)),
			Action: fmt.Sprintf("keep at least %d %s nodes, or first lower those indices' replicas: PUT <index>/_settings {\"index.number_of_replicas\":%d}", n+1, p.name, max(to-1, 0)),
		}
		if to >= from {
			f.Severity = Info
			f.Summary = fmt.Sprintf("%s nodes stay fewer (%d) than the %d copies of a shard with %d replica(s) (--replicas %d): indices with index.number_of_replicas above %d already keep replicas unassigned",
				p.name, to, n+1, n, n, max(to-1, 0))
		}
		out = append(out, f)
	}
	return out
}

// masterScaleDown: master-eligible nodes leave one at a time, and never
// so many that the rest cannot reach the quorum.
func masterScaleDown(c *comparison) []Finding {
	deps := c.departing(masterEligible)
	pods := departedPods(deps)
	from, to := c.old.total(masterEligible), c.new.total(masterEligible)
	if len(pods) == 0 || from == 0 {
		return nil
	}
	v, _, _, vok := c.old.versions()
	stay, quorum := from-len(pods), from/2+1
	f := Finding{Field: joinRefs(departureRefs(deps)), Objects: departureObjects(deps)}
	counts := fmt.Sprintf("master-eligible nodes: %d before, %d after", from, to)
	switch {
	case stay < quorum:
		f.Severity, f.Rule = Unsafe, "master-quorum-lost"
		f.Summary = fmt.Sprintf("%d of %d master-eligible nodes leave (%s): the %s cannot reach the quorum of %d, so the cluster cannot elect a master and stops",
			len(pods), from, strings.Join(pods, ", "), plural(stay, "node that stays", "nodes that stay"), quorum)
		f.Action = fmt.Sprintf("keep at least %d of the current master-eligible nodes through every step: add new ones first, then remove old ones one per change; before each removal, %s",
			quorum, votingExclusion(v, vok, pods[len(pods)-1:]))
	case len(pods) > 1:
		f.Severity, f.Rule = Unsafe, "master-scale-down-multiple"
		f.Summary = fmt.Sprintf("%d master-eligible nodes leave in one step (%s; %s): removing several at once can leave the remaining ones without a majority of the voting configuration",
			len(pods), strings.Join(pods, ", "), counts)
		f.Action = fmt.Sprintf("remove one master-eligible node per change and wait for green between; before that, %s", votingExclusion(v, vok, pods))
	default:
		f.Severity, f.Rule = Disruptive, "master-scale-down"
		f.Summary = fmt.Sprintf("one master-eligible node leaves: %s (%s); if it is the elected master, the others elect a new one", pods[0], counts)
		f.Action = fmt.Sprintf("before applying, %s; then wait for green before the next change", votingExclusion(v, vok, pods))
	}
	return []Finding{f}
}

// masterEven: an even number of master-eligible nodes tolerates no more
// failures than one fewer would.
func masterEven(c *comparison) []Finding {
	from, to := c.old.total(masterEligible), c.new.total(masterEligible)
	if to >= from || to == 0 || to%2 != 0 {
		return nil
	}
	refs := departureRefs(c.departing(masterEligible))
	f := Finding{
		Severity: Disruptive, Rule: "master-even", Field: joinRefs(refs),
		Summary: fmt.Sprintf("master-eligible nodes go from %d to %d, an even number: %d tolerate %d failed master(s), no more than %d would", from, to, to, (to-1)/2, to-1),
		Action:  fmt.Sprintf("keep an odd number of master-eligible nodes: %d or %d", to-1, to+1),
	}
	if to == 2 {
		f.Severity = Unsafe
		f.Summary = fmt.Sprintf("master-eligible nodes go from %d to 2: two master-eligible nodes tolerate no failed master, so losing either one (a restart, a drained server) stops the cluster", from)
		f.Action = "keep 3 master-eligible nodes"
	}
	return []Finding{f}
}

// singleNode: one node holds every shard without a replica.
func singleNode(c *comparison) []Finding {
	from, to := c.old.total(allGroups), c.new.total(allGroups)
	if to != 1 || from <= 1 {
		return nil
	}
	refs := departureRefs(c.departing(allGroups))
	return []Finding{{
		Severity: Unsafe, Rule: "single-node", Field: joinRefs(refs),
		Summary: fmt.Sprintf("the cluster shrinks from %d nodes to one: that node holds every shard without a replica, and losing its server loses the data and stops the service", from),
		Action:  "keep at least three nodes: a single node is for development only; if this cluster must shrink, take a snapshot first and move its users to a cluster that can lose a server",
	}}
}
