// Package kpatch applies kustomize patches (strategic merge and JSON
// 6902, with kustomize's target selection) to objects held as YAML
// nodes, without linking kustomize: kustomize's packages initialise an
// OpenAPI schema, protobuf descriptors and a file system layer in every
// esgen process, whether or not its spec has patches. The behaviour is
// kustomize's (sigs.k8s.io/kustomize/api v0.21.2, whose PatchTransformer
// esgen used before), held there by differential tests that run both.
package kpatch

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"regexp"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
	jsonpatch "gopkg.in/evanphx/json-patch.v4"
	"k8s.io/apimachinery/pkg/labels"
	sigsyaml "sigs.k8s.io/yaml"

	"github.com/esgen/esgen/internal/ynode"
)

// Target selects the objects a patch applies to, as kustomize's patch
// target: every field is an anchored regular expression except the
// selectors, which are label selectors over labels and annotations.
type Target struct {
	Group, Version, Kind, Name, Namespace string
	LabelSelector, AnnotationSelector     string
}

// Apply applies one patch, strategic merge or JSON 6902, to objects
// (each a mapping node of one object, modified in place) and returns
// the objects after it, in order, without those the patch deleted.
func Apply(objects []*yaml.Node, patch string, target *Target) ([]*yaml.Node, error) {
	text := strings.TrimSpace(patch)
	smp, errSM := strategicPatches(text)
	ops, errJSON := jsonPatch(text)
	switch {
	case errSM != nil && errJSON != nil:
		return nil, fmt.Errorf("neither a strategic merge patch (%v) nor a JSON 6902 patch (%v)", errSM, errJSON)
	case errSM == nil && errJSON == nil && len(smp) > 0 && len(ops) > 0:
		return nil, errors.New("it reads both as a strategic merge and as a JSON 6902 patch")
	case errSM == nil:
		return applyStrategic(objects, smp, target)
	}
	return applyJSON(objects, ops, target)
}

// strategicPatches reads the documents of a strategic merge patch as
// kustomize's resource factory does: each names a kind and, unless it is
// a List, metadata.name; a List's items are patches of their own.
func strategicPatches(text string) ([]*yaml.Node, error) {
	dec := yaml.NewDecoder(strings.NewReader(text))
	var queue []*yaml.Node
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		n, err := readPatch(&doc)
		if err != nil {
			return nil, err
		}
		if n != nil {
			queue = append(queue, n)
		}
	}
	var docs []*yaml.Node
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		kind := scalarField(n, "kind")
		items := ynode.Field(n, "items")
		if !strings.HasSuffix(kind, "List") || items == nil {
			docs = append(docs, n)
			continue
		}
		if taggedNull(items) {
			continue
		}
		if items.Kind != yaml.SequenceNode {
			return nil, fmt.Errorf("expected a list in %s/items", kind)
		}
		for _, item := range items.Content {
			item, err := readPatch(item)
			if err != nil {
				return nil, err
			}
			if item != nil {
				queue = append(queue, item)
			}
		}
	}
	return docs, nil
}

// readPatch is one patch document as kustomize's factory reads it
// (kio.FromBytes, then dropBadNodes): aliases expanded, nil when empty,
// an error without kind or name.
func readPatch(doc *yaml.Node) (*yaml.Node, error) {
	n, err := plain(doc)
	if err != nil || ynode.IsNilOrEmpty(n) {
		return nil, err
	}
	if err := validPatch(n); err != nil {
		return nil, err
	}
	return n, nil
}

// validPatch is kyaml's GetValidatedMetadata on a patch document.
func validPatch(n *yaml.Node) error {
	return validMetadata(n, "a patch document", "patch")
}

// validMetadata is kyaml's GetValidatedMetadata: a kind, and a
// metadata.name unless the kind is a List. what names the node in the
// error ("a patch document"), noun follows the kind ("the Service patch").
func validMetadata(n *yaml.Node, what, noun string) error {
	kind := scalarField(n, "kind")
	if n.Kind != yaml.MappingNode || kind == "" {
		return fmt.Errorf("%s has no kind", what)
	}
	if !strings.HasSuffix(kind, "List") && metaString(n, "name") == "" {
		return fmt.Errorf("the %s %s has no metadata.name", kind, noun)
	}
	return nil
}

