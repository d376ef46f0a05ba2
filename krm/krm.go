// Package krm runs esgen as a KRM function: the configuration function
// specification kustomize, kpt and the tools built on them share. A
// function reads a ResourceList (config.kubernetes.io/v1) and writes it
// back with its items changed. Process is for sigs.k8s.io/kustomize/kyaml's
// function framework (framework.Execute); `esgen fn` runs the same core,
// package specs, through the same reader and writer without the
// framework, which would otherwise be linked into every esgen command.
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
	items, found := specs.Process(rl.Items, rl.FunctionConfig)
	results := make(framework.Results, 0, len(found))
	for _, r := range found {
		fr := &framework.Result{Message: r.Message, Severity: framework.Severity(r.Severity), ResourceRef: r.ResourceRef}
		if r.Field != nil {
			fr.Field = &framework.Field{Path: r.Field.Path}
		}
		if r.File != nil {
			fr.File = &framework.File{Path: r.File.Path, Index: r.File.Index}
		}
		results = append(results, fr)
	}
	rl.Results = append(rl.Results, results...)
	if specs.HasError(found) {
		return results
	}
	rl.Items = items
	return nil
}

// IsToolAnnotation reports whether an annotation on a spec belongs to the
// tools that handed it over rather than to the user: see
// esspec.IsToolAnnotation, which render also honours.
func IsToolAnnotation(key string) bool { return esspec.IsToolAnnotation(key) }
