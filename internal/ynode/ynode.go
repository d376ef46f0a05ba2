// Package ynode holds kyaml's predicates and copy on go.yaml.in/yaml/v3
// nodes, the nodes kyaml wraps: render/kpatch, krm/specs and esgen fn
// follow kyaml's behaviour without linking kyaml, and must agree on what
// counts as absent.
package ynode

import "go.yaml.in/yaml/v3"

// IsNull is kyaml's IsMissingOrNull: no node, or one tagged null.
func IsNull(n *yaml.Node) bool { return n == nil || n.Tag == "!!null" }

// IsNilOrEmpty is kyaml's IsYNodeNilOrEmpty: a value as good as absent
// (null, an empty mapping or sequence, a zero node).
func IsNilOrEmpty(n *yaml.Node) bool {
	return IsNull(n) ||
		(n.Kind == yaml.MappingNode || n.Kind == yaml.SequenceNode) && len(n.Content) == 0 ||
		n.IsZero()
}

// Value is kyaml's GetValue: a node's value, "" for a null.
func Value(n *yaml.Node) string {
	if IsNull(n) {
		return ""
	}
	return n.Value
}

// Copy is kyaml's CopyYNode: the content is copied, an alias still
// points at its anchor.
func Copy(n *yaml.Node) *yaml.Node {
	if n == nil {
		return nil
	}
	c := *n
	if len(n.Content) > 0 {
		c.Content = make([]*yaml.Node, len(n.Content))
		for i, item := range n.Content {
			c.Content[i] = Copy(item)
		}
	}
	return &c
}

// KeyIndex is the index in a mapping's Content of key's first entry, -1
// when n is not a mapping or lacks key: kyaml reads a key's first entry
// only.
func KeyIndex(n *yaml.Node, key string) int {
	if n == nil || n.Kind != yaml.MappingNode {
		return -1
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return i
		}
	}
	return -1
}

// Field is the value of a mapping's first entry for key, nil when n is
// not a mapping or lacks key (kyaml's RNode.Field).
func Field(n *yaml.Node, key string) *yaml.Node {
	if i := KeyIndex(n, key); i >= 0 {
		return n.Content[i+1]
	}
	return nil
}
