package diff

import (
	"fmt"
	"strings"

	"github.com/esgen/esgen/bootstrap"
	"github.com/esgen/esgen/esspec"
)

// upgradeKind says how Elastic lets a cluster go from one major to the next.
type upgradeKind int

const (
	// noUpgrade: the same major (a minor or patch upgrade rolls like any
	// template change), a downgrade, or a version esgen cannot read.
	noUpgrade upgradeKind = iota
	// rollingUpgrade: one node at a time, nodes of both versions running
	// together meanwhile.
	rollingUpgrade
	// fullRestartUpgrade: every node stops, then all start on the new
	// version.
	fullRestartUpgrade
	// unsupportedUpgrade: neither; the cluster goes through other
	// versions first.
	unsupportedUpgrade
)

// upgrade is a change of major and how Elastic's upgrade paths (the
// tables of its upgrade guides, 2.x to 9.x) let it happen.
type upgrade struct {
	kind     upgradeKind
	from, to esspec.Version
	at       ref // the field that sets the new version
	// why cites the rule of Elastic's upgrade paths that decides kind.
	why string
	// instead names the version to go to instead, when the target was
	// released before the source (6.8 to 7.0, 8.19 to 9.0).
	instead string
}

// upgrade returns how the cluster's nodes go from the oldest version the
// old side runs to the newest the new side runs.
func (c *comparison) upgrade() upgrade {
	if c.upgradePlan == nil {
		u := upgrade{}
		oldOldest, oldNewest, _, okOld := c.old.versions()
		newOldest, newNewest, at, okNew := c.new.versions()
		if okOld && okNew && newOldest.Compare(oldNewest) >= 0 {
			u = planUpgrade(oldOldest, newNewest)
			u.at = at
		}
		c.upgradePlan = &u
	}
	return *c.upgradePlan
}

// planUpgrade applies Elastic's upgrade paths to a change of version.
func planUpgrade(from, to esspec.Version) upgrade {
	u := upgrade{kind: unsupportedUpgrade, from: from, to: to}
	switch {
	case to.Major <= from.Major:
		u.kind = noUpgrade
	case to.Major > nextMajor(from.Major):
		u.why = "an upgrade goes one major at a time"
	case to.Major == 5:
		u.kind, u.why = fullRestartUpgrade, "there is no rolling upgrade from 2.x to 5.x"
	case to.Major == 7 && from.Minor == 8 && to.Minor == 0, to.Major == 9 && from.Minor == 19 && to.Minor == 0:
		u.why = fmt.Sprintf("%d.%d was released after %d.0, and an upgrade only goes to a release newer than the current one",
			from.Major, from.Minor, to.Major)
		u.instead = fmt.Sprintf("%d.1", to.Major)
	case to.Major == 6 && from.Minor < 6:
		u.kind, u.why = fullRestartUpgrade, "a rolling upgrade to 6.x starts from 5.6"
	case to.Major == 7 && from.Minor < 7:
		u.kind, u.why = fullRestartUpgrade, "a rolling upgrade to 7.x starts from 6.7 (to 7.0) or 6.8 (to 7.1 and later)"
	case to.Major == 7 && from.Minor == 7 && to.Minor > 0:
		u.kind, u.why = fullRestartUpgrade, "a rolling upgrade to 7.1 and later starts from 6.8; from 6.7 only 7.0 rolls"
	default:
		r := rollingSource(to)
		if from.Major == r.Major && from.Minor == r.Minor {
			u.kind = rollingUpgrade
		} else {
			u.why = fmt.Sprintf("upgrades to %s start from %d.%d", targetLine(to), r.Major, r.Minor)
		}
	}
	return u
}

// rollingSource returns the minor a rolling upgrade to version to starts
// from (Elastic's upgrade paths): the last minor of the major before,
// except 6.7 for 7.0.x and 8.18 for 9.0.x. For 5.x it returns 2.4, though
// only a full restart reaches 5.x.
func rollingSource(to esspec.Version) esspec.Version {
	switch {
	case to.Major == 7 && to.Minor == 0:
		return esspec.Version{Major: 6, Minor: 7}
	case to.Major == 9 && to.Minor == 0:
		return esspec.Version{Major: 8, Minor: 18}
	}
	prev := previousMajor(to.Major)
	minor, _ := esspec.LastMinor(prev)
	return esspec.Version{Major: prev, Minor: minor}
}

// targetLine names the versions that share to's upgrade path.
func targetLine(to esspec.Version) string {
	switch {
	case (to.Major == 7 || to.Major == 9) && to.Minor == 0:
		return fmt.Sprintf("%d.0.x", to.Major)
	case to.Major == 7 || to.Major == 9:
		return fmt.Sprintf("%d.1 and later", to.Major)
	}
	return fmt.Sprintf("%d.x", to.Major)
}