// plain returns a document's content with aliases and merge keys
// expanded, as kustomize reads patches (kio.FromBytes with
// AnchorsAweigh).
func plain(doc *yaml.Node) (*yaml.Node, error) {
	if doc == nil {
		return nil, nil
	}
	if doc.Kind == yaml.DocumentNode {
		if len(doc.Content) == 0 {
			return nil, nil
		}
		doc = doc.Content[0]
	}
	if !hasAlias(doc) {
		return doc, nil
	}
	var v any
	if err := doc.Decode(&v); err != nil {
		return nil, err
	}
	var out yaml.Node
	if err := out.Encode(v); err != nil {
		return nil, err
	}
	return &out, nil
}

func hasAlias(n *yaml.Node) bool {
	if n.Kind == yaml.AliasNode || n.Anchor != "" {
		return true
	}
	for _, c := range n.Content {
		if hasAlias(c) {
			return true
		}
	}
	return false
}

// jsonPatch decodes a JSON 6902 patch, JSON or YAML, as kustomize does.
func jsonPatch(text string) (jsonpatch.Patch, error) {
	if text == "" {
		return nil, errors.New("empty json patch operations")
	}
	data := []byte(text)
	if text[0] != '[' {
		var err error
		if data, err = sigsyaml.YAMLToJSON(data); err != nil {
			return nil, err
		}
	}
	return jsonpatch.DecodePatch(data)
}

// scalarField is a mapping's field value when it is a scalar.
func scalarField(n *yaml.Node, name string) string {
	if v := ynode.Field(n, name); v != nil && v.Kind == yaml.ScalarNode && !taggedNull(v) {
		return v.Value
	}
	return ""
}

// metadata is kyaml's getMetaData: the object's metadata unless it is
// empty.
func metadata(n *yaml.Node) *yaml.Node {
	if m := ynode.Field(n, "metadata"); !ynode.IsNilOrEmpty(m) {
		return m
	}
	return nil
}

// metaString is kyaml's getMetaStringField (GetName, GetNamespace).
func metaString(n *yaml.Node, name string) string {
	if v := ynode.Field(metadata(n), name); !ynode.IsNilOrEmpty(v) {
		return v.Value
	}
	return ""
}

// metaMap is kyaml's getMapFromMeta (GetLabels, GetAnnotations): the
// values of a metadata map as strings.
func metaMap(n *yaml.Node, name string) map[string]string {
	out := map[string]string{}
	if v := ynode.Field(metadata(n), name); v != nil {
		for i := 0; i+1 < len(v.Content); i += 2 {
			if _, seen := out[v.Content[i].Value]; !seen {
				out[v.Content[i].Value] = v.Content[i+1].Value
			}
		}
	}
	return out
}

// setMetaMap is kyaml's setMapInMetadata (SetLabels, SetAnnotations):
// the map rewritten as strings in key order, or removed when empty.
func setMetaMap(obj *yaml.Node, name string, values map[string]string) {
	meta := ynode.Field(obj, "metadata")
	if meta == nil || meta.Kind != yaml.MappingNode {
		meta = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		clearField(obj, "metadata")
		obj.Content = append(obj.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: "metadata"}, meta)
	}
	clearField(meta, name)
	if len(values) == 0 {
		return
	}
	m := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	for _, k := range slices.Sorted(maps.Keys(values)) {
		m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: k},
			&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: values[k]})
	}
	meta.Content = append(meta.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: name}, m)
}

// id is what kustomize identifies an object by.
type id struct {
	group, version, kind, name, namespace string
}

func idOf(n *yaml.Node) id {
	group, version, _ := strings.Cut(scalarField(n, "apiVersion"), "/")
	if version == "" {
		group, version = "", group
	}
	return id{group: group, version: version, kind: scalarField(n, "kind"),
		name: metaString(n, "name"), namespace: effectiveNamespace(metaString(n, "namespace"))}
}

// effectiveNamespace is kustomize's: no namespace is "default". (Every
// kind esgen renders is namespaced.)
func effectiveNamespace(ns string) string {
	if ns == "" {
		return "default"
	}
	return ns
}

