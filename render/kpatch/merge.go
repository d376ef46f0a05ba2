package kpatch

import (
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/esgen/esgen/internal/ynode"
)

// This file ports kustomize's strategic merge (kyaml's walk.Walker with
// merge2.Merger and MergeOptionsListPrepend, as kustomize's
// patchstrategicmerge filter runs it) onto go.yaml.in/yaml/v3 nodes, the
// same nodes kyaml wraps. It follows kyaml's code path by path, quirks
// included, because users write patches against kustomize's behaviour;
// the differential tests against kustomize hold it there. Comments,
// which kyaml carries along, are left out: esgen decodes the result into
// Go types, where they do not survive. Styles stay: they decide types.

const nullTag = "!!null"

// merger walks a destination and a patch together. keep marks the null
// nodes kyaml's MakePersistentNullNode would create: explicit nulls of
// the destination that the patch does not mention stay in place.
type merger struct {
	kind string // "apiVersion/kind" of the resource, the schema's root
	keep map[*yaml.Node]bool
}

// missingOrNull is kyaml's IsMissingOrNull.
func missingOrNull(n *yaml.Node) bool { return ynode.IsNull(n) }

// taggedNull is kyaml's IsTaggedNull.
func taggedNull(n *yaml.Node) bool { return n != nil && n.Tag == nullTag }

// emptyMap is kyaml's IsEmptyMap.
func emptyMap(n *yaml.Node) bool {
	return missingOrNull(n) || (n.Kind == yaml.MappingNode && len(n.Content) == 0)
}

// kindError is kyaml's InvalidNodeKindError.
type kindError struct {
	want, got yaml.Kind
	path      string
}

func (e *kindError) Error() string {
	return fmt.Sprintf("%s: wrong node kind: expected %s but got %s", e.path, kindName(e.want), kindName(e.got))
}

func kindName(k yaml.Kind) string {
	switch k {
	case yaml.MappingNode:
		return "MappingNode"
	case yaml.SequenceNode:
		return "SequenceNode"
	case yaml.ScalarNode:
		return "ScalarNode"
	}
	return fmt.Sprintf("node kind %d", k)
}

// checkKind is kyaml's ErrorIfInvalid.
func checkKind(n *yaml.Node, kind yaml.Kind, path []string) error {
	if missingOrNull(n) {
		return nil
	}
	if n.Kind != kind {
		return &kindError{want: kind, got: n.Kind, path: pathString(path)}
	}
	if kind == yaml.MappingNode && len(n.Content)%2 != 0 {
		return fmt.Errorf("%s: a mapping with an odd number of nodes", pathString(path))
	}
	return nil
}

func pathString(path []string) string {
	if len(path) == 0 {
		return "the object"
	}
	return strings.Join(path, ".")
}

// clearField removes a mapping's first field named name.
func clearField(n *yaml.Node, name string) {
	if i := ynode.KeyIndex(n, name); i >= 0 {
		n.Content = slices.Delete(n.Content, i, i+2)
	}
}

// setField is kyaml's FieldSetter: a nil or (not kept) null value clears
// the field; an existing field takes the value in place.
func (m *merger) setField(n *yaml.Node, name string, value *yaml.Node, keyStyle yaml.Style) {
	if value == nil || taggedNull(value) && !m.keep[value] {
		clearField(n, name)
		return
	}
	if i := ynode.KeyIndex(n, name); i >= 0 {
		// The value takes the style of the field it replaces, as in
		// kyaml; the style decides what a scalar reads as once written
		// out (a quoted 5 is a string).
		value.Style = n.Content[i+1].Style
		*n.Content[i+1] = *value
		return
	}
	n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: name, Style: keyStyle}, value)
}

// sourceKind is kyaml's Walker.Kind: the kind of the first source that is
// neither missing nor null.
func sourceKind(dest, patch *yaml.Node) yaml.Kind {
	for _, n := range []*yaml.Node{dest, patch} {
		if !missingOrNull(n) {
			return n.Kind
		}
	}
	return 0
}

