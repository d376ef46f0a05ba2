// Package render turns a defaulted, valid spec into Kubernetes objects and
// writes them as deterministic YAML.
//
// The objects come in DESIGN.md's order: ConfigMaps, Services,
// PodDisruptionBudgets, then StatefulSets (master-eligible first), each
// kind sorted by name; then Kibana's Deployment, Service and (with more
// than one Kibana) PodDisruptionBudget; then the exporter's Deployment and
// Service, the ServiceMonitor and the PrometheusRule; then the
// NetworkPolicy and cert-manager Certificates.
package render

import (
	"cmp"
	"slices"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/esgen/esgen/bootstrap"
	"github.com/esgen/esgen/esspec"
	"github.com/esgen/esgen/topology"
)

// Object is a rendered Kubernetes object.
type Object interface {
	runtime.Object
	metav1.Object
}

// Objects are rendered objects in output order.
type Objects []Object

// Render builds the objects of a cluster, then applies spec.patches. The
// spec must be defaulted (see esspec.SetDefaults); a spec with validation
// errors, or a patch that fails or changes nothing, returns an
// *esspec.InvalidError and no objects. Objects are typed k8s.io/api values
// (and Certificates), patched or not. Render reads c and never changes it.
// It validates c itself (cheap next to rendering), so that a library
// caller who skipped Validate gets errors, never a half-built cluster.
func Render(spec *esspec.Cluster) (Objects, error) {
	c, err := esspec.Resolve(spec)
	if err != nil {
		return nil, err
	}
	return RenderResolved(c)
}

// RenderResolved renders a spec that esspec.Resolve has validated and
// resolved, for callers that read the resolved view themselves (diff,
// rollout) and so resolve once. Build c with esspec.Resolve only: a
// Resolved assembled by hand skips validation.
func RenderResolved(c *esspec.Resolved) (Objects, error) {
	groups := topology.Plan(c)
	var masterPods []string
	total := 0
	for i := range groups {
		total += int(groups[i].Replicas)
		if groups[i].NodeSet.MasterEligible() {
			masterPods = append(masterPods, groups[i].PodNames()...)
		}
	}
	formation := bootstrap.ClusterFormation(c, masterPods, total)
	health, _ := topology.HealthTarget(groups)

	var configMaps, services, pdbs, statefulSets []ordered
	services = append(services,
		ordered{obj: discoveryService(c)},
		ordered{obj: httpService(c)},
	)
	for i := range groups {
		g := &groups[i]
		cfg, err := buildNodeConfig(c, g, formation)
		if err != nil {
			return nil, err
		}
		cfg.health = health
		configMaps = append(configMaps, ordered{obj: configMap(c, g, cfg)})
		services = append(services, ordered{obj: headlessService(c, g)})
		rank := 1
		if g.NodeSet.MasterEligible() {
			rank = 0
		}
		statefulSets = append(statefulSets, ordered{obj: statefulSet(c, g, cfg), rank: rank})
	}
	for _, pdb := range podDisruptionBudgets(c) {
		pdbs = append(pdbs, ordered{obj: pdb})
	}
	var out Objects
	for _, kind := range [][]ordered{configMaps, services, pdbs, statefulSets} {
		slices.SortFunc(kind, func(a, b ordered) int {
			return cmp.Or(cmp.Compare(a.rank, b.rank), cmp.Compare(a.obj.GetName(), b.obj.GetName()))
		})
		for _, o := range kind {
			out = append(out, o.obj)
		}
	}
	// Then Kibana (Deployment, Service, PodDisruptionBudget), monitoring,
	// then the optional objects.
	out = append(out, kibana(c)...)
	out = append(out, monitoring(c, groups)...)
	out = append(out, networkPolicy(c)...)
	out = append(out, certificates(c, groups)...)
	return applyPatches(c, out)
}

// ordered is an object with its rank within its kind: StatefulSets of
// master-eligible nodes come first, so that `kubectl apply` creates the
// masters before the nodes that join them.
type ordered struct {
	obj  Object
	rank int
}
