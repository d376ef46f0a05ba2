package render

import (
	"encoding"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"reflect"
	"slices"
	"time"

	yamlv2 "go.yaml.in/yaml/v2"

	"github.com/esgen/esgen/esspec"
)

// YAML writes the objects as one YAML stream, documents separated by
// "---": keys sorted, and without what the typed objects carry but a
// manifest should not (status, creationTimestamp: null, empty maps).
// The documents are written one after the other into one buffer: a
// short-lived esgen process pays for every fresh page it touches.
func (objs Objects) YAML() ([]byte, error) {
	e := newEmitter()
	// esgen's objects take 2-3 KB each, a StatefulSet more.
	e.buf = make([]byte, 0, 3<<10*len(objs))
	for i, obj := range objs {
		if i > 0 {
			e.buf = append(e.buf, "---\n"...)
		}
		if err := e.object(obj); err != nil {
			return nil, err
		}
	}
	return e.buf, nil
}

// WriteYAML writes the objects' YAML stream (see YAML) to w.
func (objs Objects) WriteYAML(w io.Writer) error {
	out, err := objs.YAML()
	if err != nil {
		return err
	}
	_, err = w.Write(out)
	return err
}

// MarshalObject writes one object as a clean YAML document.
func MarshalObject(obj Object) ([]byte, error) {
	e := newEmitter()
	if err := e.object(obj); err != nil {
		return nil, err
	}
	return e.buf, nil
}

// object appends one object's document to the emitter's buffer.
func (e *emitter) object(obj Object) error {
	v, err := objectTree(obj)
	if err != nil {
		return err
	}
	// The tree is JSON-shaped: write it as the YAML library under
	// sigs.k8s.io/yaml does after its JSON round.
	if e.document(v) {
		return nil
	}
	doc, err := yamlv2.Marshal(v)
	e.buf = append(e.buf, doc...)
	return err
}

// objectTree is an object's tree as MarshalObject writes it: without
// status, nulls and empty maps.
func objectTree(obj Object) (any, error) {
	v, err := toTree(reflect.ValueOf(obj))
	if err != nil {
		return nil, fmt.Errorf("render: %s %s: %w", obj.GetObjectKind().GroupVersionKind().Kind, obj.GetName(), err)
	}
	// Status is the cluster's to write.
	switch tree := v.(type) {
	case fieldMap:
		return pruneMapping(slices.DeleteFunc(tree, func(item yamlv2.MapItem) bool { return item.Key == "status" })), nil
	case map[string]any: // an object with a JSON marshaler of its own
		delete(tree, "status")
		prune(tree)
		return tree, nil
	}
	// A nil object: JSON null, which sigs.k8s.io/yaml writes as {}.
	return map[string]any{}, nil
}

// marshalSettings writes elasticsearch.yml: one key per line, sorted,
// values in YAML. Numbers from a spec arrive as json.Number and are
// written as numbers.
func marshalSettings(s esspec.Settings) ([]byte, error) {
	m := make(map[string]any, len(s))
	for k, v := range s {
		m[k] = settingValue(v)
	}
	if out, ok := emitYAML(m); ok {
		return out, nil
	}
	return yamlv2.Marshal(m)
}

// marshalSettingsWith writes elasticsearch.yml twice: for settings, and
// for settings with extra merged in (esgen's config hash covers the first,
// the ConfigMap holds the second). YAML writes a mapping's entries one
// after another, each from a fresh line, so it writes every entry once
// and leaves extra's out of the first: half the work of two documents.
// Where extra would replace a setting, it writes both documents whole.
func marshalSettingsWith(settings, extra esspec.Settings) (without, with []byte, err error) {
	for k := range extra {
		if _, clash := settings[k]; clash {
			if without, err = marshalSettings(settings); err != nil {
				return nil, nil, err
			}
			merged := maps.Clone(settings)
			maps.Copy(merged, extra)
			with, err = marshalSettings(merged)
			return without, with, err
		}
	}
	m := make(map[string]any, len(settings)+len(extra))
	for _, layer := range []esspec.Settings{settings, extra} {
		for k, v := range layer {
			m[k] = settingValue(v)
		}
	}
	if len(settings) > 0 {
		e := newEmitter()
		e.increaseIndent(false, false)
		without = make([]byte, 0, 1024)
		for _, k := range sortedKeys(m) {
			start := len(e.buf)
			e.mappingEntry(k, m[k])
			// The entry ends as a document of its own would: the next
			// one starts from a fresh line either way.
			e.writeIndent()
			if _, isExtra := extra[k]; !isExtra {
				without = append(without, e.buf[start:]...)
			}
		}
		if !e.refused {
			return without, e.buf, nil
		}
	}
	if without, err = marshalSettings(settings); err != nil {
		return nil, nil, err
	}
	with, err = yamlv2.Marshal(m)
	return without, with, err
}

// settingValue turns a setting's value into the tree emitYAML writes
// as yaml.v2 writes the value itself: JSON numbers and Go integers as
// int64, strings, bools and lists and maps of them. Anything else stays
// as it is, and yaml.v2 writes it.
func settingValue(v any) any {
	switch v := v.(type) {
	case nil, string, bool, int64, float64:
		return v
	case json.Number:
		return number(v)
	case time.Duration, yamlv2.Marshaler, encoding.TextMarshaler:
		return v // yaml.v2 has rules of its own for these
	case []any:
		out := make([]any, len(v))
		for i, item := range v {
			out[i] = settingValue(item)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, item := range v {
			out[k] = settingValue(item)
		}
		return out
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.String:
		return rv.String()
	case reflect.Bool:
		return rv.Bool()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return rv.Int()
	case reflect.Slice:
		if rv.IsNil() {
			break
		}
		out := make([]any, rv.Len())
		for i := range out {
			out[i] = settingValue(rv.Index(i).Interface())
		}
		return out
	}
	return v
}

// pruneList prunes the maps in a list and turns its numbers into Go
// numbers.
func pruneList(l []any) {
	for i, item := range l {
		switch item := item.(type) {
		case fieldMap:
			l[i] = pruneMapping(item)
		case map[string]any:
			prune(item)
		case []any:
			pruneList(item)
		case json.Number:
			l[i] = number(item)
		}
	}
}

// number turns a JSON number into an int64 when it is whole, as
// sigs.k8s.io/yaml's decoding of JSON does, else a float64.
func number(n json.Number) any {
	if i, err := n.Int64(); err == nil {
		return i
	}
	f, _ := n.Float64()
	return f
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
		case fieldMap:
			if v = pruneMapping(v); len(v) == 0 && !meaningfulEmpty[k] {
				delete(m, k)
			} else {
				m[k] = v
			}
		case []any:
			pruneList(v)
		case json.Number:
			m[k] = number(v)
		}
	}
}

// pruneMapping is prune for a struct's mapping: it returns m without
// its nulls and empty mappings.
func pruneMapping(m fieldMap) fieldMap {
	out := m[:0]
	for _, item := range m {
		switch v := item.Value.(type) {
		case nil:
			continue
		case map[string]any:
			prune(v)
			if len(v) == 0 && !meaningfulEmpty[item.Key.(string)] {
				continue
			}
		case fieldMap:
			pruned := pruneMapping(v)
			if len(pruned) == 0 && !meaningfulEmpty[item.Key.(string)] {
				continue
			}
			item.Value = pruned
		case []any:
			pruneList(v)
		case json.Number:
			item.Value = number(v)
		}
		out = append(out, item)
	}
	return out
}
