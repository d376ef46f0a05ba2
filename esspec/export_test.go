package esspec

import (
	"bytes"
	"encoding/json"
	"reflect"
)

// ParseViaJSON is Parse as it was before fill: the walk's value through
// a JSON round trip into encoding/json and the Kubernetes types' own
// unmarshalers. The tests hold Parse to it.
func ParseViaJSON(data []byte) (*Cluster, error) {
	root, err := parseDocument(data)
	if err != nil {
		return nil, err
	}
	d := &decoder{source: sourceMap{}}
	value := d.value(root, reflect.TypeFor[Cluster](), nil)
	if len(d.problems) > 0 {
		return nil, &LoadError{d.problems}
	}
	raw, err := json.Marshal(value)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	dec.DisallowUnknownFields()
	c := &Cluster{}
	if err := dec.Decode(c); err != nil {
		return nil, err
	}
	c.source = d.source
	return c, nil
}