// walk merges patch into dest at path (schema names the field in the
// resource's schema; "" when it has none) and returns dest's new value,
// nil to clear it.
func (m *merger) walk(dest, patch *yaml.Node, path []string, schema string) (*yaml.Node, error) {
	switch sourceKind(dest, patch) {
	case yaml.MappingNode, 0:
		for _, n := range []*yaml.Node{dest, patch} {
			if err := checkKind(n, yaml.MappingNode, path); err != nil {
				return nil, err
			}
		}
		return m.walkMap(dest, patch, path, schema)
	case yaml.SequenceNode:
		for _, n := range []*yaml.Node{dest, patch} {
			if err := checkKind(n, yaml.SequenceNode, path); err != nil {
				return nil, err
			}
		}
		if keys, ok := mergeKeys(m.kind, schema); ok {
			return m.walkAssociative(dest, patch, path, schema, keys)
		}
		// A list without a merge strategy is replaced.
		if patch != nil {
			return patch, nil
		}
		return dest, nil
	case yaml.ScalarNode:
		for _, n := range []*yaml.Node{dest, patch} {
			if err := checkKind(n, yaml.ScalarNode, path); err != nil {
				return nil, err
			}
		}
		if patch != nil {
			return patch, nil
		}
		return dest, nil
	}
	return nil, nil
}

// visitMap is merge2's VisitMap: what a mapping becomes before its
// fields are merged.
func (m *merger) visitMap(dest, patch *yaml.Node) (*yaml.Node, error) {
	if missingOrNull(dest) {
		if d, _ := directive(patch); d == directiveDelete {
			return nil, nil
		}
		if patch == nil && dest != nil && dest.Value != "" {
			null := &yaml.Node{Kind: yaml.ScalarNode, Tag: nullTag, Value: dest.Value}
			m.keep[null] = true
			return null, nil
		}
		return patch, nil
	}
	return byDirective(dest, patch)
}

func (m *merger) walkMap(dest, patch *yaml.Node, path []string, schema string) (*yaml.Node, error) {
	dest, err := m.visitMap(dest, patch)
	if dest == nil || err != nil {
		return nil, err
	}
	for _, name := range fieldNames(dest, patch) {
		var dv, pv *yaml.Node
		var keyStyle yaml.Style
		if i := ynode.KeyIndex(dest, name); i >= 0 {
			dv, keyStyle = dest.Content[i+1], dest.Content[i].Style
		}
		if i := ynode.KeyIndex(patch, name); i >= 0 {
			pv = patch.Content[i+1]
			if dv == nil {
				keyStyle = patch.Content[i].Style
			}
		}
		val, err := m.walk(dv, pv, append(slices.Clip(path), name), childSchema(schema, name))
		if err != nil {
			return nil, err
		}
		m.setField(dest, name, val, keyStyle)
	}
	return dest, nil
}

// fieldNames is the sorted union of the mappings' field names.
func fieldNames(nodes ...*yaml.Node) []string {
	var names []string
	for _, n := range nodes {
		if n == nil || n.Kind != yaml.MappingNode {
			continue
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			names = append(names, n.Content[i].Value)
		}
	}
	slices.Sort(names)
	return slices.Compact(names)
}

// byDirective is what merge2's VisitMap and VisitList do with a present
// destination: a null patch clears it, $patch: delete removes it,
// $patch: replace takes the patch, anything else keeps it to merge into.
func byDirective(dest, patch *yaml.Node) (*yaml.Node, error) {
	if taggedNull(patch) {
		return nil, nil
	}
	d, err := directive(patch)
	if err != nil {
		return nil, err
	}
	switch d {
	case directiveDelete:
		return nil, nil
	case directiveReplace:
		return patch, nil
	}
	return dest, nil
}

