package esspec

import (
	"bytes"
	"encoding/json"
)

// ParseViaJSON is Parse as it was before fill: the walk's value through
// a JSON round trip into encoding/json and the Kubernetes types' own
// unmarshalers. The tests hold Parse to it.
func ParseViaJSON(data []byte) (*Cluster, error) {
	value, source, err := walk(data)
	if err != nil {
		return nil, err
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
	c.source = source
	return c, nil
}