// applyStrategic merges each patch document into the object it names,
// or the one document into every object the target selects.
func applyStrategic(objects []*yaml.Node, patches []*yaml.Node, target *Target) ([]*yaml.Node, error) {
	if target != nil {
		if len(patches) > 1 {
			return nil, errors.New("a patch with a target holds one strategic merge patch, not several documents")
		}
		selected, err := selectObjects(objects, target)
		if err != nil {
			return nil, err
		}
		for i, obj := range objects {
			if !selected[i] {
				continue
			}
			// kustomize's ResMap.ApplySmPatch: a copy of the patch whose
			// labels and annotations are rewritten as strings and whose
			// apiVersion is the object's.
			p := ynode.Copy(patches[0])
			setMetaMap(p, "labels", metaMap(p, "labels"))
			setMetaMap(p, "annotations", metaMap(p, "annotations"))
			setScalar(ynode.Field(p, "metadata"), "name", metaString(p, "name"))
			if ns := metaString(p, "namespace"); ns == "" {
				clearField(ynode.Field(p, "metadata"), "namespace")
			} else {
				setScalar(ynode.Field(p, "metadata"), "namespace", ns)
			}
			setScalar(p, "apiVersion", scalarField(obj, "apiVersion"))
			setScalar(p, "kind", scalarField(p, "kind"))
			objects[i], err = mergeObject(obj, p)
			if err != nil {
				return nil, err
			}
		}
		return finish(compact(objects))
	}
	for _, p := range patches {
		want := idOf(p)
		at := -1
		for i, obj := range objects {
			if obj != nil && idOf(obj) == want {
				if at >= 0 {
					return nil, fmt.Errorf("the %s patch %q matches more than one object", want.kind, want.name)
				}
				at = i
			}
		}
		if at < 0 {
			return nil, fmt.Errorf("no object matches the %s patch %q (apiVersion, kind, name and namespace must match one)", want.kind, want.name)
		}
		var err error
		if objects[at], err = mergeObject(objects[at], p); err != nil {
			return nil, err
		}
	}
	return finish(compact(objects))
}

// mergeObject is kustomize's Resource.ApplySmPatch: the merge, then the
// object's kind, name and namespace back; nil when the patch deleted it.
func mergeObject(obj, patch *yaml.Node) (*yaml.Node, error) {
	before := idOf(obj)
	ns := metaString(obj, "namespace")
	kind := scalarField(obj, "apiVersion") + "/" + before.kind
	m := &merger{kind: kind, keep: map[*yaml.Node]bool{}}
	// The merge changes obj in place; what it returns tells only whether
	// the object is deleted (kustomize's Resource.ApplyFilter), so a
	// $patch: replace of the whole object changes nothing.
	out, err := m.walk(obj, patch, nil, "")
	if err != nil {
		return nil, err
	}
	if out == nil {
		return nil, nil
	}
	out = obj
	setScalar(out, "kind", before.kind)
	meta := ynode.Field(out, "metadata")
	if meta == nil || meta.Kind != yaml.MappingNode {
		meta = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
		m.setField(out, "metadata", meta, 0)
		meta = ynode.Field(out, "metadata")
	}
	setScalar(meta, "name", before.name)
	if ns == "" {
		clearField(meta, "namespace")
	} else {
		setScalar(meta, "namespace", ns)
	}
	return out, nil
}

// setScalar sets a field to an untagged plain scalar, as kyaml's
// SetMapField with NewScalarRNode does.
func setScalar(n *yaml.Node, name, value string) {
	(&merger{}).setField(n, name, &yaml.Node{Kind: yaml.ScalarNode, Value: value}, 0)
}

// applyJSON applies a JSON 6902 patch to every object the target
// selects, through JSON as kustomize does.
func applyJSON(objects []*yaml.Node, ops jsonpatch.Patch, target *Target) ([]*yaml.Node, error) {
	if target == nil {
		return nil, errors.New("a JSON 6902 patch needs a target")
	}
	selected, err := selectObjects(objects, target)
	if err != nil {
		return nil, err
	}
	for i, obj := range objects {
		if !selected[i] {
			continue
		}
		// kustomize records an object's id in build annotations before a
		// JSON patch, so the patch sees them (an added annotation needs
		// no annotations map), and puts its internal ones back after it.
		o := idOf(obj)
		ann := metaMap(obj, "annotations")
		for k, v := range map[string]string{previousNames: o.name, previousNamespaces: o.namespace, previousKinds: o.kind} {
			if ann[k] != "" {
				v = ann[k] + "," + v
			}
			ann[k] = v
		}
		setMetaMap(obj, "annotations", ann)
		internal := map[string]string{}
		for k, v := range ann {
			if strings.HasPrefix(k, internalPrefix) {
				internal[k] = v
			}
		}
		doc, err := ToJSON(obj)
		if err != nil {
			return nil, err
		}
		if doc, err = ops.Apply(doc); err != nil {
			return nil, err
		}
		var m map[string]any
		if err := json.Unmarshal(doc, &m); err != nil {
			return nil, err
		}
		var out yaml.Node
		if err := out.Encode(m); err != nil {
			return nil, err
		}
		ann = metaMap(&out, "annotations")
		for k, v := range internal {
			ann[k] = v
		}
		setMetaMap(&out, "annotations", ann)
		if err := validMetadata(&out, "the object", "object"); err != nil {
			return nil, fmt.Errorf("after the patch: %w", err)
		}
		// kustomize follows a renamed object into the fields that refer
		// to it (its name reference transformer); esgen's objects refer
		// to each other by the names the spec gives them, so a patch
		// does not rename.
		if after := idOf(&out); after.name != o.name {
			return nil, fmt.Errorf("it renames the %s %q to %q: esgen's objects refer to each other by name; rename through the spec",
				o.kind, o.name, after.name)
		}
		objects[i] = &out
	}
	return finish(objects)
}