// visitList is merge2's VisitList for an associative list.
func (m *merger) visitList(dest, patch *yaml.Node) (*yaml.Node, error) {
	if missingOrNull(dest) {
		return patch, nil
	}
	return byDirective(dest, patch)
}

// walkAssociative merges a list whose elements are identified by keys
// (none: a list of scalars, merged as a set), patch elements first.
func (m *merger) walkAssociative(dest, patch *yaml.Node, path []string, schema string, keys []string) (*yaml.Node, error) {
	dest, err := m.visitList(dest, patch)
	if dest == nil || err != nil {
		return nil, err
	}
	sources := [2]*yaml.Node{dest, patch}
	if values := elementValues(sources, keys); len(values) != 0 || len(keys) > 0 {
		return m.setElements(sources, values, keys, path, schema)
	}
	return m.setElements(sources, primitiveValues(sources), []string{""}, path, schema)
}

// elementValues lists each element's values of keys, patch first, once
// each.
func elementValues(sources [2]*yaml.Node, keys []string) [][]string {
	var out [][]string
	for _, src := range []*yaml.Node{sources[1], sources[0]} {
		if src == nil || src.Kind != yaml.SequenceNode {
			continue
		}
		for _, elem := range src.Content {
			var values []string
			for _, key := range keys {
				if v := ynode.Field(elem, key); ynode.IsNilOrEmpty(v) {
					values = append(values, "")
				} else {
					values = append(values, v.Value)
				}
			}
			if len(values) == 0 || slices.ContainsFunc(out, func(s []string) bool { return slices.Equal(s, values) }) {
				continue
			}
			out = append(out, values)
		}
	}
	return out
}

// primitiveValues lists a list of scalars' values, patch first, once each.
func primitiveValues(sources [2]*yaml.Node) [][]string {
	var out [][]string
	seen := map[string]bool{}
	for _, src := range []*yaml.Node{sources[1], sources[0]} {
		if src == nil {
			continue
		}
		for _, item := range src.Content {
			if !seen[item.Value] {
				seen[item.Value] = true
				out = append(out, []string{item.Value})
			}
		}
	}
	return out
}

// setElements is kyaml's setAssociativeSequenceElements: each element is
// merged with its match in the patch; the patch's elements come first.
func (m *merger) setElements(sources [2]*yaml.Node, valuesList [][]string, keys []string, path []string, schema string) (*yaml.Node, error) {
	dest := sources[0]
	added := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
	if len(keys) > 1 {
		valuesList = mergeValues(valuesList)
	}
	var validKeys, validValues []string
	for _, values := range valuesList {
		if len(values) == 0 {
			continue
		}
		validKeys, validValues = validateKeys(valuesList, values, keys)
		ek, ev := validateKeys([][]string{validValues}, validValues, validKeys)
		val, err := m.walk(elementList(sources[0], ek, ev), elementList(sources[1], ek, ev), path, schema+"[]")
		if err != nil {
			return nil, err
		}
		removed := false
		for i, key := range validKeys {
			if emptyMap(val) {
				if _, err := setElement(dest, nil, validKeys, validValues); err != nil {
					return nil, err
				}
				removed = true
			} else if ynode.Field(val, key) == nil && validValues[i] != "" {
				m.setField(val, key, &yaml.Node{Kind: yaml.ScalarNode, Value: validValues[i]}, 0)
			}
		}
		if removed {
			continue
		}
		if _, err := setElement(added, val, validKeys, validValues); err != nil {
			return nil, err
		}
	}
	if len(valuesList) > 0 && len(validKeys) > 0 {
		var err error
		if dest, err = appendElements(added, dest, validKeys); err != nil {
			return nil, err
		}
	}
	if missingOrNull(dest) {
		return nil, nil
	}
	return dest, nil
}

