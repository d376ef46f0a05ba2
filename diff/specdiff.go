package diff

import (
	"slices"
	"strings"

	"github.com/esgen/esgen/esspec"
)

// specChanges returns the paths of the spec fields that differ between
// two defaulted specs, as Validate writes them (spec.nodeSets[1].count,
// metadata.labels[team]). NodeSets are matched by name and named by their
// index in the new spec; a nodeSet only the old spec has is
// spec.nodeSets[name=x].
func specChanges(old, new *esspec.Resolved) []string {
	o := *old.Cluster
	o.Spec.NodeSets = inOrderOf(old.Spec.NodeSets, new.Spec.NodeSets)
	changes := fieldChanges(&o, new.Cluster)
	var paths []string
	for _, fc := range changes {
		segs := fc.segs
		if len(segs) > 2 && segs[0].name == "spec" && segs[1].name == "nodeSets" && segs[2].kind == segNamed {
			if i := slices.IndexFunc(new.Spec.NodeSets, func(ns esspec.NodeSet) bool { return ns.Name == segs[2].name }); i >= 0 {
				segs = slices.Concat(segs[:2], []segment{{kind: segIndex, index: i}}, segs[3:])
			}
		}
		// A list of plain values (roles, racks) is one field.
		if n := len(segs); n > 0 && segs[n-1].kind == segIndex && isScalar(fc.FieldChange) {
			segs = segs[:n-1]
		}
		p := formatPath(segs)
		if p == "spec.image" && defaultImage(old) && defaultImage(new) {
			// The image follows the version: spec.version names the cause.
			continue
		}
		if !slices.Contains(paths, p) {
			paths = append(paths, p)
		}
	}
	return paths
}

// isScalar reports whether a changed value is a string, number or boolean.
func isScalar(fc FieldChange) bool {
	for _, v := range [][]byte{fc.Old, fc.New} {
		if len(v) > 0 && (v[0] == '{' || v[0] == '[') {
			return false
		}
	}
	return true
}

// defaultImage reports whether a spec uses its version's official image.
func defaultImage(c *esspec.Resolved) bool {
	return c.Spec.Image == c.Version.DefaultImage()
}

// inOrderOf returns the old nodeSets with those the new spec keeps in the
// new spec's order, so that moving a nodeSet in the list is no change.
func inOrderOf(old, new []esspec.NodeSet) []esspec.NodeSet {
	out := slices.Clone(old)
	rank := func(ns esspec.NodeSet) int {
		if i := slices.IndexFunc(new, func(n esspec.NodeSet) bool { return n.Name == ns.Name }); i >= 0 {
			return i
		}
		return len(new)
	}
	slices.SortStableFunc(out, func(a, b esspec.NodeSet) int { return rank(a) - rank(b) })
	return out
}

// underAny reports whether path is one of prefixes or a field below one.
func underAny(path string, prefixes ...string) bool {
	for _, p := range prefixes {
		if path == p || strings.HasPrefix(path, p+".") || strings.HasPrefix(path, p+"[") {
			return true
		}
	}
	return false
}
