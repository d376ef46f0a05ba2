package main

// Reading and writing the ResourceList as kyaml's kio.ByteReadWriter
// does for framework.Execute (KeepReaderAnnotations set, nothing else),
// with go.yaml.in/yaml/v3, the YAML package kyaml wraps: the same
// decoder, the same encoder settings and the same changes to the nodes
// give the same bytes.

import (
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/esgen/esgen/internal/ynode"
)

// resourceList is a ResourceList as read from stdin.
type resourceList struct {
	apiVersion string
	items      []*yaml.Node
	// functionConfig and results are the nodes the input holds, nil when
	// it has none; they are written back as they are, results replaced
	// when esgen has its own.
	functionConfig *yaml.Node
	results        *yaml.Node
}

// documentSeparator is kio's: a line that starts with ---.
var documentSeparator = regexp.MustCompile(`\n---.*\n`)

// splitDocuments is kio's splitDocuments: kyaml splits the stream itself
// and decodes each part on its own, so a part's first document is all
// that counts of it.
func splitDocuments(s string) ([]string, error) {
	if s == "" {
		return nil, nil
	}
	var docs []string
	prev := 0
	for _, loc := range documentSeparator.FindAllStringIndex(s, -1) {
		sep := s[loc[0]:loc[1]]
		if rest := strings.TrimSpace(sep[4:]); rest != "" && rest[0] != '#' {
			return nil, fmt.Errorf("invalid document separator: %s", strings.TrimSpace(sep))
		}
		docs = append(docs, s[prev:loc[0]])
		prev = loc[1]
	}
	return append(docs, s[prev:]), nil
}

// readResourceList reads stdin as kio.ByteReader does, and returns
// errNotList unless the stream is one ResourceList with items or a
// functionConfig (kyaml would read anything else as bare resources).
// Every document is read, and annotated as kyaml annotates it, before
// that: an error in any of them is a read error first.
func readResourceList(input []byte) (*resourceList, error) {
	parts, err := splitDocuments(strings.ReplaceAll(string(input), "\r\n", "\n"))
	if err != nil {
		return nil, err
	}
	var list *resourceList
	index := 0
	for i, part := range parts {
		// The split ate the line break that ends each part but the last.
		if i != len(parts)-1 {
			part += "\n"
		}
		root, err := decodeResource(part, index)
		if err != nil {
			return nil, err
		}
		if root == nil {
			continue
		}
		meta := metaOf(root)
		items, fc := ynode.Field(root, "items"), ynode.Field(root, "functionConfig")
		if len(parts) == 1 && (meta.kind == resourceListKind || meta.kind == "List") && (items != nil || fc != nil) {
			if meta.kind == resourceListKind {
				list = &resourceList{apiVersion: meta.apiVersion, functionConfig: fc, results: ynode.Field(root, "results")}
				if items != nil {
					// Whatever items holds: a mapping's keys and values
					// would be items too, as kyaml reads them.
					list.items = items.Content
				}
			}
			continue
		}
		index++
	}
	if list == nil {
		return nil, errNotList
	}
	return list, nil
}

// decodeResource decodes the first document of one part of the stream
// and annotates it with its index as kio.ByteReader does, returning its
// root node, or nil for an empty document.
func decodeResource(part string, index int) (*yaml.Node, error) {
	var doc yaml.Node
	if err := yaml.NewDecoder(strings.NewReader(part)).Decode(&doc); err != nil {
		if err == io.EOF {
			return nil, nil
		}
		return nil, fmt.Errorf("MalformedYAMLError: %w", err)
	}
	root := doc.Content[0]
	if ynode.IsNull(root) {
		return nil, nil
	}
	if err := copyLegacyAnnotations(root); err != nil {
		return nil, err
	}
	// Sorted by key, as kyaml sets them.
	for _, key := range []string{legacyIndexAnnotation, indexAnnotation} {
		if err := setAnnotation(root, key, strconv.Itoa(index)); err != nil {
			return nil, err
		}
	}
	return root, nil
}

// writeResourceList writes the ResourceList with these items as
// kio.ByteWriter does: copies of the items, each without an empty
// annotations map or metadata, the functionConfig and results as they
// are.
func writeResourceList(w io.Writer, list *resourceList, items []*yaml.Node) error {
	seq := &yaml.Node{Kind: yaml.SequenceNode}
	for _, item := range items {
		c := ynode.Copy(item)
		if err := clearEmptyAnnotations(c); err != nil {
			return err
		}
		seq.Content = append(seq.Content, c)
	}
	scalar := func(s string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Value: s} }
	root := &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{
		scalar("apiVersion"), scalar(list.apiVersion),
		scalar("kind"), scalar(resourceListKind),
		scalar("items"), seq,
	}}
	if list.functionConfig != nil {
		root.Content = append(root.Content, scalar("functionConfig"), list.functionConfig)
	}
	if list.results != nil {
		root.Content = append(root.Content, scalar("results"), list.results)
	}
	return encode(w, &yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{root}})
}

// encode writes v with kyaml's encoder settings: two spaces, sequences
// not indented in their mapping. Like kyaml it closes the encoder but
// returns Encode's error only.
func encode(w io.Writer, v any) error {
	enc := yaml.NewEncoder(w)
	enc.SetIndent(2)
	enc.CompactSeqIndent()
	err := enc.Encode(v)
	_ = enc.Close()
	return err
}

// errNotList says that stdin holds no ResourceList.
var errNotList = errors.New("not a ResourceList")
