package generate

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"

	"sigs.k8s.io/yaml"

	"github.com/esgen/esgen/esspec"
)

// crdHeader opens schema/esgen.crd.yaml: the file is generated, and says so
// to whoever opens it in a cluster's manifests.
const crdHeader = "# The CustomResourceDefinition of ElasticsearchCluster, generated from the\n" +
	"# esspec types by make schema (esgen crd prints it). Do not edit.\n"

// shortName is what kubectl get accepts for the kind (kubectl get esc).
const shortName = "esc"

// listType is how the API server merges a list under server-side apply,
// and which duplicates it refuses.
type listType struct {
	kind string   // "set" or "map"
	keys []string // the item fields that key a map list
}

// crdListTypes names the spec's lists whose items esspec.Validate already
// keeps unique, by JSON path ("[]" is a list's items). Marking them lets
// the API server refuse what esgen validate refuses (a nodeSet name given
// twice), and lets server-side apply merge them item by item, so two field
// managers may own two nodeSets. Every other list stays atomic, the
// default: esspec accepts duplicates in them (imagePullSecrets, env,
// tolerations), or their order is their meaning (patches).
var crdListTypes = map[string]listType{
	"spec.nodeSets":                {kind: "map", keys: []string{"name"}},
	"spec.nodeSets[].roles":        {kind: "set"},
	"spec.nodeSets[].plugins":      {kind: "set"},
	"spec.plugins.install":         {kind: "set"},
	"spec.security.secureSettings": {kind: "map", keys: []string{"secretName"}},
	"spec.topology.racks":          {kind: "set"},
}

// GenerateCRD builds the CustomResourceDefinition (apiextensions.k8s.io/v1)
// that stores esgen specs as ElasticsearchCluster objects, its schema
// converted from the JSON Schema that Generate reflects, so that the two
// never disagree. Like Generate, it must run from the repository root.
func GenerateCRD() ([]byte, error) {
	js, err := Generate()
	if err != nil {
		return nil, err
	}
	root, err := openAPISchema(js, crdListTypes)
	if err != nil {
		return nil, fmt.Errorf("crd: %w", err)
	}
	def, err := newCRD(root)
	if err != nil {
		return nil, err
	}
	out, err := yaml.Marshal(def)
	if err != nil {
		return nil, err
	}
	return append([]byte(crdHeader), out...), nil
}

// customResourceDefinition is the part of apiextensions.k8s.io/v1's type
// that esgen writes: the root module does without the API server's module.
type customResourceDefinition struct {
	APIVersion string  `json:"apiVersion"`
	Kind       string  `json:"kind"`
	Metadata   crdMeta `json:"metadata"`
	Spec       crdSpec `json:"spec"`
}

type crdMeta struct {
	Name string `json:"name"`
}

type crdSpec struct {
	Group    string       `json:"group"`
	Names    crdNames     `json:"names"`
	Scope    string       `json:"scope"`
	Versions []crdVersion `json:"versions"`
}

type crdNames struct {
	Kind       string   `json:"kind"`
	ListKind   string   `json:"listKind"`
	Plural     string   `json:"plural"`
	Singular   string   `json:"singular"`
	ShortNames []string `json:"shortNames"`
}

type crdVersion struct {
	Name                     string          `json:"name"`
	Served                   bool            `json:"served"`
	Storage                  bool            `json:"storage"`
	Schema                   crdValidation   `json:"schema"`
	AdditionalPrinterColumns []printerColumn `json:"additionalPrinterColumns"`
}

type crdValidation struct {
	OpenAPIV3Schema *props `json:"openAPIV3Schema"`
}

type printerColumn struct {
	Name        string `json:"name"`
	Type        string `json:"type"`
	JSONPath    string `json:"jsonPath"`
	Description string `json:"description,omitempty"`
}

