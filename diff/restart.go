package diff

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"

	"github.com/esgen/esgen/esspec"
)

// notOnPods lists spec fields that never reach a pod template:
// annotations go on objects only, the bootstrap switch is kept out of the
// config hash, the update strategy and disposable mark are StatefulSet
// fields, and the rest configure other objects.
var notOnPods = []string{"metadata.annotations", "metadata.name", "metadata.namespace", "spec.http", "spec.kibana", "spec.bootstrap",
	"spec.updateStrategy", "spec.disposable"}

// restartCauses names the spec fields behind a nodeSet's template change:
// its own fields and the cluster-wide ones; failing those, other
// nodeSets' counts and roles (legacy versions write the master quorum
// into every node's config).
func (c *comparison) restartCauses(nodeSet string) []ref {
	i := c.nodeSetIndex(nodeSet)
	own := fmt.Sprintf("spec.nodeSets[%d]", i)
	refs := c.specCauses(func(p string) bool {
		if underAny(p, own) {
			return !underAny(p, own+".count", own+".storage.size", own+".storage.storageClassName")
		}
		return !underAny(p, "spec.nodeSets") && !underAny(p, notOnPods...)
	})
	if len(refs) == 0 {
		refs = c.specCauses(func(p string) bool {
			return strings.HasPrefix(p, "spec.nodeSets[") && (strings.HasSuffix(p, ".count") || strings.Contains(p, ".roles"))
		})
	}
	return refs
}

// restartBatch is the groups of one nodeSet whose running pods restart
// onto a new template in the same way.
type restartBatch struct {
	groups  []*group // new side
	old     []*group // their old side
	changed []string // template fields, relative to the template
	pods    int      // pods that run before and after
}

func (b *restartBatch) add(o, g *group, changed []string) {
	b.groups = append(b.groups, g)
	b.old = append(b.old, o)
	b.pods += int(min(o.replicas, g.replicas))
	for _, p := range changed {
		if !slices.Contains(b.changed, p) {
			b.changed = append(b.changed, p)
		}
	}
}

// rollingRestart: a pod template change restarts every running pod of the
// StatefulSet onto the new template; how depends on its update strategy.
// Under OnDelete (production master and data nodes) kubectl apply
// restarts nothing and esgen rollout restarts the pods safely
// (restart-pending); under RollingUpdate the StatefulSet replaces them on
// apply, each once the previous one is Ready, every StatefulSet at the
// same time (rolling-restart). A master or data group on emptyDir loses
// its data at each restart (data-lost-on-restart), which replaces those.
// Pods that start on the new side only, or stop, are not restarts.
func rollingRestart(c *comparison) []Finding {
	var out []Finding
	for _, name := range c.new.nodeSets() {
		var lost, pending, rolling restartBatch
		for _, g := range c.new.groupsOf(name) {
			o := c.old.group(g.key)
			if o == nil || min(o.replicas, g.replicas) == 0 {
				continue
			}
			tc := c.templateChanges(g)
			if len(tc) == 0 {
				continue
			}
			switch {
			case (o.stateful() || g.stateful()) && o.storage.kind == esspec.StorageEmptyDir && g.storage.kind == esspec.StorageEmptyDir:
				lost.add(o, g, tc)
			case g.onDelete:
				pending.add(o, g, tc)
			default:
				rolling.add(o, g, tc)
			}
		}
		if len(lost.groups) > 0 {
			out = append(out, c.dataLost(name, &lost))
		}
		if len(pending.groups) > 0 {
			out = append(out, c.restartPending(name, &pending))
		}
		if len(rolling.groups) > 0 {
			out = append(out, c.rollingUpdate(name, &rolling))
		}
	}
	return out
}

// restartRefs names the fields behind a batch's template change: the
// spec fields, or for rendered input each StatefulSet's template.
func (c *comparison) restartRefs(name string, b *restartBatch) string {
	refs := c.restartCauses(name)
	if len(refs) == 0 {
		for _, g := range b.groups {
			refs = append(refs, stsRef(g.sts, "spec.template"))
		}
	}
	return joinRefs(refs)
}

