package main

// The orchestrators' annotations on a ResourceList's items, handled as
// kyaml's kio and kioutil packages handle them for framework.Execute
// (sigs.k8s.io/kustomize/kyaml v0.21.2), on go.yaml.in/yaml/v3 nodes.
// esgen fn must write what framework.Execute writes byte for byte, and
// these steps change items: each function below follows kyaml's
// counterpart step for step, quirks included (which entry of a duplicate
// key counts, a null read as no value, a value overwritten in place), so
// that shared anchors and odd inputs come out as kyaml leaves them.
// TestFnDifferential and TestFnAnnotationsMatchKio hold the two together.

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/esgen/esgen/internal/ynode"
)

// The annotations kyaml keeps in step (kioutil).
const (
	internalPrefix        = "internal.config.kubernetes.io/"
	pathAnnotation        = internalPrefix + "path"
	indexAnnotation       = internalPrefix + "index"
	idAnnotation          = internalPrefix + "id"
	legacyPathAnnotation  = "config.kubernetes.io/path"
	legacyIndexAnnotation = "config.kubernetes.io/index"
	legacyIDAnnotation    = "config.k8s.io/id"
	migrationIDAnnotation = internalPrefix + "annotations-migration-resource-id"
)

// errAnnotationsMismatch is kio's message when the two forms disagree.
const errAnnotationsMismatch = "resource input to function has mismatched legacy and internal %s annotations"

// annotationPair is an internal annotation and its legacy form.
type annotationPair struct{ internal, legacy, what string }

// annotationPairs in the order kyaml visits them.
var annotationPairs = []annotationPair{
	{pathAnnotation, legacyPathAnnotation, "path"},
	{indexAnnotation, legacyIndexAnnotation, "index"},
	{idAnnotation, legacyIDAnnotation, "id"},
}

// kindNames are kyaml's names for node kinds, which its errors use.
var kindNames = map[yaml.Kind]string{
	yaml.DocumentNode: "DocumentNode",
	yaml.SequenceNode: "SequenceNode",
	yaml.MappingNode:  "MappingNode",
	yaml.ScalarNode:   "ScalarNode",
	yaml.AliasNode:    "AliasNode",
}

// checkMapping is kyaml's ErrorIfInvalid(n, MappingNode), with its
// message: a null passes, as kyaml lets it.
func checkMapping(n *yaml.Node) error {
	if ynode.IsNull(n) {
		return nil
	}
	if n.Kind != yaml.MappingNode {
		msg := "wrong node kind: expected MappingNode but got " + kindNames[n.Kind]
		if s, err := encodeNode(n); err == nil {
			msg += ": node contents:\n" + s
		}
		return errors.New(msg)
	}
	if len(n.Content)%2 != 0 {
		return fmt.Errorf("yaml MappingNodes must have even length contents: content length %d", len(n.Content))
	}
	return nil
}

// encodeNode writes a node as kyaml's yaml.String does.
func encodeNode(n *yaml.Node) (string, error) {
	var b bytes.Buffer
	err := encode(&b, n)
	return b.String(), err
}

// fieldValue is kyaml's FieldMatcher{Name: key}: nil in a null, an error in
// what is not a mapping.
func fieldValue(n *yaml.Node, key string) (*yaml.Node, error) {
	if ynode.IsNull(n) {
		return nil, nil
	}
	if err := checkMapping(n); err != nil {
		return nil, err
	}
	return ynode.Field(n, key), nil
}

// lookupPath is kyaml's Lookup(path...): nil once a step is missing.
func lookupPath(n *yaml.Node, path ...string) (*yaml.Node, error) {
	for _, key := range path {
		v, err := fieldValue(n, key)
		if err != nil || v == nil {
			return nil, err
		}
		n = v
	}
	return n, nil
}

// lookupCreate is kyaml's LookupCreate(MappingNode, path...): a missing
// step is appended as an empty block mapping, but a null on the way
// stops it without an error.
func lookupCreate(n *yaml.Node, path ...string) (*yaml.Node, error) {
	for _, key := range path {
		if ynode.IsNull(n) {
			return nil, nil
		}
		if err := checkMapping(n); err != nil {
			return nil, err
		}
		v := ynode.Field(n, key)
		if v == nil {
			v = &yaml.Node{Kind: yaml.MappingNode}
			n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: key}, v)
		}
		n = v
	}
	return n, nil
}

// clearField is kyaml's FieldClearer: it removes key's first entry, or
// with ifEmpty its first entry whose value has no content (a scalar, an
// alias or an empty collection).
func clearField(n *yaml.Node, key string, ifEmpty bool) error {
	if err := checkMapping(n); err != nil {
		return err
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value != key || ifEmpty && len(n.Content[i+1].Content) > 0 {
			continue
		}
		n.Content = append(n.Content[:i], n.Content[i+2:]...)
		return nil
	}
	return nil
}