// newCRD wraps the schema of an ElasticsearchCluster in its definition. The
// group, version and kind come from esspec's own constants, so a spec file
// and a stored object name the same API.
func newCRD(root *props) (*customResourceDefinition, error) {
	group, version, ok := strings.Cut(esspec.APIVersion, "/")
	if !ok || group == "" || version == "" {
		return nil, fmt.Errorf("crd: apiVersion %q is not group/version", esspec.APIVersion)
	}
	singular := strings.ToLower(esspec.Kind)
	plural := singular + "s"
	return &customResourceDefinition{
		APIVersion: "apiextensions.k8s.io/v1",
		Kind:       "CustomResourceDefinition",
		Metadata:   crdMeta{Name: plural + "." + group},
		Spec: crdSpec{
			Group: group,
			Names: crdNames{
				Kind:       esspec.Kind,
				ListKind:   esspec.Kind + "List",
				Plural:     plural,
				Singular:   singular,
				ShortNames: []string{shortName},
			},
			Scope: "Namespaced",
			Versions: []crdVersion{{
				Name:    version,
				Served:  true,
				Storage: true,
				Schema:  crdValidation{OpenAPIV3Schema: root},
				// No profile column: with no defaults in the schema
				// (see convert), most objects have none, and kubectl
				// would show <none> for what is production.
				AdditionalPrinterColumns: []printerColumn{
					{Name: "Version", Type: "string", JSONPath: ".spec.version", Description: "Elasticsearch version"},
					{Name: "Age", Type: "date", JSONPath: ".metadata.creationTimestamp"},
				},
			}},
		},
	}, nil
}

// props is an OpenAPI v3 schema node as a CustomResourceDefinition holds it
// (apiextensions.k8s.io/v1 JSONSchemaProps), limited to what esgen's
// structural schema uses.
type props struct {
	Type                   string            `json:"type,omitempty"`
	Description            string            `json:"description,omitempty"`
	Enum                   []json.RawMessage `json:"enum,omitempty"`
	Pattern                string            `json:"pattern,omitempty"`
	Minimum                json.Number       `json:"minimum,omitempty"`
	Maximum                json.Number       `json:"maximum,omitempty"`
	MinItems               *int64            `json:"minItems,omitempty"`
	Required               []string          `json:"required,omitempty"`
	Properties             map[string]*props `json:"properties,omitempty"`
	AdditionalProperties   *props            `json:"additionalProperties,omitempty"`
	Items                  *props            `json:"items,omitempty"`
	AnyOf                  []*props          `json:"anyOf,omitempty"`
	XIntOrString           bool              `json:"x-kubernetes-int-or-string,omitempty"`
	XPreserveUnknownFields bool              `json:"x-kubernetes-preserve-unknown-fields,omitempty"`
	XListType              string            `json:"x-kubernetes-list-type,omitempty"`
	XListMapKeys           []string          `json:"x-kubernetes-list-map-keys,omitempty"`
}

// jsonSchema is a node of the JSON Schema that Generate writes. It lists
// every keyword that schema uses today: a keyword it does not list fails
// the decoding, so that a change to the esspec types that the conversion
// does not understand stops make schema instead of vanishing from the CRD.
type jsonSchema struct {
	Schema               string                 `json:"$schema"`
	ID                   string                 `json:"$id"`
	Ref                  string                 `json:"$ref"`
	Defs                 map[string]*jsonSchema `json:"$defs"`
	Title                string                 `json:"title"`
	Type                 string                 `json:"type"`
	Description          string                 `json:"description"`
	Properties           map[string]*jsonSchema `json:"properties"`
	Required             []string               `json:"required"`
	AdditionalProperties *additional            `json:"additionalProperties"`
	Items                *jsonSchema            `json:"items"`
	Enum                 []json.RawMessage      `json:"enum"`
	Default              json.RawMessage        `json:"default"`
	AnyOf                []*jsonSchema          `json:"anyOf"`
	Pattern              string                 `json:"pattern"`
	Minimum              json.Number            `json:"minimum"`
	Maximum              json.Number            `json:"maximum"`
	MinItems             *int64                 `json:"minItems"`
}

// additional is additionalProperties: false, true, or a schema.
type additional struct {
	allowed bool
	schema  *jsonSchema
}

// UnmarshalJSON takes a boolean or a schema, strictly.
func (a *additional) UnmarshalJSON(data []byte) error {
	if err := json.Unmarshal(data, &a.allowed); err == nil {
		return nil
	}
	a.allowed = true
	a.schema = &jsonSchema{}
	return decodeStrict(data, a.schema)
}

// decodeStrict decodes JSON, refusing keys the target does not name.
func decodeStrict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

