package generate

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// convertDoc converts a JSON Schema written as a Go string.
func convertDoc(t *testing.T, doc string, lists map[string]listType) (string, error) {
	t.Helper()
	p, err := openAPISchema([]byte(doc), lists)
	if err != nil {
		return "", err
	}
	out, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(out), nil
}

func TestOpenAPISchema(t *testing.T) {
	for _, tc := range []struct {
		name  string
		doc   string
		lists map[string]listType
		want  string
	}{{
		name: "ref inlined with the field's description, false additionalProperties dropped",
		doc: `{"$ref": "#/$defs/C", "$defs": {
			"C": {"type": "object", "additionalProperties": false, "required": ["a"], "properties": {"a": {"$ref": "#/$defs/A", "description": "the field"}}},
			"A": {"type": "object", "additionalProperties": false, "description": "the type", "properties": {"n": {"type": "integer", "minimum": 1, "maximum": 9}}}}}`,
		want: `{"type":"object","required":["a"],"properties":{"a":{"type":"object","description":"the field","properties":{"n":{"type":"integer","minimum":1,"maximum":9}}}}}`,
	}, {
		name: "quantity becomes int-or-string, pattern kept",
		doc:  `{"type": "object", "properties": {"q": {"anyOf": [{"type": "string", "pattern": "^[0-9]+$"}, {"type": "number"}], "description": "a quantity"}}}`,
		want: `{"type":"object","properties":{"q":{"description":"a quantity","pattern":"^[0-9]+$","anyOf":[{"type":"integer"},{"type":"string"}],"x-kubernetes-int-or-string":true}}}`,
	}, {
		name: "free-form map kept whole, string map typed",
		doc:  `{"type": "object", "properties": {"any": {"type": "object"}, "strs": {"type": "object", "additionalProperties": {"type": "string"}}}}`,
		want: `{"type":"object","properties":{"any":{"type":"object","x-kubernetes-preserve-unknown-fields":true},"strs":{"type":"object","additionalProperties":{"type":"string"}}}}`,
	}, {
		name: "default moves into the description, lines joined",
		doc:  `{"type": "object", "properties": {"s": {"type": "string", "enum": ["a", "b"], "default": "a", "description": "S picks\na letter.\n\nAnother paragraph."}}}`,
		want: `{"type":"object","properties":{"s":{"type":"string","description":"S picks a letter.\n\nAnother paragraph. Default: a.","enum":["a","b"]}}}`,
	}, {
		name: "metadata is just an object",
		doc:  `{"type": "object", "properties": {"metadata": {"type": "object", "description": "m", "properties": {"name": {"type": "string"}}}}}`,
		want: `{"type":"object","properties":{"metadata":{"type":"object"}}}`,
	}, {
		name:  "list types",
		doc:   `{"type": "object", "properties": {"l": {"type": "array", "items": {"type": "object", "required": ["k"], "properties": {"k": {"type": "string"}, "s": {"type": "array", "items": {"type": "string"}}}}}}}`,
		lists: map[string]listType{"l": {kind: "map", keys: []string{"k"}}, "l[].s": {kind: "set"}},
		want:  `{"type":"object","properties":{"l":{"type":"array","items":{"type":"object","required":["k"],"properties":{"k":{"type":"string"},"s":{"type":"array","items":{"type":"string"},"x-kubernetes-list-type":"set"}}},"x-kubernetes-list-type":"map","x-kubernetes-list-map-keys":["k"]}}}`,
	}} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := convertDoc(t, tc.doc, tc.lists)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestOpenAPISchemaRefuses: what has no structural form stops the
// generation, naming where it is, instead of reaching the CRD.
func TestOpenAPISchemaRefuses(t *testing.T) {
	for _, tc := range []struct {
		name  string
		doc   string
		lists map[string]listType
		want  string
	}{
		{"unknown keyword", `{"type": "object", "properties": {"a": {"type": "string", "maxLength": 3}}}`, nil, `unknown field "maxLength"`},
		{"no type", `{"type": "object", "properties": {"a": {"description": "x"}}}`, nil, "a: no type"},
		{"other anyOf", `{"type": "object", "properties": {"a": {"anyOf": [{"type": "string"}, {"type": "boolean"}]}}}`, nil, "a: an anyOf other than"},
		{"one-sided anyOf", `{"type": "object", "properties": {"a": {"anyOf": [{"type": "string"}]}}}`, nil, "a: an anyOf other than"},
		{"anyOf with more", `{"type": "object", "properties": {"a": {"anyOf": [{"type": "string"}, {"type": "number", "minimum": 1}]}}}`, nil, "a: an anyOf other than"},
		{"dangling ref", `{"type": "object", "properties": {"a": {"$ref": "#/$defs/B"}}}`, nil, `a: $ref "#/$defs/B" names no definition`},
		{"recursive ref", `{"$ref": "#/$defs/A", "$defs": {"A": {"type": "object", "properties": {"a": {"$ref": "#/$defs/A"}}}}}`, nil, "refers to itself"},
		{"keyword beside ref", `{"$defs": {"B": {"type": "string"}}, "type": "object", "properties": {"a": {"$ref": "#/$defs/B", "enum": ["x"]}}}`, nil, "a: keywords beside $ref"},
		{"list without items", `{"type": "object", "properties": {"a": {"type": "array"}}}`, nil, "a: a list without items"},
		{"required not a property", `{"type": "object", "required": ["b"], "properties": {"a": {"type": "string"}}}`, nil, `required field "b"`},
		{"list type for nothing", `{"type": "object", "properties": {"a": {"type": "string"}}}`, map[string]listType{"b": {kind: "set"}}, "b: a list type is set for a list the schema does not have"},
		{"list type on a scalar", `{"type": "object", "properties": {"a": {"type": "string"}}}`, map[string]listType{"a": {kind: "set"}}, "a: a list type for a string"},
		{"set of objects", `{"type": "object", "properties": {"a": {"type": "array", "items": {"type": "object"}}}}`, map[string]listType{"a": {kind: "set"}}, "a set holds scalars"},
		{"map key not required", `{"type": "object", "properties": {"a": {"type": "array", "items": {"type": "object", "properties": {"k": {"type": "string"}}}}}}`, map[string]listType{"a": {kind: "map", keys: []string{"k"}}}, `map list key "k" is not a required field`},
		{"root not an object", `{"type": "string"}`, nil, "the root is"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := convertDoc(t, tc.doc, tc.lists)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one with %q", err, tc.want)
			}
		})
	}
}
