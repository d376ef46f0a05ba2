package render

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"sigs.k8s.io/yaml"
)

// YAML writes the objects as one YAML stream, documents separated by
// "---": keys sorted, and without what the typed objects carry but a
// manifest should not (status, creationTimestamp: null, empty maps).
func (objs Objects) YAML() ([]byte, error) {
	var buf bytes.Buffer
	if err := objs.WriteYAML(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// WriteYAML writes the YAML stream of YAML to w.
func (objs Objects) WriteYAML(w io.Writer) error {
	for i, obj := range objs {
		doc, err := MarshalObject(obj)
		if err != nil {
			return err
		}
		if i > 0 {
			if _, err := io.WriteString(w, "---\n"); err != nil {
				return err
			}
		}
		if _, err := w.Write(doc); err != nil {
			return err
		}
	}
	return nil
}

// MarshalObject writes one object as a clean YAML document.
func MarshalObject(obj Object) ([]byte, error) {
	raw, err := json.Marshal(obj)
	if err != nil {
		return nil, fmt.Errorf("render: %s %s: %w", obj.GetObjectKind().GroupVersionKind().Kind, obj.GetName(), err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var tree map[string]any
	if err := dec.Decode(&tree); err != nil {
		return nil, err
	}
	// Status is the cluster's to write.
	delete(tree, "status")
	prune(tree)
	return yaml.Marshal(tree)
}

// meaningfulEmpty lists keys whose empty map means something: an emptyDir
// volume with default settings, and selectors that select everything (a
// NetworkPolicy peer podSelector: {} is every pod of the namespace).
var meaningfulEmpty = map[string]bool{"emptyDir": true, "podSelector": true, "namespaceSelector": true, "labelSelector": true}

// prune removes nulls and empty maps from m, depth first, keeping empty
// maps whose key gives them a meaning.
func prune(m map[string]any) {
	for k, v := range m {
		switch v := v.(type) {
		case nil:
			delete(m, k)
		case map[string]any:
			prune(v)
			if len(v) == 0 && !meaningfulEmpty[k] {
				delete(m, k)
			}
		case []any:
			for _, item := range v {
				if sub, ok := item.(map[string]any); ok {
					prune(sub)
				}
			}
		}
	}
}