// openAPISchema converts a JSON Schema document into the structural
// schema of a custom resource, with the given list types.
func openAPISchema(doc []byte, lists map[string]listType) (*props, error) {
	var root jsonSchema
	if err := decodeStrict(doc, &root); err != nil {
		return nil, fmt.Errorf("reading the JSON Schema: %w", err)
	}
	c := &converter{defs: root.Defs, lists: lists, used: map[string]bool{}}
	// The document's own identity means nothing inside a CRD.
	root.Schema, root.ID, root.Title, root.Defs = "", "", "", nil
	out, err := c.convert(&root, "")
	if err != nil {
		return nil, err
	}
	if out.Type != "object" {
		return nil, fmt.Errorf("the root is %q, want an object", out.Type)
	}
	// The API server owns metadata: a structural schema may say no more
	// than that it is an object (beside rules on name and generateName),
	// and it checks labels, annotations and the name itself.
	if _, ok := out.Properties["metadata"]; ok {
		out.Properties["metadata"] = &props{Type: "object"}
	}
	for _, path := range slices.Sorted(maps.Keys(lists)) {
		if !c.used[path] {
			return nil, fmt.Errorf("%s: a list type is set for a list the schema does not have", path)
		}
	}
	return out, nil
}

// converter turns JSON Schema nodes into structural OpenAPI nodes.
type converter struct {
	defs      map[string]*jsonSchema
	lists     map[string]listType
	used      map[string]bool // the paths of lists that got their list type
	resolving []string        // the $defs being inlined, outermost first
}

// convert returns the structural form of s, found at path (dotted field
// names, "[]" for a list's items, "*" for a map's values). Defaults are
// dropped, and named in the description instead: the API server would
// write them into every stored object, pinning values that esgen derives
// (or may change) when it renders, and only where the parent object is
// present; esspec.SetDefaults applies them, at render time.
func (c *converter) convert(s *jsonSchema, path string) (*props, error) {
	if s.Ref != "" {
		return c.inline(s, path)
	}
	var out *props
	var err error
	switch {
	case len(s.AnyOf) > 0:
		out, err = intOrString(s, path)
	case s.Type == "object":
		out, err = c.object(s, path)
	case s.Type == "array":
		out, err = c.array(s, path)
	case s.Type == "string" || s.Type == "integer" || s.Type == "number" || s.Type == "boolean":
		out = &props{Type: s.Type, Enum: s.Enum, Pattern: s.Pattern, Minimum: s.Minimum, Maximum: s.Maximum}
	default:
		return nil, fmt.Errorf("%s: no type: a structural schema needs one for every field", pathName(path))
	}
	if err != nil {
		return nil, err
	}
	if s.Type != "array" && s.MinItems != nil {
		return nil, fmt.Errorf("%s: minItems on a %s", pathName(path), s.Type)
	}
	out.Description = describe(s.Description, s.Default)
	return out, c.setListType(out, path)
}

// inline replaces a $ref by the definition it names, keeping the
// referring field's own description, which says more than its type's.
func (c *converter) inline(s *jsonSchema, path string) (*props, error) {
	name, ok := strings.CutPrefix(s.Ref, "#/$defs/")
	def := c.defs[name]
	if !ok || def == nil {
		return nil, fmt.Errorf("%s: $ref %q names no definition", pathName(path), s.Ref)
	}
	rest := *s
	rest.Ref, rest.Description = "", ""
	if !reflect.ValueOf(rest).IsZero() {
		return nil, fmt.Errorf("%s: keywords beside $ref %q", pathName(path), s.Ref)
	}
	// A recursive type has no structural form: structural schemas have
	// no references, and inlining would never end.
	if slices.Contains(c.resolving, name) {
		return nil, fmt.Errorf("%s: $ref %q refers to itself (through %s)", pathName(path), s.Ref, strings.Join(c.resolving, ", "))
	}
	c.resolving = append(c.resolving, name)
	out, err := c.convert(def, path)
	c.resolving = c.resolving[:len(c.resolving)-1]
	if err != nil {
		return nil, err
	}
	if s.Description != "" {
		out.Description = describe(s.Description, def.Default)
	}
	return out, nil
}

// object converts an object: its fields, or the values of a map. An
// object with neither is free-form (Elasticsearch settings, whose values
// are scalars, lists or nested maps): the API server must keep it
// whole, not prune it.
func (c *converter) object(s *jsonSchema, path string) (*props, error) {
	out := &props{Type: "object", Required: s.Required}
	ap := s.AdditionalProperties
	switch {
	case len(s.Properties) > 0:
		// Structural schemas have no additionalProperties: false: the
		// API server prunes unknown fields, and refuses them when asked
		// to validate fields strictly (kubectl's default).
		if ap != nil && ap.allowed {
			return nil, fmt.Errorf("%s: both properties and additionalProperties", pathName(path))
		}
		out.Properties = map[string]*props{}
		for _, name := range slices.Sorted(maps.Keys(s.Properties)) {
			p, err := c.convert(s.Properties[name], join(path, name))
			if err != nil {
				return nil, err
			}
			out.Properties[name] = p
		}
	case ap != nil && ap.schema != nil:
		v, err := c.convert(ap.schema, join(path, "*"))
		if err != nil {
			return nil, err
		}
		out.AdditionalProperties = v
	case ap != nil && !ap.allowed:
		return nil, fmt.Errorf("%s: an object that allows no field at all", pathName(path))
	default:
		out.XPreserveUnknownFields = true
	}
	for _, r := range s.Required {
		if _, ok := s.Properties[r]; !ok {
			return nil, fmt.Errorf("%s: required field %q is not a property", pathName(path), r)
		}
	}
	return out, nil
}

