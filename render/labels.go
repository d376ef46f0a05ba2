package render

import (
	"maps"

	"github.com/esgen/esgen/esspec"
	"github.com/esgen/esgen/topology"
)

// Recommended Kubernetes labels.
const (
	labelName      = "app.kubernetes.io/name"
	labelInstance  = "app.kubernetes.io/instance"
	labelComponent = "app.kubernetes.io/component"
	labelManagedBy = "app.kubernetes.io/managed-by"
	labelVersion   = LabelVersion
)

// LabelVersion carries the Elasticsearch version on every object and pod
// (never in a selector: it changes on upgrade).
const LabelVersion = "app.kubernetes.io/version"

// Components of the cluster-wide objects; nodeSet objects use the nodeSet
// name, and validation reserves these two so that they never clash.
const (
	componentDiscovery = "discovery"
	componentHTTP      = "http"
	// componentBudget labels both PodDisruptionBudgets.
	componentBudget = "disruption-budget"
)

// objectLabels returns the labels of every object of the cluster: the
// spec's metadata.labels, then esgen's own (validation keeps the spec
// from setting esgen's keys).
func objectLabels(c *esspec.Resolved, component string) map[string]string {
	l := maps.Clone(c.Metadata.Labels)
	if l == nil {
		l = map[string]string{}
	}
	l[labelName] = "elasticsearch"
	l[labelInstance] = c.Metadata.Name
	l[labelComponent] = component
	l[labelManagedBy] = "esgen"
	l[labelVersion] = c.Spec.Version
	l[esspec.LabelCluster] = c.Metadata.Name
	return l
}

// groupLabels returns the labels of a placement group's objects.
func groupLabels(c *esspec.Resolved, g *topology.Group) map[string]string {
	l := objectLabels(c, g.NodeSet.Name)
	maps.Copy(l, g.Selector)
	return l
}

// podLabels returns the labels of a group's pods: the group's labels, one
// per role, and the nodeSet's podLabels.
func podLabels(c *esspec.Resolved, g *topology.Group) map[string]string {
	ns := g.NodeSet
	l := groupLabels(c, g)
	for _, r := range ns.Roles {
		l[esspec.LabelRolePrefix+string(r)] = "true"
	}
	if ns.CoordinatingOnly() {
		l[esspec.LabelCoordinating] = "true"
	}
	if !ns.DedicatedMaster() {
		l[esspec.LabelServesHTTP] = "true"
	}
	l[esspec.LabelStateful] = statefulLabel(ns)
	maps.Copy(l, ns.PodLabels)
	return l
}

// annotations returns the spec's metadata.annotations but the tools'
// (esspec.IsToolAnnotation), merged with extra,
// or nil when there are none.
func annotations(c *esspec.Resolved, extra map[string]string) map[string]string {
	if len(c.Metadata.Annotations) == 0 && len(extra) == 0 {
		return nil
	}
	a := map[string]string{}
	for k, v := range c.Metadata.Annotations {
		// A generator file's function, a kpt path: they describe the
		// spec document, not the objects.
		if !esspec.IsToolAnnotation(k) {
			a[k] = v
		}
	}
	maps.Copy(a, extra)
	if len(a) == 0 {
		return nil
	}
	return a
}
