package diff

import (
	"fmt"
	"slices"
	"strings"

	"github.com/esgen/esgen/esspec"
)

// mutableStatefulSetFields are the spec fields of a StatefulSet that
// Kubernetes lets an update change; it refuses a change to any other.
var mutableStatefulSetFields = []string{
	"replicas", "ordinals", "template", "updateStrategy", "persistentVolumeClaimRetentionPolicy", "minReadySeconds",
}

// claimSizeSuffix ends the path of a claim template's storage request,
// which storageSize reports on its own.
const claimSizeSuffix = ".spec.resources.requests[storage]"

// immutableFields: Kubernetes refuses to change most of a StatefulSet's
// spec; the StatefulSet must be deleted without its pods and created anew.
func immutableFields(c *comparison) []Finding {
	var out []Finding
	for _, name := range c.new.nodeSets() {
		var groups []*group
		var refs []ref
		var top []string
		var first FieldChange
		claims := false
		for _, g := range c.new.groupsOf(name) {
			o := c.old.group(g.key)
			if o == nil {
				continue
			}
			hit := false
			for _, fc := range c.stsFields(g) {
				field, ok := immutableField(fc.Path)
				if !ok {
					continue
				}
				if field == "volumeClaimTemplates" && dataReplaced(o, g) && claimReplaced(o, g) {
					// Recreating the StatefulSet would restart every pod
					// onto an empty volume: dataVolumeReplaced says what
					// to do instead.
					continue
				}
				if !hit {
					groups = append(groups, g)
					hit = true
				}
				if first.Path == "" {
					first = fc
				}
				if !slices.Contains(top, field) {
					top = append(top, field)
				}
				claims = claims || field == "volumeClaimTemplates"
				refs = append(refs, c.immutableRef(g, fc.Path))
			}
		}
		if len(groups) == 0 {
			continue
		}
		for i := range top {
			top[i] = "spec." + top[i]
		}
		var recreate []string
		for _, g := range groups {
			recreate = append(recreate, "kubectl delete statefulset "+g.sts+kubectlNamespace(g.namespace)+" --cascade=orphan")
		}
		action := "recreate the StatefulSet and keep its pods running: " + strings.Join(recreate, "; ") +
			"; then apply: the new StatefulSet adopts the running pods"
		if claims {
			action += ". Existing PersistentVolumeClaims keep their old spec (only pods created later get the new claim template); to move the data onto new volumes instead, add a nodeSet with the new storage, move the shards to it (cluster.routing.allocation.exclude._name) and remove the old nodeSet one node at a time"
		}
		out = append(out, Finding{
			Severity: Unsafe, Rule: "immutable-field", Field: joinRefs(refs), Objects: stsObjects(groups),
			Summary: fmt.Sprintf("StatefulSet %s: Kubernetes refuses to change %s of an existing StatefulSet, so kubectl apply fails (%s)",
				strings.Join(names(groups), ", "), strings.Join(top, ", "), describeChange(first)),
			Action: action,
		})
	}
	return out
}

// immutableField returns the top-level spec field a StatefulSet change
// touches when Kubernetes refuses to change it. A claim's storage request
// is left to storageSize.
func immutableField(path string) (string, bool) {
	rest, ok := strings.CutPrefix(path, "spec.")
	if !ok {
		return "", false
	}
	field := rest
	if i := strings.IndexAny(rest, ".["); i >= 0 {
		field = rest[:i]
	}
	if slices.Contains(mutableStatefulSetFields, field) {
		return "", false
	}
	if field == "volumeClaimTemplates" && strings.HasSuffix(path, claimSizeSuffix) && strings.Count(path, ".spec.") == 1 {
		return "", false
	}
	return field, true
}

// immutableRef names the spec field behind an immutable change, when a
// spec field sets it; else the StatefulSet's own field.
func (c *comparison) immutableRef(g *group, path string) ref {
	if c.new.spec != nil && strings.HasPrefix(path, "spec.volumeClaimTemplates") {
		switch {
		case strings.HasSuffix(path, ".spec.storageClassName"):
			return g.classRef
		case path == "spec.volumeClaimTemplates" || path == "spec.volumeClaimTemplates[name="+volumeData+"]":
			return g.storageRef
		}
	}
	return stsRef(g.sts, path)
}

// describeChange writes a field change as path: old -> new.
func describeChange(fc FieldChange) string {
	return fc.Path + ": " + shortValue(fc.Old) + " -> " + shortValue(fc.New)
}

// shortValue writes a JSON value for a one-line report, cut at 100 bytes.
func shortValue(v []byte) string {
	if len(v) == 0 {
		return "(none)"
	}
	if len(v) > 100 {
		return string(v[:97]) + "..."
	}
	return string(v)
}

