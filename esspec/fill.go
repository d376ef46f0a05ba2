package esspec

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"

	"k8s.io/apimachinery/pkg/api/resource"
)

// fill sets dst from a value the decoder's walk built and checked against
// dst's type (maps for structs and maps, lists, strings, bools, int64,
// canonical quantity strings, JSON numbers in free-form settings), as
// encoding/json would decode that value's JSON into dst: null leaves
// dst as it is, pointers, maps and slices are made, a quantity is
// parsed. It replaces a JSON round trip whose first decode built
// encoding/json's encoders and decoders for every type Cluster reaches,
// a millisecond of every esgen process. A type the walk does not produce
// is an error: the caller reports it as internal.
func fill(dst reflect.Value, v any) error {
	if v == nil {
		return nil
	}
	t := dst.Type()
	switch {
	case t == anyType:
		dst.Set(reflect.ValueOf(v))
		return nil
	case t == quantityType:
		s, ok := v.(string)
		if !ok {
			return fmt.Errorf("a quantity from %T", v)
		}
		q, err := resource.ParseQuantity(s)
		if err != nil {
			return err
		}
		dst.Set(reflect.ValueOf(q))
		return nil
	}
	if reflect.PointerTo(t).Implements(reflect.TypeFor[json.Unmarshaler]()) {
		// Not a type the walk knows: let it decode its own JSON.
		b, err := json.Marshal(v)
		if err != nil {
			return err
		}
		return dst.Addr().Interface().(json.Unmarshaler).UnmarshalJSON(b)
	}
	switch t.Kind() {
	case reflect.Pointer:
		elem := reflect.New(t.Elem())
		if err := fill(elem.Elem(), v); err != nil {
			return err
		}
		dst.Set(elem)
	case reflect.Struct:
		m, ok := v.(map[string]any)
		if !ok {
			return fmt.Errorf("%s from %T", t, v)
		}
		fields := fieldIndexes(t)
		for key, item := range m {
			index, ok := fields[key]
			if !ok {
				return fmt.Errorf("%s has no field %q", t, key)
			}
			if err := fill(dst.FieldByIndex(index), item); err != nil {
				return fmt.Errorf("%s: %w", key, err)
			}
		}
	case reflect.Map:
		m, ok := v.(map[string]any)
		if !ok || t.Key().Kind() != reflect.String {
			return fmt.Errorf("%s from %T", t, v)
		}
		out := reflect.MakeMapWithSize(t, len(m))
		for key, item := range m {
			elem := reflect.New(t.Elem()).Elem()
			if err := fill(elem, item); err != nil {
				return fmt.Errorf("%s: %w", key, err)
			}
			out.SetMapIndex(reflect.ValueOf(key).Convert(t.Key()), elem)
		}
		dst.Set(out)
	case reflect.Slice:
		l, ok := v.([]any)
		if !ok {
			return fmt.Errorf("%s from %T", t, v)
		}
		out := reflect.MakeSlice(t, len(l), len(l))
		for i, item := range l {
			if err := fill(out.Index(i), item); err != nil {
				return fmt.Errorf("[%d]: %w", i, err)
			}
		}
		dst.Set(out)
	case reflect.String:
		s, ok := v.(string)
		if !ok {
			return fmt.Errorf("%s from %T", t, v)
		}
		dst.SetString(s)
	case reflect.Bool:
		b, ok := v.(bool)
		if !ok {
			return fmt.Errorf("%s from %T", t, v)
		}
		dst.SetBool(b)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		i, ok := v.(int64)
		if !ok || dst.OverflowInt(i) {
			return fmt.Errorf("%s from %T %v", t, v, v)
		}
		dst.SetInt(i)
	default:
		return fmt.Errorf("no way to fill %s", t)
	}
	return nil
}

// fieldIndexes maps a struct's JSON field names to their indexes, with
// the fields of embedded structs without a JSON name promoted; jsonFields
// gives their types for the walk.
func fieldIndexes(t reflect.Type) map[string][]int {
	fields := map[string][]int{}
	for f := range t.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			for k, index := range fieldIndexes(f.Type) {
				fields[k] = append([]int{f.Index[0]}, index...)
			}
			continue
		}
		if !f.IsExported() || name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		fields[name] = f.Index
	}
	return fields
}
