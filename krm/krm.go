// Package krm runs esgen as a KRM function: the configuration function
// specification kustomize, kpt and the tools built on them share. A
// function reads a ResourceList (config.kubernetes.io/v1) and writes it
// back with its items changed. Process is for sigs.k8s.io/kustomize/kyaml's
// function framework (framework.Execute); `esgen fn` runs the same core,
// package specs, on go.yaml.in/yaml/v3 nodes and reads and writes the
// ResourceList as kyaml's kio.ByteReadWriter does, without kyaml, which
// would otherwise be linked into every esgen command.
//
// Process replaces every esgen spec among the items with the objects
// esgen render prints for it, in the same order, and leaves every other
// item as it is, where it is. A functionConfig that is itself a spec is a
// generator (kustomize's `generators:` entry of a spec file that names the
// function in its config.kubernetes.io/function annotation): its objects
// are added to the items.
//
// The rendered objects carry none of the annotations kustomize and kpt
// use to track items (config.kubernetes.io/index, path, id): they are new
// resources, which kustomize identifies by kind, namespace and name, and
// which kpt writes to files it names itself. Each is parsed from the
// bytes esgen render prints, so quoting, block strings and key order are
// esgen's; see specs.Process for the one way a kyaml writer still differs.
package krm

import (
	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/esgen/esgen/esspec"
	"github.com/esgen/esgen/krm/specs"
)

// Group is the API group of esgen's spec. An item of kind
// ElasticsearchCluster in this group is esgen's whatever its version: a
// version this esgen does not know is reported as an error rather than
// passed through to a cluster that has no such resource.
const Group = specs.Group

// Process renders the esgen specs of a ResourceList in place. It is a
// framework.ResourceListProcessorFunc, for framework.Execute, over
// specs.Process (which says what it does with each item):
//
//   - each item that is a spec is replaced by its rendered objects, in
//     render order; other items keep their place and their content;
//   - when rl.FunctionConfig is a spec, its objects are appended, unless
//     an item is that same cluster, which is then rendered once, in place;
//   - warnings and errors are appended to rl.Results.
//
// On an error no item changes and Process returns the results as a
// framework.Results error, which framework.Execute turns into a non-zero
// exit.
func Process(rl *framework.ResourceList) error {
	nodes := make([]*yaml.Node, len(rl.Items))
	for i, item := range rl.Items {
		nodes[i] = item.YNode()
	}
	out, found := specs.Process(nodes, rl.FunctionConfig.YNode())
	results := make(framework.Results, 0, len(found))
	for _, r := range found {
		results = append(results, frameworkResult(r))
	}
	rl.Results = append(rl.Results, results...)
	if specs.HasError(found) {
		return results
	}
	rl.Items = rnodes(rl.Items, out)
	return nil
}

// frameworkResult is a result of package specs as the framework's.
func frameworkResult(r *specs.Result) *framework.Result {
	fr := &framework.Result{Message: r.Message, Severity: framework.Severity(r.Severity)}
	if ref := r.ResourceRef; ref != nil {
		fr.ResourceRef = &yaml.ResourceIdentifier{
			TypeMeta: yaml.TypeMeta{APIVersion: ref.APIVersion, Kind: ref.Kind},
			NameMeta: yaml.NameMeta{Name: ref.Name, Namespace: ref.Namespace},
		}
	}
	if r.Field != nil {
		fr.Field = &framework.Field{Path: r.Field.Path}
	}
	if r.File != nil {
		fr.File = &framework.File{Path: r.File.Path, Index: r.File.Index}
	}
	return fr
}

// rnodes returns the output nodes of specs.Process as RNodes: an item
// that was kept is the RNode it came in (a caller may hold it, and it may
// wrap a document), a rendered object a new one. Kept items come back in
// their order, so the n-th output node found among the inputs is the next
// input holding it: an input node given twice maps to each RNode in turn.
func rnodes(in []*yaml.RNode, out []*yaml.Node) []*yaml.RNode {
	given := make(map[*yaml.Node]bool, len(in))
	for _, rn := range in {
		given[rn.YNode()] = true
	}
	items := make([]*yaml.RNode, 0, len(out))
	next := 0
	for _, n := range out {
		if !given[n] {
			items = append(items, yaml.NewRNode(n))
			continue
		}
		for next < len(in) && in[next].YNode() != n {
			next++
		}
		if next == len(in) {
			// Only if specs.Process reordered the items it keeps.
			items = append(items, yaml.NewRNode(n))
			continue
		}
		items = append(items, in[next])
		next++
	}
	return items
}

// IsToolAnnotation reports whether an annotation on a spec belongs to the
// tools that handed it over rather than to the user: see
// esspec.IsToolAnnotation, which render also honours.
func IsToolAnnotation(key string) bool { return esspec.IsToolAnnotation(key) }