// kustomize's build annotations: internal to a build, removed from
// every object at its end.
const (
	internalPrefix     = "internal.config.kubernetes.io/"
	previousNames      = internalPrefix + "previousNames"
	previousNamespaces = internalPrefix + "previousNamespaces"
	previousKinds      = internalPrefix + "previousKinds"
)

var buildAnnotations = []string{
	previousKinds, previousNames, internalPrefix + "prefixes", internalPrefix + "suffixes", previousNamespaces,
	internalPrefix + "allowNameChange", internalPrefix + "allowKindChange", internalPrefix + "refBy",
	internalPrefix + "generatorBehavior", internalPrefix + "needsHashSuffix",
	internalPrefix + "path", internalPrefix + "index", internalPrefix + "seqindent", internalPrefix + "id",
	internalPrefix + "annotations-migration-resource-id",
	"config.kubernetes.io/path", "config.kubernetes.io/index", "config.k8s.io/id",
	// kustomize's origin and transformer annotations, off by default.
	"config.kubernetes.io/origin", "alpha.config.kubernetes.io/transformations",
}

// finish is the end of a kustomize build: every object's annotations
// rewritten without build annotations (as strings, in key order; none
// left, no annotations field).
func finish(objects []*yaml.Node) ([]*yaml.Node, error) {
	seen := map[id]bool{}
	for _, obj := range objects {
		o := idOf(obj)
		if seen[o] {
			return nil, fmt.Errorf("it gives two objects one id: %s %q", o.kind, o.name)
		}
		seen[o] = true
		ann := metaMap(obj, "annotations")
		for _, k := range buildAnnotations {
			delete(ann, k)
		}
		setMetaMap(obj, "annotations", ann)
	}
	return objects, nil
}

// selectObjects marks the objects target selects, as kustomize's
// ResMap.Select does.
func selectObjects(objects []*yaml.Node, t *Target) ([]bool, error) {
	var res [5]*regexp.Regexp
	for i, pattern := range []string{t.Group, t.Version, t.Kind, t.Name, t.Namespace} {
		if pattern == "" {
			continue
		}
		var err error
		if res[i], err = regexp.Compile("^(?:" + pattern + ")$"); err != nil {
			return nil, err
		}
	}
	labelSel, err := labels.Parse(t.LabelSelector)
	if err != nil {
		return nil, err
	}
	annotationSel, err := labels.Parse(t.AnnotationSelector)
	if err != nil {
		return nil, err
	}
	selected := make([]bool, len(objects))
	for i, obj := range objects {
		o := idOf(obj)
		ok := true
		for j, v := range []string{o.group, o.version, o.kind, o.name, o.namespace} {
			if res[j] != nil && !res[j].MatchString(v) {
				ok = false
			}
		}
		selected[i] = ok && labelSel.Matches(labels.Set(metaMap(obj, "labels"))) &&
			annotationSel.Matches(labels.Set(metaMap(obj, "annotations")))
	}
	return selected, nil
}

// compact drops the objects a patch deleted.
func compact(objects []*yaml.Node) []*yaml.Node {
	out := objects[:0]
	for _, o := range objects {
		if o != nil {
			out = append(out, o)
		}
	}
	return out
}

// ToJSON is an object's JSON, as kyaml's RNode.MarshalJSON writes it:
// through YAML text, where a scalar's style can make it a string.
func ToJSON(n *yaml.Node) ([]byte, error) {
	text, err := yaml.Marshal(n)
	if err != nil {
		return nil, err
	}
	m := map[string]any{}
	if err := yaml.Unmarshal(text, &m); err != nil {
		return nil, err
	}
	return json.Marshal(m)
}
