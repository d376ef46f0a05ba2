package specs

import (
	"slices"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/esgen/esgen/esspec"
)

// specYAML returns a spec resource as the YAML esgen loads, without the
// tools' annotations. The resource itself is not changed: on an error the
// items go back as they came.
func specYAML(rn *yaml.RNode) ([]byte, error) {
	spec := rn.Copy()
	stripToolAnnotations(spec.YNode())
	s, err := spec.String()
	return []byte(s), err
}

// stripToolAnnotations removes the tools' annotations from a resource's
// metadata.annotations, and the map once it is empty, since an empty map
// is no annotation at all. Anything that is not a mapping is left for the
// strict loader to report.
func stripToolAnnotations(resource *yaml.Node) {
	meta := mappingValue(resource, "metadata")
	at := keyIndex(meta, "annotations")
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
	if i := keyIndex(n, key); i >= 0 && n.Content[i+1].Kind == yaml.MappingNode {
		return n.Content[i+1]
	}
	return nil
}

// keyIndex returns the index in n.Content of key's first entry, or -1
// when n is not a mapping or lacks key. A second entry is the strict
// loader's to report as a duplicate.
func keyIndex(n *yaml.Node, key string) int {
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
