package diff

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
)

// notOnPods lists spec fields that never reach a pod template:
// annotations go on objects only, the bootstrap switch is kept out of the
// config hash, and the rest configure other objects.
var notOnPods = []string{"metadata.annotations", "metadata.name", "metadata.namespace", "spec.http", "spec.kibana", "spec.bootstrap"}

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

// rollingRestart: any change to a pod template makes the StatefulSet
// replace its pods one by one.
func rollingRestart(c *comparison) []Finding {
	var out []Finding
	for _, name := range c.new.nodeSets() {
		var groups []*group
		var changed []string
		pods := 0
		for _, g := range c.new.groupsOf(name) {
			o := c.old.group(g.key)
			tc := c.templateChanges(g)
			// Only pods that run before and after restart; new ones start
			// on the new template, removed ones just stop.
			if o == nil || min(o.replicas, g.replicas) == 0 || len(tc) == 0 {
				continue
			}
			groups = append(groups, g)
			pods += int(min(o.replicas, g.replicas))
			for _, p := range tc {
				if !slices.Contains(changed, p) {
					changed = append(changed, p)
				}
			}
		}
		if len(groups) == 0 {
			continue
		}
		refs := c.restartCauses(name)
		if len(refs) == 0 {
			for _, g := range groups {
				refs = append(refs, stsRef(g.sts, "spec.template"))
			}
		}
		restart := fmt.Sprintf("its %d pods restart one at a time", pods)
		if pods == 1 {
			restart = "its only pod restarts, and the nodeSet is unavailable meanwhile"
		}
		out = append(out, Finding{
			Severity: Disruptive, Rule: "rolling-restart", Field: joinRefs(refs), Objects: stsObjects(groups),
			Summary: fmt.Sprintf("nodeSet %s rolls: %s (StatefulSet %s); the pod template changes: %s",
				name, restart, strings.Join(names(groups), ", "), listSome(changed, 4)),
			Action: fmt.Sprintf("the StatefulSet replaces each pod once the previous one is Ready, without waiting for the cluster to be green: apply one nodeSet at a time (esgen render NEW | kubectl apply -l esgen.dev/node-set=%s -f -) and wait for green before the next; to keep shards from moving meanwhile, set cluster.routing.allocation.enable to primaries before and back to null after", name),
		})
	}
	return out
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
		Summary: fmt.Sprintf("the elasticsearch.yml of %s changes (%s) without a pod template change: no pod restarts, and each node reads the new file when it next starts",
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