// mergeValues is kyaml's: values that differ only where one is empty
// are the same element.
func mergeValues(valuesList [][]string) [][]string {
	for i, a := range valuesList {
		for j, b := range valuesList {
			if ok, merged := matchValues(a, b); ok {
				valuesList[i] = merged
				valuesList[j] = merged
			}
		}
	}
	return valuesList
}

func matchValues(a, b []string) (bool, []string) {
	if len(a) != len(b) {
		return false, nil
	}
	common := false
	var out []string
	for i := range a {
		switch {
		case a[i] == b[i]:
			common = true
			out = append(out, a[i])
		case a[i] != "" && b[i] != "":
			return false, nil
		case a[i] != "":
			out = append(out, a[i])
		default:
			out = append(out, b[i])
		}
	}
	return common, out
}

// validateKeys is kyaml's: the keys some element has a value for, and
// values's entries for them.
func validateKeys(valuesList [][]string, values, keys []string) ([]string, []string) {
	valid := map[string]bool{}
	for _, vs := range valuesList {
		for i, v := range vs {
			if v != "" {
				valid[keys[i]] = true
			}
		}
	}
	if len(valid) == 0 {
		return keys, values
	}
	validKeys, validValues := []string{}, []string{}
	for _, k := range keys {
		if valid[k] {
			validKeys = append(validKeys, k)
		}
	}
	for i, v := range values {
		if v != "" || valid[keys[i]] {
			validValues = append(validValues, v)
		}
	}
	return validKeys, validValues
}

// elementList is kyaml's RNode.ElementList: the first element matching
// the values of keys (an empty value matches any), or the first scalar
// equal to values[0] when the key is "".
func elementList(list *yaml.Node, keys, values []string) *yaml.Node {
	if list == nil || list.Kind != yaml.SequenceNode {
		return nil
	}
	if len(keys) == 0 {
		keys = []string{""}
	}
	if len(values) == 0 {
		values = []string{""}
	}
	if keys[0] == "" {
		for _, item := range list.Content {
			if item.Value == values[0] {
				return item
			}
		}
		return nil
	}
	if len(keys) != len(values) {
		return nil
	}
	for _, elem := range list.Content {
		if elem.Kind != yaml.MappingNode && !missingOrNull(elem) {
			continue
		}
		if matchesAll(elem, keys, values) {
			return elem
		}
	}
	return nil
}

// matchesAll: elem has every key with the value given ("" included, as
// kyaml's MatchField compares it).
func matchesAll(elem *yaml.Node, keys, values []string) bool {
	if missingOrNull(elem) {
		return false
	}
	for i, key := range keys {
		v := ynode.Field(elem, key)
		if v == nil || v.Value != values[i] {
			return false
		}
	}
	return true
}

// setElement is kyaml's ElementSetter on list: it drops null and empty
// elements, replaces the elements matching keys=values with elem (or
// removes them, elem nil), and appends elem if none matched.
func setElement(list, elem *yaml.Node, keys, values []string) (*yaml.Node, error) {
	if len(keys) == 0 {
		keys = []string{""}
	}
	if missingOrNull(list) {
		return nil, nil
	}
	if list.Kind != yaml.SequenceNode {
		return nil, &kindError{want: yaml.SequenceNode, got: list.Kind}
	}
	mappingSetter := keys[0] != ""
	var content []*yaml.Node
	found := false
	for _, item := range list.Content {
		if emptyMap(item) {
			continue
		}
		if item.Kind != yaml.MappingNode && mappingSetter {
			content = append(content, item)
			continue
		}
		match := true
		matched := false
		for j := range keys {
			if j < len(values) {
				v, err := matchField(item, keys[j], values[j])
				if err != nil {
					return nil, err
				}
				matched = v != nil
			}
			if !matched {
				match = false
				break
			}
		}
		if !match {
			if len(values) > 0 {
				content = append(content, item)
			}
			continue
		}
		found = true
		if elem != nil {
			content = append(content, elem)
		}
	}
	list.Content = content
	if missingOrNull(elem) {
		return nil, nil
	}
	if !found {
		list.Content = append(list.Content, elem)
	}
	return elem, nil
}