// strategyOf writes which StatefulSets have an update strategy.
func strategyOf(groups []*group) string {
	if len(groups) == 1 {
		return fmt.Sprintf("StatefulSet %s has updateStrategy %s", groups[0].sts, groups[0].strategy())
	}
	return fmt.Sprintf("StatefulSets %s have updateStrategy %s", strings.Join(names(groups), ", "), groups[0].strategy())
}

// podCount writes "its 3 pods", or "its only pod".
func podCount(n int) string {
	if n == 1 {
		return "its only pod"
	}
	return fmt.Sprintf("its %d pods", n)
}

// rolloutAction says how esgen rollout restarts stale pods.
const rolloutAction = "apply, then write the runbook with esgen rollout SPEC > rollout.sh, review it and run sh rollout.sh: it restarts the pods one at a time in Elastic's order (data tiers from frozen to hot, then the other nodes, the master-eligible nodes last) and waits for the cluster to recover between pods"

// fullRestartBy returns the rule of a finding that makes this change need
// a full cluster restart, or "".
func (c *comparison) fullRestartBy() string {
	switch {
	case len(c.securityToggles()) > 0:
		return "full-restart-security"
	case c.upgrade().kind == fullRestartUpgrade:
		return "upgrade-full-restart"
	}
	return ""
}

func (c *comparison) restartPending(name string, b *restartBatch) Finding {
	restart := fmt.Sprintf("kubectl apply restarts none of %s", podCount(b.pods))
	if b.pods == 1 {
		restart = "kubectl apply does not restart its only pod"
	}
	f := Finding{
		Severity: Disruptive, Rule: "restart-pending", Field: c.restartRefs(name, b), Objects: stsObjects(b.groups),
		Summary: fmt.Sprintf("nodeSet %s: the pod template changes (%s), and %s (%s): each pod takes the new template when it is deleted, by esgen rollout or by a drain or eviction (a drain before the rollout restarts one pod on the new template, which is fine one at a time)",
			name, listSome(b.changed, 4), restart, strategyOf(b.groups)),
		Action: rolloutAction,
	}
	switch rule := c.fullRestartBy(); {
	case rule != "":
		f.Summary = strings.Replace(f.Summary, "(a drain before the rollout restarts one pod on the new template, which is fine one at a time)",
			"(here a pod that takes the new template alone cannot join the others)", 1)
		f.Action = fmt.Sprintf("apply right before restarting them with esgen rollout --full-restart SPEC, and hold drains in between, see %s", rule)
	case c.upgrade().kind == rollingUpgrade:
		f.Summary = strings.Replace(f.Summary, "(a drain before the rollout restarts one pod on the new template, which is fine one at a time)",
			"(a drain before the rollout starts a pod on the new version out of Elastic's order)", 1)
		f.Action += "; hold drains until it is done, so that no master-eligible pod starts on the new version before the other nodes (older nodes cannot always join a newer master)"
	}
	return f
}

