package diff

import (
	"fmt"
	"slices"
	"strings"

	"github.com/esgen/esgen/esspec"
)

// comparison holds both sides and what every rule needs.
type comparison struct {
	old, new *model
	opts     Options
	changes  []Change
	// fields holds the field changes of each changed object by objectKey.
	fields map[string][]FieldChange
	// specPaths lists the spec fields that changed; nil unless both
	// sides are specs.
	specPaths []string
	// upgradePlan caches upgrade().
	upgradePlan *upgrade
}

// rules run in this order; findings are then sorted by severity, keeping
// this order within each.
var rules = []func(*comparison) []Finding{
	nodeSetsRemoved, racksRemoved, immutableFields, storageSize, dataVolumeReplaced,
	dataScaleDown, dataRoleRemoved, contentTierLost, replicasAllocatable,
	masterScaleDown, masterEven, minimumMasterNodes, initialMasterNodes, singleNode,
	versionChange, initialMasterNodesUpgrade, fullRestartSecurity, transportCertificates,
	rollingRestart, updateStrategy, budgetsRemoved, configOnly, healthTarget, metadataOnly,
}

func (c *comparison) findings() []Finding {
	if f := clusterReplaced(c); f != nil {
		// Every object is new: the rules below would only repeat that.
		return f
	}
	var out []Finding
	for _, rule := range rules {
		out = append(out, rule(c)...)
	}
	return out
}

// stsFields returns the field changes of a group's StatefulSet.
func (c *comparison) stsFields(g *group) []FieldChange {
	return c.fields["StatefulSet/"+g.namespace+"/"+g.sts]
}

// templateChanges returns the pod template fields that change for a
// group present on both sides, relative to the template.
func (c *comparison) templateChanges(g *group) []string {
	var out []string
	for _, fc := range c.stsFields(g) {
		if p, ok := strings.CutPrefix(fc.Path, "spec.template."); ok {
			if p == "metadata.annotations["+configHashKey+"]" {
				p = "elasticsearch.yml"
			}
			if !slices.Contains(out, p) {
				out = append(out, p)
			}
		}
	}
	return out
}

// goneRef names the field of the new side that removes the old group g:
// the racks when its nodeSet stays, the nodeSets list when not; for
// rendered input, the old StatefulSet.
func (c *comparison) goneRef(g *group) ref {
	if c.new.spec == nil {
		return stsRef(g.sts, "")
	}
	if slices.Contains(c.new.nodeSets(), g.nodeSet) {
		return specRef("spec.topology.racks")
	}
	return specRef("spec.nodeSets")
}

// specCauses returns the changed spec fields that match keep, or nil
// without two specs.
func (c *comparison) specCauses(keep func(string) bool) []ref {
	var refs []ref
	for _, p := range c.specPaths {
		if keep(p) {
			refs = append(refs, specRef(p))
		}
	}
	return refs
}

// nodeSetIndex returns the index of a nodeSet in the new spec, or -1.
func (c *comparison) nodeSetIndex(name string) int {
	if c.new.spec == nil {
		return -1
	}
	return slices.IndexFunc(c.new.spec.Spec.NodeSets, func(ns esspec.NodeSet) bool { return ns.Name == name })
}

func stsObjects(groups []*group) []string {
	var out []string
	for _, g := range groups {
		if s := "StatefulSet/" + g.sts; !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

func names(groups []*group) []string {
	out := make([]string, len(groups))
	for i, g := range groups {
		out[i] = g.sts
	}
	return out
}

// kubectlNamespace returns " -n NS" for kubectl commands, or nothing.
func kubectlNamespace(ns string) string {
	if ns == "" {
		return ""
	}
	return " -n " + ns
}

// excludeCommand is the request that moves every shard off the named
// nodes, the first step before removing data nodes.
func excludeCommand(nodes []string) string {
	return fmt.Sprintf(`PUT _cluster/settings {"persistent":{"cluster.routing.allocation.exclude._name":"%s"}}`, strings.Join(nodes, ","))
}

func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}
