package diff

import (
	"fmt"
	"strings"

	"github.com/esgen/esgen/esspec"
)

// upgradeFrom is the oldest version a rolling upgrade to each major starts
// from (Elastic's upgrade guides; ECK accepts 8.18.0 as the lowest source
// for 9.x). A major missing here (5.x) cannot be reached by a rolling upgrade.
var upgradeFrom = map[int]esspec.Version{
	6: {Major: 5, Minor: 6},
	7: {Major: 6, Minor: 8},
	8: {Major: 7, Minor: 17},
	9: {Major: 8, Minor: 18},
}

// versionChange: Elasticsearch never goes back a version, and goes up one
// major at a time, from that major's required minor.
func versionChange(c *comparison) []Finding {
	oldOldest, oldNewest, _, okOld := c.old.versions()
	newOldest, newNewest, at, okNew := c.new.versions()
	if !okOld || !okNew {
		return nil
	}
	refs := []ref{at}
	if newOldest.Compare(oldNewest) < 0 {
		return []Finding{{
			Severity: Unsafe, Rule: "version-downgrade", Field: joinRefs(refs), Objects: stsObjects(c.new.groups),
			Summary: fmt.Sprintf("Elasticsearch goes back from %s to %s: a node refuses to start on data a newer version wrote, and Elasticsearch supports no downgrade", oldNewest, newOldest),
			Action:  fmt.Sprintf("keep %s; to go back, restore a snapshot taken before the upgrade into a new cluster of the older version", oldNewest),
		}}
	}
	from, to := oldOldest, newNewest
	if to.Major <= from.Major {
		return nil
	}
	f := Finding{Severity: Unsafe, Rule: "upgrade-path", Field: joinRefs(refs), Objects: stsObjects(c.new.groups)}
	required, rolling := upgradeFrom[to.Major]
	switch {
	case to.Major > nextMajor(from.Major) || (rolling && from.Compare(required) < 0):
		steps := upgradeSteps(from, to)
		f.Summary = fmt.Sprintf("Elasticsearch %s cannot be upgraded to %s directly: %s", from, to, pathRule(from, to))
		f.Action = "upgrade in steps, each a rolling upgrade of its own: " + strings.Join(steps, ", then ")
	case !rolling:
		f.Summary = fmt.Sprintf("Elasticsearch %s to %s needs a full cluster restart: nodes of both majors cannot run together, and a StatefulSet rolling update runs them together", from, to)
		f.Action = "take a snapshot; reindex indices created before 2.0; scale every StatefulSet to 0, wait until every pod has stopped, then apply the new version"
	default:
		f.Severity, f.Rule = Disruptive, "major-upgrade"
		f.Summary = fmt.Sprintf("a major upgrade, %s to %s: every pod restarts on the new version, and nodes that ran it cannot go back", from, to)
		f.Action = "take a snapshot and resolve what GET _migration/deprecations reports; then upgrade one nodeSet at a time and wait for green between: data tiers from frozen to hot first, then the other nodes, the master-eligible nodes last (esgen render NEW | kubectl apply -l esgen.dev/node-set=NODESET -f -)"
	}
	return []Finding{f}
}

// pathRule says which rule an upgrade from from to to breaks.
func pathRule(from, to esspec.Version) string {
	if to.Major > nextMajor(from.Major) {
		return "an upgrade goes one major at a time"
	}
	r := upgradeFrom[to.Major]
	return fmt.Sprintf("upgrades to %d.x start from %d.%d or later", to.Major, r.Major, r.Minor)
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

// upgradeSteps lists the versions to go through from from to to.
func upgradeSteps(from, to esspec.Version) []string {
	var steps []string
	cur := from
	for major := nextMajor(from.Major); major <= to.Major; major = nextMajor(major) {
		if r, ok := upgradeFrom[major]; ok && cur.Compare(r) < 0 {
			minor, _ := esspec.LastMinor(cur.Major)
			last := esspec.Version{Major: cur.Major, Minor: minor}
			steps = append(steps, fmt.Sprintf("%d.%d (the last %d.x)", last.Major, last.Minor, last.Major))
			cur = last
		}
		if major == to.Major {
			steps = append(steps, to.String())
		} else {
			minor, _ := esspec.LastMinor(major)
			cur = esspec.Version{Major: major, Minor: minor}
			steps = append(steps, fmt.Sprintf("%d.%d", cur.Major, cur.Minor))
		}
	}
	return steps
}