func (c *comparison) rollingUpdate(name string, b *restartBatch) Finding {
	restart := fmt.Sprintf("%s are replaced one at a time, each once the previous one is Ready, without waiting for the cluster to recover", podCount(b.pods))
	if b.pods == 1 {
		restart = "its only pod is replaced, and the nodeSet is unavailable meanwhile"
	}
	f := Finding{
		Severity: Disruptive, Rule: "rolling-restart", Field: c.restartRefs(name, b), Objects: stsObjects(b.groups),
		Summary: fmt.Sprintf("nodeSet %s rolls on apply (%s): %s, and every other StatefulSet whose template changes rolls at the same time; the pod template changes: %s",
			name, strategyOf(b.groups), restart, listSome(b.changed, 4)),
	}
	rule := c.fullRestartBy()
	// The pods that restart hold what the old side gave them.
	data, master := false, false
	for _, g := range slices.Concat(b.old, b.groups) {
		data, master = data || g.holdsData(), master || g.masterEligible()
	}
	switch {
	case !data && !master && rule != "":
		f.Action = fmt.Sprintf("nothing to do: they hold no shards; they cannot join the cluster until esgen rollout --full-restart SPEC has restarted the other nodes, see %s", rule)
		return f
	case !data && !master:
		f.Action = "nothing to do: they hold no shards; one pod of each StatefulSet restarts at a time"
		return f
	case data:
		f.Summary += "; pods of two StatefulSets that hold a primary and its replica can restart together, and the cluster is red until both are back"
	default:
		f.Summary += "; master-eligible pods of several StatefulSets can restart together, and the cluster has no elected master while fewer than a quorum run"
	}
	f.Action = "set spec.updateStrategy: onDelete (the production default for master and data nodes); then " + rolloutAction
	if rule != "" {
		f.Action = fmt.Sprintf("set spec.updateStrategy: onDelete first, or apply starts rolling them while this change needs a full cluster restart (see %s); then apply and restart them with esgen rollout --full-restart SPEC", rule)
	}
	return f
}

// dataLost: an emptyDir lives and dies with its pod, so a master or data
// pod that restarts starts empty.
func (c *comparison) dataLost(name string, b *restartBatch) Finding {
	how := "on apply, one at a time"
	if b.groups[0].onDelete {
		how = "when deleted, by esgen rollout or a drain"
	}
	restart := fmt.Sprintf("%s restart (%s; the pod template changes: %s)", podCount(b.pods), how, listSome(b.changed, 4))
	if b.pods == 1 {
		restart = fmt.Sprintf("its only pod restarts (%s; the pod template changes: %s)", strings.TrimSuffix(how, ", one at a time"), listSome(b.changed, 4))
	}
	f := Finding{
		Severity: Unsafe, Rule: "data-lost-on-restart", Field: c.restartRefs(name, b), Objects: stsObjects(b.groups),
	}
	data, master := false, false
	for _, g := range b.old {
		data, master = data || g.holdsData(), master || g.masterEligible()
	}
	if b.groups[0].disposable || (c.new.spec != nil && c.new.spec.Spec.Disposable) {
		f.Severity = Disruptive
		f.Summary = fmt.Sprintf("nodeSet %s keeps its data on emptyDir, and %s: each restarted pod starts on an empty data directory, and the data it held is lost, which this cluster accepts (spec.disposable)", name, restart)
		switch rule := c.fullRestartBy(); {
		case rule != "":
			f.Action = fmt.Sprintf("apply, then restart them with esgen rollout --full-restart SPEC, see %s", rule)
		case b.groups[0].onDelete:
			f.Action = "apply, then restart them with esgen rollout SPEC (their data is lost either way)"
		default:
			f.Action = "nothing to do: apply restarts them, and their data is lost"
		}
		return f
	}
	var lost []string
	if data {
		lost = append(lost, "a shard whose only copy it held is lost, and so is one whose copies all sit on pods that restart")
	}
	if master {
		lost = append(lost, "a master-eligible node comes back without the cluster state, which the cluster loses when too many restart before the others have it again")
	}
	f.Summary = fmt.Sprintf("nodeSet %s keeps its data on emptyDir, and %s: each restarted pod starts on an empty data directory: %s",
		name, restart, strings.Join(lost, "; "))
	f.Action = "keep the pod template unchanged, or move the nodeSet to persistent storage first: " +
		removeNodeSetSteps("add a nodeSet with storage.size beside it", b.old, c.old) +
		"; on a development cluster whose data does not matter, set spec.disposable: true"
	return f
}

// StrategyPatch switches a StatefulSet to OnDelete and clears the
// rollingUpdate settings the API server filled in, which kubectl apply
// would leave and validation refuses beside OnDelete.
const StrategyPatch = `{"spec":{"updateStrategy":{"type":"OnDelete","rollingUpdate":null}}}`