// clearEmptyAnnotations is kyaml's ClearEmptyAnnotations.
func clearEmptyAnnotations(n *yaml.Node) error {
	meta, err := lookupPath(n, "metadata")
	if err != nil {
		return err
	}
	if meta != nil {
		if err := clearField(meta, "annotations", true); err != nil {
			return err
		}
	}
	return clearField(n, "metadata", true)
}

// setAnnotation is kyaml's SetAnnotation: a single-quoted string, which
// replaces an existing value in place and keeps its style.
func setAnnotation(n *yaml.Node, key, value string) error {
	v := &yaml.Node{}
	v.SetString(value)
	v.Style = yaml.SingleQuotedStyle
	if err := clearEmptyAnnotations(n); err != nil {
		return err
	}
	annotations, err := lookupCreate(n, "metadata", "annotations")
	if err != nil || annotations == nil {
		return err
	}
	existing, err := fieldValue(annotations, key)
	if err != nil {
		return err
	}
	if existing != nil {
		v.Style = existing.Style
		*existing = *v
		return nil
	}
	annotations.Content = append(annotations.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: key}, v)
	return nil
}

// clearAnnotation is kyaml's ClearAnnotation.
func clearAnnotation(n *yaml.Node, key string) error {
	annotations, err := lookupPath(n, "metadata", "annotations")
	if err != nil || annotations == nil {
		return err
	}
	return clearField(annotations, key, false)
}

// resourceMeta is what kyaml's GetMeta reads of a resource that esgen fn
// needs.
type resourceMeta struct {
	apiVersion, kind string
	annotations      map[string]string
}

// metaOf is kyaml's GetMeta: fields that are not where it looks, or not
// what it expects, read as absent.
func metaOf(n *yaml.Node) resourceMeta {
	var m resourceMeta
	if ynode.IsNull(n) || n.Kind != yaml.MappingNode {
		return m
	}
	if v := ynode.Field(n, "apiVersion"); !ynode.IsNilOrEmpty(v) {
		m.apiVersion = ynode.Value(v)
	}
	if v := ynode.Field(n, "kind"); !ynode.IsNilOrEmpty(v) {
		m.kind = ynode.Value(v)
	}
	meta := ynode.Field(n, "metadata")
	if ynode.IsNilOrEmpty(meta) || meta.Kind != yaml.MappingNode {
		return m
	}
	annotations := ynode.Field(meta, "annotations")
	if ynode.IsNilOrEmpty(annotations) || annotations.Kind != yaml.MappingNode {
		return m
	}
	m.annotations = make(map[string]string, len(annotations.Content)/2)
	for i := 0; i+1 < len(annotations.Content); i += 2 {
		// kyaml lists the keys, then reads each key's first entry.
		key := annotations.Content[i].Value
		for j := 0; j+1 < len(annotations.Content); j += 2 {
			if annotations.Content[j].Value == key {
				m.annotations[ynode.Value(annotations.Content[j])] = ynode.Value(annotations.Content[j+1])
				break
			}
		}
	}
	return m
}

// annotationsOf returns a resource's annotations as kyaml reads them.
func annotationsOf(n *yaml.Node) map[string]string { return metaOf(n).annotations }

// copyLegacyAnnotations is kioutil.CopyLegacyAnnotations: each of path,
// index and id set in one form only is copied to the other, from the
// annotations as they were before the first copy.
func copyLegacyAnnotations(n *yaml.Node) error {
	a := annotationsOf(n)
	for _, p := range annotationPairs {
		internal, legacy := a[p.internal], a[p.legacy]
		switch {
		case internal != "" && legacy == "":
			if err := setAnnotation(n, p.legacy, internal); err != nil {
				return err
			}
		case internal == "" && legacy != "":
			if err := setAnnotation(n, p.internal, legacy); err != nil {
				return err
			}
		}
	}
	return nil
}

// internalAnnotations is kioutil.GetInternalAnnotations.
func internalAnnotations(n *yaml.Node) map[string]string {
	out := map[string]string{}
	for k, v := range annotationsOf(n) {
		if strings.HasPrefix(k, internalPrefix) || k == legacyPathAnnotation || k == legacyIndexAnnotation || k == legacyIDAnnotation {
			out[k] = v
		}
	}
	return out
}

// checkMismatched is kio's checkMismatchedAnnos: set in both forms, the
// two must agree.
func checkMismatched(a map[string]string) error {
	for _, p := range annotationPairs {
		if internal, legacy := a[p.internal], a[p.legacy]; internal != "" && legacy != "" && internal != legacy {
			return fmt.Errorf(errAnnotationsMismatch, p.what)
		}
	}
	return nil
}