// versionChange: Elasticsearch never goes back a version, and goes up one
// major at a time, by the path Elastic's upgrade table gives: a rolling
// upgrade from the required minor, a full cluster restart, or through
// other versions first. Minor and patch upgrades get no finding of their
// own: the restart findings say what restarts.
func versionChange(c *comparison) []Finding {
	_, oldNewest, _, okOld := c.old.versions()
	newOldest, _, at, okNew := c.new.versions()
	if !okOld || !okNew {
		return nil
	}
	if newOldest.Compare(oldNewest) < 0 {
		return []Finding{{
			Severity: Unsafe, Rule: "version-downgrade", Field: at.String(), Objects: stsObjects(c.new.groups),
			Summary: fmt.Sprintf("Elasticsearch goes back from %s to %s: a node refuses to start on data a newer version wrote, and Elasticsearch supports no downgrade", oldNewest, newOldest),
			Action:  fmt.Sprintf("keep %s; to go back, restore a snapshot taken before the upgrade into a new cluster of the older version", oldNewest),
		}}
	}
	u := c.upgrade()
	from, to := u.from, u.to
	f := Finding{Severity: Unsafe, Rule: "upgrade-path", Field: u.at.String(), Objects: stsObjects(c.new.groups)}
	switch u.kind {
	case noUpgrade:
		return nil
	case unsupportedUpgrade:
		if u.instead != "" {
			f.Summary = fmt.Sprintf("Elasticsearch %s cannot be upgraded to %s: %s (Elastic's upgrade paths)", from, to, u.why)
			f.Action = fmt.Sprintf("go to %s or later instead: from %d.%d that is a rolling upgrade", u.instead, from.Major, from.Minor)
			break
		}
		f.Summary = fmt.Sprintf("Elasticsearch %s cannot be upgraded to %s directly: %s (Elastic's upgrade paths)", from, to, u.why)
		f.Action = "upgrade in steps, applying each and restarting the nodes with esgen rollout SPEC before the next: " +
			strings.Join(upgradeSteps(from, to), ", then ")
	case fullRestartUpgrade:
		f.Rule = "upgrade-full-restart"
		f.Summary = fmt.Sprintf("Elasticsearch %s to %s needs a full cluster restart (Elastic's upgrade paths: %s): nodes of the two versions cannot run in one cluster, and a restart one pod at a time would run them together",
			from, to, u.why)
		var steps []string
		if old, ok := reindexBefore[to.Major]; ok {
			steps = append(steps, fmt.Sprintf("reindex the indices created in %s, which %d.x cannot open", old, to.Major))
		}
		steps = append(steps, "take a snapshot")
		if from.Major < 7 && to.Major >= 7 {
			steps = append(steps, c.bootstrapForFullRestart())
		}
		steps = append(steps, "apply, then run esgen rollout --full-restart SPEC: every node stops, then all start on the new version, and the cluster is unavailable meanwhile")
		f.Action = strings.Join(steps, "; ")
		if to.Major > 5 {
			r := rollingSource(to)
			f.Action += fmt.Sprintf(". Or, for a rolling upgrade, upgrade to %d.%d first", r.Major, r.Minor)
		}
	case rollingUpgrade:
		f.Severity, f.Rule = Disruptive, "major-upgrade"
		f.Summary = fmt.Sprintf("a major upgrade, %s to %s, by a rolling upgrade: every pod restarts on the new version, and nodes that ran it cannot go back", from, to)
		steps := []string{"take a snapshot", "resolve what " + deprecationsRequest(from) + " reports"}
		if to.Major == 6 {
			steps = append(steps, "upgrade the internal indices (.kibana, .security, .watches) with the 5.6 Upgrade Assistant, or upgraded nodes cannot use them")
		}
		steps = append(steps, "apply, then run esgen rollout SPEC: it upgrades the data tiers from frozen to hot first, then the other nodes, the master-eligible nodes last and the elected master last of all; while nodes of both versions run, the cluster may stay yellow (replicas of an upgraded primary cannot go to an older node), which the runbook accepts as long as no shard initializes or relocates")
		f.Action = strings.Join(steps, "; ")
	}
	return []Finding{f}
}

// reindexBefore names the indices a major cannot open: those created two
// majors before it.
var reindexBefore = map[int]string{5: "1.x", 6: "2.x", 7: "5.x", 8: "6.x", 9: "7.x"}

// deprecationsRequest is the deprecation info request of a version: in
// X-Pack before 7.0 (absent from the OSS images), built in since.
func deprecationsRequest(v esspec.Version) string {
	if v.Major < 7 {
		return "GET _xpack/migration/deprecations (where X-Pack is installed)"
	}
	return "GET _migration/deprecations"
}