// storageSize: claims cannot shrink; they grow only on expandable storage,
// and the claim template of a StatefulSet cannot change in place.
func storageSize(c *comparison) []Finding {
	var out []Finding
	for _, name := range c.new.nodeSets() {
		var shrink, grow []*group
		var from, to string
		for _, g := range c.new.groupsOf(name) {
			o := c.old.group(g.key)
			if o == nil || o.storage.kind != esspec.StorageClaim || g.storage.kind != esspec.StorageClaim || o.storage.size == nil || g.storage.size == nil {
				continue
			}
			switch o.storage.size.Cmp(*g.storage.size) {
			case 1:
				shrink = append(shrink, g)
			case -1:
				grow = append(grow, g)
			default:
				continue
			}
			from, to = o.storage.size.String(), g.storage.size.String()
		}
		if len(shrink) > 0 {
			out = append(out, Finding{
				Severity: Unsafe, Rule: "storage-decrease", Field: joinRefs(sizeRefs(shrink)), Objects: stsObjects(shrink),
				Summary: fmt.Sprintf("nodeSet %s's volumes shrink from %s to %s: Kubernetes cannot shrink a PersistentVolumeClaim, and refuses the change to the StatefulSet's volumeClaimTemplates", name, from, to),
				Action:  fmt.Sprintf("keep %s; to use smaller volumes, add a nodeSet with the smaller size, move the shards to it (cluster.routing.allocation.exclude._name), then remove the old nodeSet one node at a time", from),
			})
		}
		if len(grow) > 0 {
			class := grow[0].storage.class
			if class == "" {
				class = "the default StorageClass"
			}
			var claims, recreate []string
			for _, g := range grow {
				for _, pod := range g.podNames(0, g.replicas) {
					claims = append(claims, volumeData+"-"+pod)
				}
				recreate = append(recreate, "kubectl delete statefulset "+g.sts+kubectlNamespace(g.namespace)+" --cascade=orphan")
			}
			patch := fmt.Sprintf(`kubectl patch pvc CLAIM%s -p '{"spec":{"resources":{"requests":{"storage":"%s"}}}}'`, kubectlNamespace(grow[0].namespace), to)
			out = append(out, Finding{
				Severity: Disruptive, Rule: "storage-increase", Field: joinRefs(sizeRefs(grow)), Objects: stsObjects(grow),
				Summary: fmt.Sprintf("nodeSet %s's volumes grow from %s to %s: Kubernetes refuses to change the claim template of an existing StatefulSet, and existing claims grow only where their StorageClass (%s) allows volume expansion", name, from, to, class),
				Action: "check that kubectl get storageclass shows ALLOWVOLUMEEXPANSION true for it; grow each claim with " + patch +
					" for CLAIM in " + strings.Join(claims, ", ") +
					"; then recreate the StatefulSet without stopping its pods: " + strings.Join(recreate, "; ") + "; and apply",
			})
		}
	}
	return out
}

func sizeRefs(groups []*group) []ref {
	var refs []ref
	for _, g := range groups {
		refs = append(refs, g.sizeRef)
	}
	return refs
}

func describeStorage(st storage) string {
	switch st.kind {
	case esspec.StorageClaim:
		return "PersistentVolumeClaims"
	case esspec.StorageHostPath:
		return "hostPath " + st.hostPath
	case esspec.StorageNone:
		return "the container's own file system"
	}
	return string(st.kind)
}

// dataMoves reports whether a master or data group's data directory moves
// to other storage: between a claim, a host directory, an emptyDir and
// none, or to another host directory. Other nodes keep nothing there
// worth moving.
func dataMoves(o, g *group) bool {
	if !o.stateful() && !g.stateful() {
		return false
	}
	if o.storage.kind != g.storage.kind {
		return true
	}
	return o.storage.kind == esspec.StorageHostPath && o.storage.hostPath != g.storage.hostPath
}

// dataReplaced reports whether pods that hold data restart with their
// data directory on other storage: what dataVolumeReplaced reports.
func dataReplaced(o, g *group) bool {
	return o.replicas > 0 && g.replicas > 0 && dataMoves(o, g)
}

// claimReplaced reports whether a master or data group's data moves
// between a PersistentVolumeClaim and other storage.
func claimReplaced(o, g *group) bool {
	return dataMoves(o, g) && (o.storage.kind == esspec.StorageClaim) != (g.storage.kind == esspec.StorageClaim)
}

// dataVolumeReplaced: a master or data node whose data directory moves to
// other storage starts on an empty one when its pod restarts; between a
// claim and other storage, Kubernetes also refuses the change to the
// StatefulSet.
func dataVolumeReplaced(c *comparison) []Finding {
	var out []Finding
	for _, name := range c.new.nodeSets() {
		var groups, old []*group
		var from, to storage
		claims := false
		for _, g := range c.new.groupsOf(name) {
			o := c.old.group(g.key)
			if o == nil || !dataReplaced(o, g) {
				continue
			}
			groups, old = append(groups, g), append(old, o)
			from, to = o.storage, g.storage
			claims = claims || claimReplaced(o, g)
		}
		if len(groups) == 0 {
			continue
		}
		var refs []ref
		for _, g := range groups {
			refs = append(refs, g.storageRef)
		}
		refused := ""
		if claims {
			refused = "Kubernetes refuses to change the volumeClaimTemplates of an existing StatefulSet, so kubectl apply fails, and recreating the StatefulSet (kubectl delete --cascade=orphan, then apply) would not move the data either: "
		}
		out = append(out, Finding{
			Severity: Unsafe, Rule: "data-volume-replaced", Field: joinRefs(refs), Objects: stsObjects(groups),
			Summary: fmt.Sprintf("nodeSet %s's data directory moves from %s to %s: %seach pod that restarts starts on an empty one, so a shard without a copy on another node is lost, and the others are copied back over the network, pod after pod",
				name, describeStorage(from), describeStorage(to), refused),
			Action: "keep the storage as it is; to move the data: " +
				removeNodeSetSteps("add a new nodeSet with the new storage beside this one", old, c.old),
		})
	}
	return out
}