// matchField is kyaml's FieldMatcher with a string value: the field
// named name (any value when value is ""), or, name "", the scalar
// itself when it equals value.
func matchField(n *yaml.Node, name, value string) (*yaml.Node, error) {
	if missingOrNull(n) {
		return nil, nil
	}
	if name == "" {
		if err := checkKind(n, yaml.ScalarNode, nil); err != nil {
			return nil, err
		}
		if n.Value == value {
			return n, nil
		}
		return nil, nil
	}
	if err := checkKind(n, yaml.MappingNode, nil); err != nil {
		return nil, err
	}
	v := ynode.Field(n, name)
	if v == nil || value != "" && v.Value != value {
		return nil, nil
	}
	return v, nil
}

// appendElements is kyaml's appendListNode: src's elements set into dst
// by their key values; an element without a key is appended.
func appendElements(dst, src *yaml.Node, keys []string) (*yaml.Node, error) {
	for _, elem := range src.Content {
		if keys[0] == "" {
			if _, err := setElement(dst, elem, []string{""}, []string{elem.Value}); err != nil {
				return nil, err
			}
			continue
		}
		var values []string
		for _, key := range keys {
			v, err := matchField(elem, key, "")
			if err != nil {
				return nil, err
			}
			if v == nil {
				dst.Content = append(dst.Content, elem)
				continue
			}
			values = append(values, v.Value)
		}
		if len(keys) > 1 {
			if _, err := setElement(dst, nil, keys, values); err != nil {
				return nil, err
			}
		}
		if _, err := setElement(dst, elem, keys, values); err != nil {
			return nil, err
		}
	}
	return dst, nil
}

// Strategic merge patch directives ($patch).
const (
	directiveMerge = iota
	directiveReplace
	directiveDelete
	directiveUnknown
)

// directive reads a patch node's $patch directive and removes it from
// the patch, as merge2's determineSmpDirective does.
func directive(patch *yaml.Node) (int, error) {
	if patch == nil {
		return directiveMerge, nil
	}
	switch patch.Kind {
	case yaml.SequenceNode:
		var elem *yaml.Node
		for _, item := range patch.Content {
			if item.Kind == yaml.MappingNode && ynode.KeyIndex(item, "$patch") >= 0 {
				elem = item
				break
			}
		}
		if elem == nil || len(elem.Content) > 2 {
			return directiveMerge, nil
		}
		v := ynode.Field(elem, "$patch")
		if v == nil {
			return directiveMerge, nil
		}
		d, err := directiveOf(v.Value)
		if err != nil {
			return d, err
		}
		_, err = setElement(patch, nil, []string{"$patch"}, []string{v.Value})
		return d, err
	case yaml.MappingNode:
		v := ynode.Field(patch, "$patch")
		if v == nil {
			return directiveMerge, nil
		}
		d, err := directiveOf(v.Value)
		if err != nil {
			return d, err
		}
		clearField(patch, "$patch")
		return d, nil
	}
	return directiveUnknown, fmt.Errorf("no strategic merge patch strategy for a %s (%q)", kindName(patch.Kind), patch.Value)
}

func directiveOf(v string) (int, error) {
	switch v {
	case "delete":
		return directiveDelete, nil
	case "replace":
		return directiveReplace, nil
	case "merge":
		return directiveMerge, nil
	}
	return directiveUnknown, fmt.Errorf("unknown patch strategy %q", v)
}

// childSchema names a field of the schema path parent.
func childSchema(parent, name string) string {
	if parent == "" {
		return name
	}
	return parent + "." + name
}

// mergeKeys are the keys the list at path of a kind merges by, and
// whether it merges at all.
func mergeKeys(kind, path string) ([]string, bool) {
	keys, ok := mergeLists[kind+" "+path]
	return keys, ok
}