// preprocessAnnotations is kio.PreprocessResourcesForInternalAnnotationMigration:
// it tags each item with its position and returns each position's
// orchestrator annotations as they came, for reconcileAnnotations.
func preprocessAnnotations(items []*yaml.Node) (map[string]map[string]string, error) {
	originals := make(map[string]map[string]string, len(items))
	for i, item := range items {
		id := strconv.Itoa(i)
		if err := setAnnotation(item, migrationIDAnnotation, id); err != nil {
			return nil, err
		}
		originals[id] = internalAnnotations(item)
		if err := copyLegacyAnnotations(item); err != nil {
			return nil, err
		}
		if err := checkMismatched(annotationsOf(item)); err != nil {
			return nil, err
		}
	}
	return originals, nil
}

// reconcileAnnotations is kio.ReconcileInternalAnnotations on the items
// the function returns: both forms set, a change to either carried to the
// other, then only the forms the input used kept, and the position tag
// removed.
func reconcileAnnotations(items []*yaml.Node, originals map[string]map[string]string) error {
	useInternal, useLegacy, err := annotationsFormat(originals)
	if err != nil {
		return err
	}
	for _, item := range items {
		for _, p := range annotationPairs {
			if err := fillAnnotationPair(item, p); err != nil {
				return err
			}
		}
		if err := carryAlteredAnnotations(item, originals); err != nil {
			return err
		}
		if err := keepAnnotationForms(item, useInternal, useLegacy); err != nil {
			return err
		}
		if err := checkMismatched(annotationsOf(item)); err != nil {
			return err
		}
		if err := clearAnnotation(item, migrationIDAnnotation); err != nil {
			return err
		}
	}
	return nil
}

// annotationsFormat is kio's determineAnnotationsFormat: whether the
// input used the internal and the legacy forms; items that carry either
// must agree.
func annotationsFormat(originals map[string]map[string]string) (useInternal, useLegacy bool, err error) {
	if len(originals) == 0 {
		return true, true, nil
	}
	var seen bool
	for _, a := range originals {
		internal, legacy := false, false
		for _, p := range annotationPairs {
			_, i := a[p.internal]
			_, l := a[p.legacy]
			internal, legacy = internal || i, legacy || l
		}
		if !internal && !legacy {
			continue
		}
		if seen && (internal != useInternal || legacy != useLegacy) {
			return false, false, errors.New("the annotation formatting in the input resources is not consistent")
		}
		seen, useInternal, useLegacy = true, internal, legacy
	}
	return useInternal, useLegacy, nil
}

// fillAnnotationPair is kio's missingInternalOrLegacyAnnotation.
func fillAnnotationPair(n *yaml.Node, p annotationPair) error {
	a := annotationsOf(n)
	internal, legacy := a[p.internal], a[p.legacy]
	switch {
	case internal == "" && legacy == "":
		return nil
	case internal == "":
		return setAnnotation(n, p.internal, legacy)
	case legacy == "":
		return setAnnotation(n, p.legacy, internal)
	}
	return nil
}

// carryAlteredAnnotations is kio's checkAnnotationsAltered: where the
// function changed path or index in one form, the other follows.
func carryAlteredAnnotations(n *yaml.Node, originals map[string]map[string]string) error {
	a := annotationsOf(n)
	original, found := originals[a[migrationIDAnnotation]]
	if !found {
		return nil
	}
	// id is not carried: kyaml leaves it out.
	for _, p := range annotationPairs[:2] {
		internal, legacy := a[p.internal], a[p.legacy]
		was, found := original[p.internal]
		if !found {
			was = original[p.legacy]
		}
		if was == "" {
			continue
		}
		var err error
		switch {
		case was != internal && was != legacy && internal != legacy:
			err = fmt.Errorf(errAnnotationsMismatch, p.what)
		case was != internal:
			err = setAnnotation(n, p.legacy, internal)
		case was != legacy:
			err = setAnnotation(n, p.internal, legacy)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// keepAnnotationForms is kio's formatInternalAnnotations: the forms the
// input did not use are removed, in kyaml's order.
func keepAnnotationForms(n *yaml.Node, useInternal, useLegacy bool) error {
	var unused []string
	if !useInternal {
		unused = append(unused, idAnnotation, pathAnnotation, indexAnnotation)
	}
	if !useLegacy {
		unused = append(unused, legacyIDAnnotation, legacyPathAnnotation, legacyIndexAnnotation)
	}
	for _, key := range unused {
		if err := clearAnnotation(n, key); err != nil {
			return err
		}
	}
	return nil
}
