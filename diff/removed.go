package diff

import (
	"fmt"
	"slices"
	"strings"

	"github.com/esgen/esgen/esspec"
)

// clusterReplaced: a new cluster name or namespace makes every object new.
func clusterReplaced(c *comparison) []Finding {
	o, n := c.old, c.new
	if len(o.groups) == 0 || len(n.groups) == 0 || (o.cluster == n.cluster && o.namespace == n.namespace) {
		return nil
	}
	at := n.clusterRef
	if o.cluster == n.cluster {
		at = n.namespaceRef
	}
	return []Finding{{
		Severity: Unsafe, Rule: "cluster-replaced", Field: at.String(),
		Objects: stsObjects(o.groups),
		Summary: fmt.Sprintf("the cluster %s becomes %s: every object is new, so a new, empty cluster starts, and the old one's StatefulSets and volumes stay behind until deleted (kubectl apply --prune or a GitOps tool deletes them, and their pods' data with them)",
			describeCluster(o.namespace, o.cluster), describeCluster(n.namespace, n.cluster)),
		Action: "keep metadata.name and metadata.namespace; to move a cluster, start the new one beside it, copy the data over (snapshot and restore, or reindex from remote), then delete the old one",
	}}
}

// nodeSetsRemoved: a nodeSet the new side lacks takes its StatefulSets,
// pods and the data on their volumes with it.
func nodeSetsRemoved(c *comparison) []Finding {
	newSets := c.new.nodeSets()
	var added []string
	for _, name := range newSets {
		if !slices.Contains(c.old.nodeSets(), name) {
			added = append(added, name)
		}
	}
	var out []Finding
	for _, name := range c.old.nodeSets() {
		if slices.Contains(newSets, name) {
			continue
		}
		groups := c.old.groupsOf(name)
		pods := 0
		var refs []ref
		for _, g := range groups {
			pods += int(g.replicas)
			if c.new.spec == nil {
				refs = append(refs, stsRef(g.sts, ""))
			}
		}
		if c.new.spec != nil {
			refs = []ref{specRef("spec.nodeSets")}
			if len(added) > 0 {
				refs = []ref{c.new.groupsOf(added[0])[0].nameRef}
			}
		}
		what := "is removed"
		if len(added) > 0 {
			what = "is removed or renamed (new: " + strings.Join(added, ", ") + ")"
		}
		f := Finding{Severity: Unsafe, Rule: "nodeset-removed", Field: joinRefs(refs), Objects: stsObjects(groups)}
		if pods == 0 {
			f.Severity = Info
			f.Summary = fmt.Sprintf("nodeSet %s %s; it runs no pod, but claims its earlier pods left behind stay until deleted", name, what)
			f.Action = "nothing to do; delete its leftover PersistentVolumeClaims when their data is no longer needed"
			out = append(out, f)
			continue
		}
		f.Summary = fmt.Sprintf("nodeSet %s %s: once its StatefulSets (%s) are deleted (kubectl apply leaves them until deleted by hand, --prune or a GitOps tool), its %s go and their PersistentVolumeClaims stay behind unused: the data on them leaves the cluster, and a renamed nodeSet starts on new, empty volumes",
			name, what, strings.Join(names(groups), ", "), plural(pods, "pod", "pods"))
		f.Action = removeNodeSetSteps("keep the nodeSet and add the new one beside it", groups, c.old)
		out = append(out, f)
	}
	return out
}

// removeNodeSetSteps says how to take nodes of old groups out of the
// cluster safely, after a first step that adds their replacement.
func removeNodeSetSteps(first string, groups []*group, old *model) string {
	var pods []string
	master, data := false, false
	for _, g := range groups {
		pods = append(pods, g.podNames(0, g.replicas)...)
		master = master || g.masterEligible()
		data = data || g.holdsData()
	}
	steps := []string{first}
	if data {
		steps = append(steps, "move the shards off its nodes ("+excludeCommand(pods)+") and wait for green")
	}
	if master {
		v, _, _, ok := old.versions()
		steps = append(steps, "once the new masters have joined, "+votingExclusion(v, ok, pods))
	}
	steps = append(steps, "lower its count one node per change, then remove it")
	return strings.Join(steps, "; ")
}