// updateStrategy: switching a StatefulSet between OnDelete and
// RollingUpdate changes what kubectl apply does to its pods from then on;
// switching to OnDelete needs a patch first.
func updateStrategy(c *comparison) []Finding {
	var toOnDelete, toRolling []*group
	for _, g := range c.new.groups {
		o := c.old.group(g.key)
		switch {
		case o == nil || o.onDelete == g.onDelete:
		case g.onDelete:
			toOnDelete = append(toOnDelete, g)
		default:
			toRolling = append(toRolling, g)
		}
	}
	var out []Finding
	for _, groups := range [][]*group{toOnDelete, toRolling} {
		if len(groups) == 0 {
			continue
		}
		refs := c.specCauses(func(p string) bool { return underAny(p, "spec.updateStrategy", "spec.profile") })
		if len(refs) == 0 {
			for _, g := range groups {
				if c.new.spec != nil {
					// The default follows the roles: master and data nodes
					// are OnDelete in production.
					refs = append(refs, g.rolesRef)
				} else {
					refs = append(refs, stsRef(g.sts, "spec.updateStrategy.type"))
				}
			}
		}
		f := Finding{Severity: Info, Rule: "update-strategy", Field: joinRefs(refs), Objects: stsObjects(groups)}
		list := strings.Join(names(groups), ", ")
		if groups[0].onDelete {
			// esgen writes the type, so the API server fills in no
			// rollingUpdate, and apply switches the StatefulSet. One created
			// without a type (or patched) carries rollingUpdate, which no
			// apply removes and validation refuses beside OnDelete
			// (kubernetes/kubernetes#100151).
			var patches []string
			for _, g := range groups {
				patches = append(patches, fmt.Sprintf("kubectl patch statefulset %s%s -p '%s'", g.sts, kubectlNamespace(g.namespace), StrategyPatch))
			}
			f.Summary = fmt.Sprintf("StatefulSet %s switches from RollingUpdate to OnDelete: kubectl apply no longer restarts its pods when their template changes; esgen rollout does, one at a time, waiting for the cluster to recover", list)
			f.Action = "nothing to do for StatefulSets esgen created; if one carries spec.updateStrategy.rollingUpdate (created without an update strategy, or patched), Kubernetes refuses the apply (kubernetes/kubernetes#100151): switch it first, which restarts nothing: " +
				strings.Join(patches, "; ") + ". After each change that restarts pods, apply, then run esgen rollout SPEC"
		} else {
			f.Summary = fmt.Sprintf("StatefulSet %s switches from OnDelete to RollingUpdate: on apply, the StatefulSet at once replaces, one at a time, every pod whose template is out of date, including pods an earlier apply left for esgen rollout, without waiting for the cluster to recover", list)
			f.Action = "run esgen rollout before the switch (esgen rollout OLD-SPEC, for the spec applied now), so that no pod is out of date when it happens"
		}
		out = append(out, f)
	}
	return out
}

// healthTarget: the health restarted master and data pods wait for before
// they are Ready follows the layout (render.HealthTargetKey), and running
// pods read it from their ConfigMap; only restarts see it.
func healthTarget(c *comparison) []Finding {
	var groups []*group
	var from, to string
	for _, g := range c.new.groups {
		o := c.old.group(g.key)
		if o == nil || o.health == "" || g.health == "" || o.health == g.health {
			continue
		}
		groups = append(groups, g)
		from, to = o.health, g.health
	}
	if len(groups) == 0 {
		return nil
	}
	var cms, objects []string
	var refs []ref
	for _, g := range groups {
		cms = append(cms, g.configMap)
		objects = append(objects, "ConfigMap/"+g.configMap)
		refs = append(refs, objRef("ConfigMap", g.configMap, "data["+healthKey+"]"))
	}
	if causes := c.specCauses(func(p string) bool { return underAny(p, "spec.nodeSets", "spec.topology") }); len(causes) > 0 {
		refs = causes
	} else if c.new.spec != nil {
		refs = []ref{specRef("spec.nodeSets")}
	}
	why := "with more than one data node every replica can be assigned again, and a restarted pod holds the disruption budget until they are"
	if to == "yellow" {
		why = "a cluster of one data node never assigns a replica, so green would never come"
	}
	return []Finding{{
		Severity: Info, Rule: "health-target", Field: joinRefs(refs), Objects: objects,
		Summary: fmt.Sprintf("master and data pods that restart now wait for a %s cluster instead of %s before they are Ready (%s in %s): %s",
			to, from, healthKey, listSome(cms, 4), why),
		Action: "nothing to do: running pods read the new value from their ConfigMap, and it counts at each pod's next start",
	}}
}