// bootstrapForFullRestart says what spec.bootstrap.initialMasterNodes must
// be for a full-restart upgrade from 6.x: Elastic's full cluster restart
// upgrade bootstraps the 7.x cluster with cluster.initial_master_nodes.
func (c *comparison) bootstrapForFullRestart() string {
	if c.rendersInitialMasterNodes() != nil {
		return "keep spec.bootstrap.initialMasterNodes: true for this restart (after a full restart from 6.x the 7.x masters bootstrap the cluster with cluster.initial_master_nodes), and set it to false once the cluster has formed"
	}
	return "set spec.bootstrap.initialMasterNodes: true for this restart: after a full restart from 6.x the 7.x masters elect no master until cluster.initial_master_nodes bootstraps the cluster; set it back to false once the cluster has formed"
}

// rendersInitialMasterNodes returns the first master-eligible group of the
// new side whose config lists cluster.initial_master_nodes, or nil.
func (c *comparison) rendersInitialMasterNodes() *group {
	for _, g := range c.new.groups {
		if _, ok := g.settings[bootstrap.SettingInitialMasterNodes].([]any); ok && g.masterEligible() {
			return g
		}
	}
	return nil
}

// initialMasterNodesUpgrade: a cluster that upgrades across 7.0 has
// formed, and its 7.x nodes must join it, never bootstrap one. A
// full-restart upgrade from 6.x is the exception Elastic documents (the
// upgrade-full-restart finding says so).
func initialMasterNodesUpgrade(c *comparison) []Finding {
	at := c.rendersInitialMasterNodes()
	if at == nil || !c.crossesSeven() || c.upgrade().kind == fullRestartUpgrade {
		return nil
	}
	const key = bootstrap.SettingInitialMasterNodes
	r := configMapRef(at.configMap, key)
	if c.new.spec != nil {
		r = specRef("spec.bootstrap.initialMasterNodes")
	}
	u := c.upgrade()
	return []Finding{{
		Severity: Unsafe, Rule: "initial-master-nodes-upgrade", Field: r.String(), Objects: stsObjects(c.masterGroups()),
		Summary: fmt.Sprintf("%s is rendered while a formed %d.x cluster upgrades to %s: Elastic says it must not be set on the nodes of a running cluster, and an upgraded master that restarts with it and does not find the running masters at once can bootstrap a second, empty cluster",
			key, u.from.Major, u.to),
		Action: "set spec.bootstrap.initialMasterNodes: false in the new spec: the upgraded master-eligible nodes join the running cluster and keep its state",
	}}
}

// crossesSeven reports whether nodes before 7.0 (zen discovery) give way
// to nodes from 7.0 on (cluster coordination).
func (c *comparison) crossesSeven() bool {
	oldOldest, _, _, okOld := c.old.versions()
	_, newNewest, _, okNew := c.new.versions()
	return okOld && okNew && oldOldest.Major < 7 && newNewest.Major >= 7
}

func (c *comparison) masterGroups() []*group {
	var out []*group
	for _, g := range c.new.groups {
		if g.masterEligible() {
			out = append(out, g)
		}
	}
	return out
}

// nextMajor returns the major after m: 5 follows 2, there being no 3 or 4.
func nextMajor(m int) int {
	for _, k := range esspec.KnownMajors {
		if k > m {
			return k
		}
	}
	return m + 1
}

// previousMajor returns the major before m: 2 before 5.
func previousMajor(m int) int {
	prev := m - 1
	for _, k := range esspec.KnownMajors {
		if k < m {
			prev = k
		}
	}
	return prev
}

// upgradeSteps lists the versions to go through from from to to, each
// reached by a rolling upgrade where Elastic has one: working back from
// to, each step is the minor the next one rolls from. 5.x is reached from
// any 2.x, by a full cluster restart only.
func upgradeSteps(from, to esspec.Version) []string {
	var chain []esspec.Version
	for cur := to; cur.Major > from.Major; cur = rollingSource(cur) {
		chain = append([]esspec.Version{cur}, chain...)
		if cur.Major == 5 {
			break
		}
		if r := rollingSource(cur); r.Major == from.Major && r.Minor != from.Minor {
			chain = append([]esspec.Version{r}, chain...)
		}
	}
	steps := make([]string, len(chain))
	for i, v := range chain {
		s := fmt.Sprintf("%d.%d", v.Major, v.Minor)
		if last, ok := esspec.LastMinor(v.Major); ok && v.Major == from.Major && v.Minor == last {
			s += fmt.Sprintf(" (the last %d.x)", v.Major)
		}
		if v == to {
			s = to.String()
		}
		if v.Major == 5 && from.Major == 2 {
			s += " (a full cluster restart: esgen rollout --full-restart SPEC)"
		}
		steps[i] = s
	}
	return steps
}
