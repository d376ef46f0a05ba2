// Package specs is the core of esgen's KRM function (package krm)
// without kyaml: it renders the esgen specs among a ResourceList's items,
// given as go.yaml.in/yaml/v3 nodes, and reports results in the form of
// kyaml's function framework. The esgen command runs `esgen fn` on it
// directly, so that no esgen process links kyaml and what it pulls in
// (kube-openapi, gnostic, protobuf, go-openapi), whose initialisation
// and size every esgen process paid for; package krm wraps it for
// framework.Execute.
package specs

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/esgen/esgen/esspec"
	"github.com/esgen/esgen/render"
)

// Group is the API group of esgen's spec. An item of kind
// ElasticsearchCluster in this group is esgen's whatever its version: a
// version this esgen does not know is reported as an error rather than
// passed through to a cluster that has no such resource.
const Group = "esgen.dev"

// Severity is a result's severity, as kyaml's framework.Severity.
type Severity string

// The severities esgen reports.
const (
	Error   Severity = "error"
	Warning Severity = "warning"
)

// Result is one finding about a spec. Its YAML is that of kyaml's
// framework.Result, which ResourceList.results holds: the same keys in
// the same order, each left out when empty.
type Result struct {
	Message     string              `yaml:"message,omitempty" json:"message,omitempty"`
	Severity    Severity            `yaml:"severity,omitempty" json:"severity,omitempty"`
	ResourceRef *ResourceIdentifier `yaml:"resourceRef,omitempty" json:"resourceRef,omitempty"`
	Field       *Field              `yaml:"field,omitempty" json:"field,omitempty"`
	File        *File               `yaml:"file,omitempty" json:"file,omitempty"`
}

// ResourceIdentifier is the resource a result is about. Its YAML is that
// of kyaml's yaml.ResourceIdentifier, whose inlined TypeMeta and NameMeta
// give these four keys in this order.
type ResourceIdentifier struct {
	APIVersion string `yaml:"apiVersion,omitempty" json:"apiVersion,omitempty"`
	Kind       string `yaml:"kind,omitempty" json:"kind,omitempty"`
	Name       string `yaml:"name,omitempty" json:"name,omitempty"`
	Namespace  string `yaml:"namespace,omitempty" json:"namespace,omitempty"`
}

// Field is the field path a result is about.
type Field struct {
	Path string `yaml:"path,omitempty" json:"path,omitempty"`
}

// File is the file a spec came from, as the orchestrator's annotations
// record it, and its index in that file.
type File struct {
	Path  string `yaml:"path,omitempty" json:"path,omitempty"`
	Index int    `yaml:"index,omitempty" json:"index,omitempty"`
}

// Process renders the esgen specs among items, with functionConfig the
// ResourceList's, and returns the new items and the results:
//
//   - each item that is a spec is replaced by its rendered objects, in
//     render order; other items keep their place and their content;
//   - when functionConfig is a spec, its objects are appended, unless
//     an item is that same cluster (kustomize passes a generator's config
//     as an input item too), which is then rendered once, in place;
//   - validation warnings become results of severity warning, and load,
//     validation and render errors results of severity error, each with
//     the spec's resourceRef, its file when the item came from one, the
//     field path (spec.nodeSets[1].heap) and esgen's message.
//
// On an error (HasError) the items come back unchanged. Line numbers are
// left out: they would count lines of the item as the orchestrator
// re-serialised it, not of the user's file.
//
// The objects are parsed from esgen's own YAML bytes. kustomize writes
// resources through JSON and sigs.k8s.io/yaml, as esgen does, so its
// build prints them byte for byte as esgen render. A kyaml writer
// (kio.ByteWriter, kpt) keeps esgen's quoting, block strings and key
// order but not its line breaks: its emitter (go.yaml.in/yaml/v3) never
// folds a plain string longer than 80 columns, which yaml.v2 does. The
// values are the same.
//
// Items and functionConfig are the nodes the ResourceList holds them in
// (never document nodes); a nil item or functionConfig is no spec. Items
// that are not specs come back as the same nodes, untouched.
func Process(items []*yaml.Node, functionConfig *yaml.Node) ([]*yaml.Node, []*Result) {
	var results []*Result
	rendered := map[int][]*yaml.Node{}
	clusters := map[identity]bool{}
	for i, item := range items {
		if !isSpec(item) {
			continue
		}
		objs, res := renderItem(item)
		rendered[i] = objs
		results = append(results, res...)
		clusters[identityOf(item)] = true
	}
	var generated []*yaml.Node
	if fc := functionConfig; fc != nil && isSpec(fc) && !clusters[identityOf(fc)] {
		objs, res := renderItem(fc)
		generated = objs
		results = append(results, res...)
	}
	if HasError(results) {
		return items, results
	}
	return replaceSpecs(items, rendered, generated), results
}

// isSpec reports whether a resource is an esgen spec.
func isSpec(n *yaml.Node) bool {
	group, _, _ := strings.Cut(topString(n, "apiVersion"), "/")
	return topString(n, "kind") == esspec.Kind && group == Group
}

// identity is what tells two specs apart within one kustomization.
type identity struct{ apiVersion, kind, namespace, name string }

func identityOf(n *yaml.Node) identity {
	return identity{topString(n, "apiVersion"), topString(n, "kind"), metaString(n, "namespace"), metaString(n, "name")}
}

