package specs

import (
	"bytes"
	"slices"

	"go.yaml.in/yaml/v3"

	"github.com/esgen/esgen/esspec"
	"github.com/esgen/esgen/internal/ynode"
)

// internalPrefix starts the annotations orchestrators use to track
// resources (kyaml's kioutil).
const internalPrefix = "internal.config.kubernetes.io/"

// specYAML returns a spec resource as the YAML esgen loads, without the
// tools' annotations. The resource itself is not changed: on an error the
// items go back as they came. The encoder is set as kyaml's, which wrote
// these bytes before, so that esgen's messages about a spec stay the same.
func specYAML(n *yaml.Node) ([]byte, error) {
	spec := ynode.Copy(n)
	stripToolAnnotations(spec)
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	enc.CompactSeqIndent()
	err := enc.Encode(spec)
	if cerr := enc.Close(); err == nil {
		err = cerr
	}
	return b.Bytes(), err
}

// stripToolAnnotations removes the tools' annotations from a resource's
// metadata.annotations, and the map once it is empty, since an empty map
// is no annotation at all. Anything that is not a mapping is left for the
// strict loader to report.
func stripToolAnnotations(resource *yaml.Node) {
	meta := mappingValue(resource, "metadata")
	at := ynode.KeyIndex(meta, "annotations")
	if at < 0 || meta.Content[at+1].Kind != yaml.MappingNode {
		return
	}
	annotations := meta.Content[at+1]
	var kept []*yaml.Node
	for i := 0; i+1 < len(annotations.Content); i += 2 {
		if k := annotations.Content[i]; k.Kind != yaml.ScalarNode || !esspec.IsToolAnnotation(k.Value) {
			kept = append(kept, k, annotations.Content[i+1])
		}
	}
	annotations.Content = kept
	// An anchored map may be aliased elsewhere: removing it would leave
	// the alias dangling, and an empty map is no annotation either. (The
	// alias loses the tools' keys too; only a spec that copies its
	// annotations into podAnnotations by alias could tell.)
	if len(kept) == 0 && annotations.Anchor == "" {
		meta.Content = slices.Delete(meta.Content, at, at+2)
	}
}

// mappingValue returns the mapping under key in a mapping node, or nil
// when there is none.
func mappingValue(n *yaml.Node, key string) *yaml.Node {
	if i := ynode.KeyIndex(n, key); i >= 0 && n.Content[i+1].Kind == yaml.MappingNode {
		return n.Content[i+1]
	}
	return nil
}

// topString returns the scalar value of a resource's top-level field,
// such as kind, or "" when the resource is not a mapping or lacks it.
func topString(n *yaml.Node, key string) string {
	if ynode.IsNull(n) {
		return ""
	}
	if i := ynode.KeyIndex(n, key); i >= 0 {
		return n.Content[i+1].Value
	}
	return ""
}

// metaString returns the scalar value of a field of a resource's
// metadata, such as name, or "" when there is none. As in kyaml, only a
// key's first entry counts, and an empty value is no value.
func metaString(n *yaml.Node, key string) string {
	if ynode.IsNull(n) {
		return ""
	}
	i := ynode.KeyIndex(n, "metadata")
	if i < 0 || ynode.IsNilOrEmpty(n.Content[i+1]) {
		return ""
	}
	meta := n.Content[i+1]
	if j := ynode.KeyIndex(meta, key); j >= 0 && !ynode.IsNilOrEmpty(meta.Content[j+1]) {
		return meta.Content[j+1].Value
	}
	return ""
}

// annotationsOf returns a resource's annotations as kyaml's GetMeta reads
// them: an annotations value that is not a mapping gives none, a
// duplicate key takes its first entry's value, a null key or value
// reads as "".
func annotationsOf(n *yaml.Node) map[string]string {
	if ynode.IsNull(n) {
		return nil
	}
	i := ynode.KeyIndex(n, "metadata")
	if i < 0 || ynode.IsNilOrEmpty(n.Content[i+1]) {
		return nil
	}
	meta := n.Content[i+1]
	j := ynode.KeyIndex(meta, "annotations")
	if j < 0 || ynode.IsNilOrEmpty(meta.Content[j+1]) {
		return nil
	}
	annotations := meta.Content[j+1]
	if annotations.Kind != yaml.MappingNode {
		return nil
	}
	m := make(map[string]string, len(annotations.Content)/2)
	for k := 0; k+1 < len(annotations.Content); k += 2 {
		first := ynode.KeyIndex(annotations, annotations.Content[k].Value)
		m[ynode.Value(annotations.Content[first])] = ynode.Value(annotations.Content[first+1])
	}
	return m
}