// array converts a list, which a structural schema must give its items'
// schema.
func (c *converter) array(s *jsonSchema, path string) (*props, error) {
	if s.Items == nil {
		return nil, fmt.Errorf("%s: a list without items", pathName(path))
	}
	items, err := c.convert(s.Items, path+"[]")
	if err != nil {
		return nil, err
	}
	return &props{Type: "array", Items: items, MinItems: s.MinItems}, nil
}

// intOrString converts the one anyOf the JSON Schema has: a Kubernetes
// quantity, a string or a number. Structural schemas allow no type under
// anyOf except int-or-string's own integer|string pair, which is what a
// quantity is in Kubernetes' own OpenAPI; the pattern stays on the node,
// where it applies to strings only. A number that is not whole (cpu: 0.5)
// cannot pass: it has to be written as a string ("0.5" or 500m).
func intOrString(s *jsonSchema, path string) (*props, error) {
	var str, num *jsonSchema
	for _, alt := range s.AnyOf {
		switch {
		case alt.Type == "string" && str == nil:
			str = alt
		case (alt.Type == "number" || alt.Type == "integer") && num == nil:
			num = alt
		}
	}
	if s.Type != "" || len(s.AnyOf) != 2 || str == nil || num == nil ||
		!reflect.DeepEqual(*num, jsonSchema{Type: num.Type}) ||
		!reflect.DeepEqual(*str, jsonSchema{Type: "string", Pattern: str.Pattern}) {
		return nil, fmt.Errorf("%s: an anyOf other than a string or a number has no structural form", pathName(path))
	}
	return &props{
		AnyOf:        []*props{{Type: "integer"}, {Type: "string"}},
		Pattern:      str.Pattern,
		XIntOrString: true,
	}, nil
}

// setListType marks the list at path with its list type, if it has one.
func (c *converter) setListType(p *props, path string) error {
	lt, ok := c.lists[path]
	if !ok {
		return nil
	}
	c.used[path] = true
	if p.Type != "array" {
		return fmt.Errorf("%s: a list type for a %s", pathName(path), p.Type)
	}
	switch lt.kind {
	case "set":
		if t := p.Items.Type; t != "string" && t != "integer" && t != "number" && t != "boolean" {
			return fmt.Errorf("%s: a set of %s items: a set holds scalars", pathName(path), t)
		}
	case "map":
		if len(lt.keys) == 0 {
			return fmt.Errorf("%s: a map list without keys", pathName(path))
		}
		// The API server needs every key in every item.
		for _, k := range lt.keys {
			if !slices.Contains(p.Items.Required, k) {
				return fmt.Errorf("%s: map list key %q is not a required field of its items", pathName(path), k)
			}
		}
		p.XListMapKeys = lt.keys
	default:
		return fmt.Errorf("%s: list type %q: want set or map", pathName(path), lt.kind)
	}
	p.XListType = lt.kind
	return nil
}

// describe turns a doc comment into a description: the comment's line
// breaks are only where its source wrapped, and kubectl explain wraps
// again, so lines of a paragraph are joined. A default the schema cannot
// carry is named at the end.
func describe(doc string, def json.RawMessage) string {
	paras := strings.Split(strings.TrimSpace(doc), "\n\n")
	for i, p := range paras {
		paras[i] = strings.Join(strings.Fields(p), " ")
	}
	d := strings.Join(paras, "\n\n")
	if len(def) == 0 {
		return d
	}
	v := string(def)
	var s string
	if json.Unmarshal(def, &s) == nil {
		v = s
	}
	if d != "" {
		d += " "
	}
	return d + "Default: " + v + "."
}

// join appends a field name to a path.
func join(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// pathName names a path in an error, the root included.
func pathName(path string) string {
	if path == "" {
		return "(root)"
	}
	return path
}