// HasError reports whether a result is an error: the function failed.
func HasError(results []*Result) bool {
	return slices.ContainsFunc(results, func(r *Result) bool { return r.Severity == Error })
}

// replaceSpecs returns items with each rendered one replaced by its
// objects, then the generated objects.
func replaceSpecs(items []*yaml.Node, rendered map[int][]*yaml.Node, generated []*yaml.Node) []*yaml.Node {
	out := make([]*yaml.Node, 0, len(items)+len(generated))
	for i, item := range items {
		if objs, ok := rendered[i]; ok {
			out = append(out, objs...)
			continue
		}
		out = append(out, item)
	}
	return append(out, generated...)
}

// renderItem renders one spec resource into its objects, or says why it
// cannot, as results about that resource.
func renderItem(n *yaml.Node) ([]*yaml.Node, []*Result) {
	id := identityOf(n)
	ref := &ResourceIdentifier{APIVersion: id.apiVersion, Kind: id.kind, Name: id.name, Namespace: id.namespace}
	file := fileOf(n)
	var results []*Result
	report := func(severity Severity, fieldPath, message string) {
		r := &Result{Message: message, Severity: severity, ResourceRef: ref, File: file}
		if fieldPath != "" {
			r.Field = &Field{Path: fieldPath}
		}
		results = append(results, r)
	}
	data, err := specYAML(n)
	if err != nil {
		report(Error, "", "cannot read the spec: "+err.Error())
		return nil, results
	}
	objs, problems := renderSpec(data)
	for _, p := range problems {
		report(p.severity, p.field, p.detail)
	}
	if HasError(results) {
		return nil, results
	}
	nodes, err := objectNodes(objs)
	if err != nil {
		report(Error, "", err.Error())
		return nil, results
	}
	return nodes, results
}

// fileOf returns the file an orchestrator read a resource from, as its
// annotations record it, or nil when they do not. The internal
// annotations win over the legacy ones, as in kyaml's
// kioutil.GetFileAnnotations, even when empty.
func fileOf(n *yaml.Node) *File {
	annotations := annotationsOf(n)
	path, found := annotations[internalPrefix+"path"]
	if !found {
		path = annotations["config.kubernetes.io/path"]
	}
	if path == "" {
		return nil
	}
	index, found := annotations[internalPrefix+"index"]
	if !found {
		index = annotations["config.kubernetes.io/index"]
	}
	i, _ := strconv.Atoi(index) // none: the file's only resource
	return &File{Path: path, Index: i}
}

// problem is an error or warning about a spec, by field path.
type problem struct {
	severity Severity
	field    string
	detail   string
}

// renderSpec is esgen render on a spec's bytes: load strictly, default,
// validate, render. It returns the objects, or nil and at least one
// problem of severity error; warnings come first, as the CLI prints them.
func renderSpec(data []byte) (render.Objects, []problem) {
	c, err := esspec.Load(bytes.NewReader(data))
	if err != nil {
		var le *esspec.LoadError
		if !errors.As(err, &le) {
			return nil, []problem{{Error, "", err.Error()}}
		}
		var problems []problem
		for _, p := range le.Problems {
			problems = append(problems, problem{Error, p.Field, p.Detail})
		}
		return nil, problems
	}
	esspec.SetDefaults(c)
	errs, warnings := esspec.Validate(c)
	var problems []problem
	for _, w := range warnings {
		// A warning's type says nothing ("Invalid value"): esgen prints
		// its detail alone.
		problems = append(problems, problem{Warning, w.Field, w.Detail})
	}
	if len(errs) > 0 {
		return nil, append(problems, errorProblems(errs)...)
	}
	objs, err := render.Render(c)
	if err != nil {
		var invalid *esspec.InvalidError
		if errors.As(err, &invalid) {
			return nil, append(problems, errorProblems(invalid.Errors)...)
		}
		return nil, append(problems, problem{Error, "", err.Error()})
	}
	return objs, problems
}

// errorProblems turns field errors into problems, in the wording esgen
// prints after the field: `Invalid value: "40g": detail`.
func errorProblems(errs field.ErrorList) []problem {
	problems := make([]problem, 0, len(errs))
	for _, fe := range errs {
		problems = append(problems, problem{Error, fe.Field, fe.ErrorBody()})
	}
	return problems
}

// objectNodes parses each object from the document esgen render writes
// for it, so that a kyaml writer keeps esgen's quoting, block strings and
// key order, which converting the typed object would not (its status,
// and whole numbers such as 2147483647 as floats).
func objectNodes(objs render.Objects) ([]*yaml.Node, error) {
	nodes := make([]*yaml.Node, 0, len(objs))
	for _, obj := range objs {
		doc, err := render.MarshalObject(obj)
		if err != nil {
			return nil, err
		}
		var n yaml.Node
		if err := yaml.Unmarshal(doc, &n); err != nil || n.Kind != yaml.DocumentNode || len(n.Content) != 1 {
			return nil, fmt.Errorf("esgen's own YAML for %s %s does not parse as one document: %v", obj.GetObjectKind().GroupVersionKind().Kind, obj.GetName(), err)
		}
		nodes = append(nodes, n.Content[0])
	}
	return nodes, nil
}