// listSome lists up to n items and counts the rest.
func listSome(items []string, n int) string {
	if len(items) <= n {
		return strings.Join(items, ", ")
	}
	return strings.Join(items[:n], ", ") + fmt.Sprintf(" and %d more", len(items)-n)
}

// configOnly: a ConfigMap that changes while its pods' template does not
// takes effect only at each node's next start.
func configOnly(c *comparison) []Finding {
	var groups []*group
	var keys []string
	for _, g := range c.new.groups {
		o := c.old.group(g.key)
		if o == nil || g.configMap == "" || reflect.DeepEqual(o.settings, g.settings) || len(c.templateChanges(g)) > 0 {
			continue
		}
		groups = append(groups, g)
		for _, k := range slices.Sorted(maps.Keys(g.settings)) {
			if !reflect.DeepEqual(o.settings[k], g.settings[k]) && !slices.Contains(keys, k) {
				keys = append(keys, k)
			}
		}
		for _, k := range slices.Sorted(maps.Keys(o.settings)) {
			if _, ok := g.settings[k]; !ok && !slices.Contains(keys, k) {
				keys = append(keys, k)
			}
		}
	}
	if len(groups) == 0 {
		return nil
	}
	var cms []string
	for _, g := range groups {
		cms = append(cms, g.configMap)
	}
	refs := c.specCauses(func(p string) bool {
		return !underAny(p, "metadata.labels", "metadata.annotations", "spec.http", "spec.kibana")
	})
	if len(refs) == 0 {
		for _, g := range groups {
			refs = append(refs, configMapRef(g.configMap, keys[0]))
		}
	}
	var objects []string
	for _, cm := range cms {
		objects = append(objects, "ConfigMap/"+cm)
	}
	return []Finding{{
		Severity: Info, Rule: "config-only", Field: joinRefs(refs), Objects: objects,
		Summary: fmt.Sprintf("the elasticsearch.yml of %s changes (%s) without a pod template change: no pod restarts, and each pod copies the new file when it is next created",
			strings.Join(cms, ", "), strings.Join(keys, ", ")),
		Action: "nothing to do now",
	}}
}

// metadataOnly: labels and annotations of an object change in place.
func metadataOnly(c *comparison) []Finding {
	var objects []string
	var refs []ref
	for _, ch := range c.changes {
		if ch.Action != Changed {
			continue
		}
		only, versionOnly := true, true
		for _, fc := range ch.Fields {
			only = only && underAny(fc.Path, "metadata.labels", "metadata.annotations")
			versionOnly = versionOnly && fc.Path == "metadata.labels["+labelVersion+"]"
		}
		// The version label follows spec.version, which versionChange and
		// rollingRestart report.
		if !only || versionOnly {
			continue
		}
		objects = append(objects, ch.Kind+"/"+ch.Name)
		refs = append(refs, objRef(ch.Kind, ch.Name, strings.Split(ch.Fields[0].Path, "[")[0]))
	}
	if len(objects) == 0 {
		return nil
	}
	if causes := c.specCauses(func(p string) bool {
		return underAny(p, "metadata.labels", "metadata.annotations", "spec.http.serviceAnnotations")
	}); len(causes) > 0 {
		refs = causes
	}
	return []Finding{{
		Severity: Info, Rule: "metadata-only", Field: joinRefs(refs), Objects: objects,
		Summary: fmt.Sprintf("only labels or annotations change on %s: kubectl apply updates them in place and nothing restarts", listSome(objects, 4)),
		Action:  "nothing to do",
	}}
}
