package diff

import (
	"fmt"
	"github.com/esgen/esgen/bootstrap"
	"slices"
	"strings"
)

// minimumMasterNodes: before 7.0 the quorum is a setting, and the live
// cluster setting must follow any change of the master-eligible nodes.
func minimumMasterNodes(c *comparison) []Finding {
	const key = bootstrap.SettingZenMinimumMasterNodes
	oldVals, newVals := settingValues(c.old, key), settingValues(c.new, key)
	if len(oldVals) == 0 {
		return nil
	}
	masters := c.new.total(masterEligible)
	quorum := masters/2 + 1
	if len(newVals) == 0 {
		if c.new.total(allGroups) == 0 {
			return nil
		}
		return []Finding{{
			Severity: Info, Rule: "minimum-master-nodes", Field: joinRefs(c.settingRefs(key, true)),
			Summary: key + " is no longer written: from 7.0 Elasticsearch manages the voting configuration itself and ignores it",
			Action:  `nothing to do; if it was set through the API, clear it: PUT _cluster/settings {"persistent":{"` + key + `":null}}`,
		}}
	}
	if slices.Equal(oldVals, newVals) && !(len(newVals) == 1 && newVals[0] != quorum) {
		return nil
	}
	f := Finding{Severity: Disruptive, Rule: "minimum-master-nodes", Field: joinRefs(c.settingRefs(key, false))}
	oldQ, newQ := joinInts(oldVals), joinInts(newVals)
	set := fmt.Sprintf(`PUT _cluster/settings {"persistent":{"%s":%d}}`, key, quorum)
	if len(newVals) != 1 || newVals[0] != quorum {
		f.Severity = Unsafe
		f.Summary = fmt.Sprintf("%s is %s but %d master-eligible nodes need %d: lower lets two halves of the cluster each elect a master (split brain), higher leaves no master elected", key, newQ, masters, quorum)
		f.Action = fmt.Sprintf("set it to %d in the manifests, and on the running cluster: %s", quorum, set)
		return []Finding{f}
	}
	f.Summary = fmt.Sprintf("%s goes from %s to %s (%d master-eligible nodes): elasticsearch.yml takes effect only when a node restarts, and the running cluster keeps its live setting", key, oldQ, newQ, masters)
	if len(oldVals) == 1 && oldVals[0] > quorum {
		f.Action = fmt.Sprintf("before removing master-eligible nodes, lower the live setting: %s; otherwise the remaining ones cannot elect a master", set)
	} else {
		f.Action = fmt.Sprintf("start the new master-eligible nodes first; once they have joined (GET _cat/nodes), raise the live setting: %s", set)
	}
	return []Finding{f}
}

// settingValues returns the distinct integer values of an
// elasticsearch.yml setting across a side's nodes, sorted.
func settingValues(m *model, key string) []int {
	var vals []int
	for _, g := range m.groups {
		v, ok := g.settings[key]
		if !ok {
			continue
		}
		var n int
		if _, err := fmt.Sscan(fmt.Sprint(v), &n); err == nil && !slices.Contains(vals, n) {
			vals = append(vals, n)
		}
	}
	slices.Sort(vals)
	return vals
}

// joinInts writes values as "2, 3".
func joinInts(vals []int) string {
	s := make([]string, len(vals))
	for i, v := range vals {
		s[i] = fmt.Sprint(v)
	}
	return strings.Join(s, ", ")
}

// settingRefs names what sets a quorum setting: for specs, the
// master-eligible counts that change; else the ConfigMaps (of the old
// side when the setting is gone) where it changes.
func (c *comparison) settingRefs(key string, gone bool) []ref {
	var refs []ref
	if c.new.spec != nil {
		for _, d := range c.departing(masterEligible) {
			refs = append(refs, d.ref)
		}
		for _, g := range c.new.groups {
			if o := c.old.group(g.key); g.masterEligible() && (o == nil || !o.masterEligible() || o.replicas != g.replicas) {
				refs = append(refs, g.countRef)
			}
		}
		if len(refs) > 0 {
			return refs
		}
		if gone {
			return []ref{specRef("spec.version")}
		}
	}
	side := c.new
	if gone {
		side = c.old
	}
	for _, g := range side.groups {
		if o := c.other(side, g); g.masterEligible() && g.configMap != "" && (o == nil || fmt.Sprint(o.settings[key]) != fmt.Sprint(g.settings[key])) {
			refs = append(refs, configMapRef(g.configMap, key))
		}
	}
	if len(refs) == 0 {
		// Unchanged while the masters changed: where it is set is the cause.
		for _, g := range side.groups {
			if _, ok := g.settings[key]; ok && g.masterEligible() {
				refs = append(refs, configMapRef(g.configMap, key))
			}
		}
	}
	return refs
}

// other returns g's counterpart on the other side of the comparison.
func (c *comparison) other(side *model, g *group) *group {
	if side == c.new {
		return c.old.group(g.key)
	}
	return c.new.group(g.key)
}

// initialMasterNodes: nodes joining a formed cluster must not carry
// cluster.initial_master_nodes, or enough of them can bootstrap a cluster
// of their own.
func initialMasterNodes(c *comparison) []Finding {
	const key = bootstrap.SettingInitialMasterNodes
	var listed []string
	var at *group
	for _, g := range c.new.groups {
		if l, ok := g.settings[key].([]any); ok && g.masterEligible() {
			at = g
			for _, v := range l {
				listed = append(listed, fmt.Sprint(v))
			}
			break
		}
	}
	if at == nil || c.old.total(masterEligible) == 0 || c.crossesSeven() {
		// Across 7.0, initialMasterNodesUpgrade and versionChange say
		// what the setting does.
		return nil
	}
	var running []string
	for _, g := range c.old.groups {
		if g.masterEligible() {
			running = append(running, g.podNames(0, g.replicas)...)
		}
	}
	var joining []string
	for _, p := range listed {
		if !slices.Contains(running, p) {
			joining = append(joining, p)
		}
	}
	if len(joining) == 0 {
		return nil
	}
	r := configMapRef(at.configMap, key)
	if c.new.spec != nil {
		r = specRef("spec.bootstrap.initialMasterNodes")
	}
	f := Finding{
		Severity: Info, Rule: "initial-master-nodes", Field: r.String(),
		Summary: fmt.Sprintf("%s is still rendered while master-eligible nodes join a formed cluster (%s): they are too few of the %d it lists to elect a cluster of their own, but the setting belongs to a new cluster only",
			key, strings.Join(joining, ", "), len(listed)),
		Action: "set spec.bootstrap.initialMasterNodes: false once a cluster has formed",
	}
	if len(joining) >= len(listed)/2+1 {
		f.Severity = Unsafe
		f.Summary = fmt.Sprintf("%s is still rendered while master-eligible nodes join a formed cluster: %s start with it and, as %d of the %d nodes it lists, can elect a new, empty cluster of their own if they do not find the running masters first",
			key, strings.Join(joining, ", "), len(joining), len(listed))
		f.Action = "the cluster has formed: set spec.bootstrap.initialMasterNodes: false and apply that alone first (it restarts no pod), then change the master-eligible nodes"
	}
	return []Finding{f}
}