// votingExclusion says how the version takes master-eligible nodes out
// of elections before they leave, as a step to take first.
func votingExclusion(v esspec.Version, ok bool, pods []string) string {
	switch {
	case ok && v.ZenDiscovery():
		return "lower the live discovery.zen.minimum_master_nodes to the quorum of the master-eligible nodes that stay (PUT _cluster/settings)"
	case ok && !v.AtLeast(7, 8, 0):
		var reqs []string
		for _, p := range pods {
			reqs = append(reqs, "POST _cluster/voting_config_exclusions/"+p)
		}
		return "exclude the leaving nodes from voting: " + strings.Join(reqs, ", ") + "; DELETE _cluster/voting_config_exclusions once they have left"
	}
	return "exclude the leaving nodes from voting: POST _cluster/voting_config_exclusions?node_names=" + strings.Join(pods, ",") +
		"; DELETE _cluster/voting_config_exclusions once they have left"
}

// racksRemoved: StatefulSets of a nodeSet that stays but loses a rack (or
// gains or loses its per-rack split) go, with their volumes.
func racksRemoved(c *comparison) []Finding {
	var gone, replacements []*group
	var racks []string
	for _, name := range c.old.nodeSets() {
		if !slices.Contains(c.new.nodeSets(), name) {
			continue
		}
		for _, g := range c.old.groupsOf(name) {
			if c.new.group(g.key) != nil {
				continue
			}
			gone = append(gone, g)
			rack := g.rack
			if rack == "" {
				rack = "no rack"
			}
			if !slices.Contains(racks, rack) {
				racks = append(racks, rack)
			}
		}
		for _, g := range c.new.groupsOf(name) {
			if c.old.group(g.key) == nil {
				replacements = append(replacements, g)
			}
		}
	}
	if len(gone) == 0 {
		return nil
	}
	pods := c.old.total(func(g *group) bool { return slices.Contains(gone, g) })
	var refs []ref
	for _, g := range gone {
		refs = append(refs, c.goneRef(g))
	}
	f := Finding{Severity: Unsafe, Rule: "rack-removed", Field: joinRefs(refs), Objects: stsObjects(gone)}
	summary := fmt.Sprintf("StatefulSets %s (%s) are removed: once deleted (kubectl apply leaves them until deleted by hand, --prune or a GitOps tool), their %s go and their PersistentVolumeClaims stay behind unused, so the data on them leaves the cluster",
		strings.Join(names(gone), ", "), strings.Join(racks, ", "), plural(pods, "pod", "pods"))
	if len(replacements) > 0 {
		summary += "; the new StatefulSets " + strings.Join(names(replacements), ", ") + " start on empty volumes"
	}
	f.Summary = summary
	if pods == 0 {
		f.Severity = Info
		f.Action = "nothing to do; delete their leftover PersistentVolumeClaims when their data is no longer needed"
		return []Finding{f}
	}
	f.Action = "change racks in steps: add the new racks first and wait for green; then remove the StatefulSets that go one at a time"
	var dataGroups []*group
	for _, g := range gone {
		if g.holdsData() {
			dataGroups = append(dataGroups, g)
		}
	}
	if pods := podNamesOf(dataGroups); len(pods) > 0 {
		f.Action += ", each after moving its shards off (" + excludeCommand(pods) + ") and waiting for green"
	}
	return []Finding{f}
}

func podNamesOf(groups []*group) []string {
	var pods []string
	for _, g := range groups {
		pods = append(pods, g.podNames(0, g.replicas)...)
	}
	return pods
}
