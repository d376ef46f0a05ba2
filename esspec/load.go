package esspec

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	yaml "go.yaml.in/yaml/v3"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// MaxSpecBytes is the largest spec Load reads. A spec describes one
// cluster; anything near this size is a mistake or an attack, and reading
// stops here instead of exhausting memory.
const MaxSpecBytes = 1 << 20

// maxNodes bounds the YAML nodes visited, counting each use of an alias
// anew, so that an alias bomb ("billion laughs") fails fast.
const maxNodes = 100_000

// LoadError lists every problem found while reading a spec, each with the
// line it is on.
type LoadError struct {
	Problems []Problem
}

// Problem is one error or warning about a spec: the field it concerns (a
// path such as spec.nodeSets[0].heap, empty for the document as a whole),
// the source line (0 when unknown) and what is wrong.
type Problem struct {
	Line   int
	Field  string
	Detail string
}

// String writes line, field and detail, leaving out whichever is unknown.
func (p Problem) String() string {
	var b strings.Builder
	if p.Line > 0 {
		fmt.Fprintf(&b, "line %d: ", p.Line)
	}
	if p.Field != "" {
		b.WriteString(p.Field + ": ")
	}
	b.WriteString(p.Detail)
	return b.String()
}

func (e *LoadError) Error() string {
	s := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		s[i] = p.String()
	}
	return strings.Join(s, "\n")
}

// Load reads one spec from r, strictly: unknown keys, duplicate keys,
// values of the wrong type, a second YAML document and input above
// MaxSpecBytes are errors that name the field and the line. Defaults are
// not applied; call SetDefaults, then Validate.
func Load(r io.Reader) (*Cluster, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxSpecBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxSpecBytes {
		return nil, &LoadError{[]Problem{{Detail: fmt.Sprintf("spec is larger than %d bytes; a spec describes one cluster", MaxSpecBytes)}}}
	}
	return Parse(data)
}

// Parse is Load for a spec already in memory.
func Parse(data []byte) (*Cluster, error) {
	value, source, err := walk(data)
	if err != nil {
		return nil, err
	}
	// The walk checked every key and type against Cluster, so filling
	// the struct cannot fail on input.
	c := &Cluster{}
	if err := fill(reflect.ValueOf(c).Elem(), value); err != nil {
		return nil, fmt.Errorf("esspec: internal error: %w", err)
	}
	c.source = source
	return c, nil
}

var yamlLine = lazyRegexp(`^yaml: line (\d+): (.*)$`)

// parseDocument parses data into exactly one YAML document.
func parseDocument(data []byte) (*yaml.Node, error) {
	if !utf8.Valid(data) {
		line := 1 + bytes.Count(data[:invalidUTF8(data)], []byte("\n"))
		return nil, &LoadError{[]Problem{{Line: line, Detail: "spec is not valid UTF-8"}}}
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &LoadError{[]Problem{{Detail: "spec is empty: expected an ElasticsearchCluster document"}}}
		}
		return nil, syntaxError(err)
	}
	var second yaml.Node
	switch err := dec.Decode(&second); {
	case errors.Is(err, io.EOF):
	case err != nil:
		return nil, syntaxError(err)
	default:
		return nil, &LoadError{[]Problem{{Line: second.Line, Detail: "a spec file holds one document; found a second one (remove the extra --- and what follows)"}}}
	}
	root := &doc
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	if root.Kind == yaml.ScalarNode && root.ShortTag() == "!!null" {
		return nil, &LoadError{[]Problem{{Line: root.Line, Detail: "spec is empty: expected an ElasticsearchCluster document"}}}
	}
	return root, nil
}

func syntaxError(err error) error {
	msg := err.Error()
	if m := yamlLine().FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		return &LoadError{[]Problem{{Line: line, Detail: "YAML syntax error: " + m[2]}}}
	}
	return &LoadError{[]Problem{{Detail: "YAML syntax error: " + strings.TrimPrefix(msg, "yaml: ")}}}
}

func invalidUTF8(data []byte) int {
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return len(data)
}

// decoder walks a YAML node tree along a Go type, collecting problems and
// building the equivalent JSON value.
type decoder struct {
	problems []Problem
	source   sourceMap
	visited  int
	tooLarge bool
}

func (d *decoder) fail(n *yaml.Node, path *field.Path, format string, args ...any) {
	p := Problem{Line: n.Line, Detail: fmt.Sprintf(format, args...)}
	if path != nil {
		p.Field = path.String()
	}
	d.problems = append(d.problems, p)
}

var (
	quantityType = reflect.TypeFor[resource.Quantity]()
	anyType      = reflect.TypeFor[any]()
)

// value checks n against t and returns its JSON form (nil after a problem).
func (d *decoder) value(n *yaml.Node, t reflect.Type, path *field.Path) any {
	d.visited++
	if d.visited > maxNodes {
		if !d.tooLarge {
			d.tooLarge = true
			d.fail(n, path, "spec has more than %d YAML nodes once aliases are expanded", maxNodes)
		}
		return nil
	}
	if n.Kind == yaml.AliasNode {
		return d.value(n.Alias, t, path)
	}
	if path != nil {
		d.source.add(path.String(), n.Line)
	}
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" {
		return nil
	}
	switch {
	case t == anyType:
		return d.anyValue(n, path)
	case t == quantityType:
		return d.quantity(n, path)
	}
	switch t.Kind() {
	case reflect.Pointer:
		return d.value(n, t.Elem(), path)
	case reflect.Struct:
		return d.object(n, t, path)
	case reflect.Map:
		return d.mapping(n, t, path)
	case reflect.Slice:
		return d.sequence(n, t, path)
	case reflect.String:
		if !d.scalar(n, path, "a string", "!!str") {
			return nil
		}
		return n.Value
	case reflect.Bool:
		if !d.scalar(n, path, "true or false", "!!bool") {
			return nil
		}
		return boolValue(n)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return d.integer(n, t, path)
	}
	d.fail(n, path, "esspec: internal error: no decoder for %s", t)
	return nil
}

// walk parses a spec's one YAML document and checks it against Cluster's
// types, returning its value (see fill) and each field's line.
func walk(data []byte) (any, sourceMap, error) {
	root, err := parseDocument(data)
	if err != nil {
		return nil, nil, err
	}
	d := &decoder{source: sourceMap{}}
	value := d.value(root, reflect.TypeFor[Cluster](), nil)
	if len(d.problems) > 0 {
		return nil, nil, &LoadError{d.problems}
	}
	return value, d.source, nil
}

// scalar checks that n is a scalar with one of tags, and says what was
// expected otherwise.
func (d *decoder) scalar(n *yaml.Node, path *field.Path, want string, tags ...string) bool {
	if n.Kind == yaml.ScalarNode && slices.Contains(tags, n.ShortTag()) {
		return true
	}
	got := describe(n)
	hint := ""
	if n.Kind == yaml.ScalarNode && slices.Contains(tags, "!!str") {
		hint = fmt.Sprintf(" (write %q to keep it as text)", n.Value)
		if h, ok := scalarHints[lastElement(path)]; ok {
			hint = " (" + h + ")"
		}
	}
	d.fail(n, path, "must be %s, not %s%s", want, got, hint)
	return false
}

// boolValue reads a !!bool scalar: true, True and TRUE are all true.
func boolValue(n *yaml.Node) bool {
	var b bool
	_ = n.Decode(&b) // the tag says it is a boolean
	return b
}

// scalarHints replace "quote it" for fields where quoting alone would not
// give a valid value.
var scalarHints = map[string]string{
	"heap":    "write it with a unit k, m or g, e.g. 4g or 4096m",
	"version": "write the full version x.y.z, e.g. 8.19.3",
}

// lastElement returns the field name at the end of a path, "" for an index.
func lastElement(path *field.Path) string {
	if path == nil {
		return ""
	}
	s := path.String()
	if strings.HasSuffix(s, "]") {
		return ""
	}
	return s[strings.LastIndexByte(s, '.')+1:]
}

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	}
	switch n.ShortTag() {
	case "!!str":
		return fmt.Sprintf("the string %q", n.Value)
	case "!!int", "!!float":
		return "the number " + n.Value
	case "!!bool":
		return "the boolean " + n.Value
	case "!!timestamp":
		return "the date " + n.Value
	}
	return n.Value
}

func (d *decoder) integer(n *yaml.Node, t reflect.Type, path *field.Path) any {
	if !d.scalar(n, path, "an integer", "!!int") {
		return nil
	}
	var v int64
	if err := n.Decode(&v); err != nil || reflect.Zero(t).OverflowInt(v) {
		d.fail(n, path, "number %s is out of range", n.Value)
		return nil
	}
	return v
}

func (d *decoder) quantity(n *yaml.Node, path *field.Path) any {
	if !d.scalar(n, path, "a quantity such as 8Gi or 500m", "!!str", "!!int", "!!float") {
		return nil
	}
	q, err := resource.ParseQuantity(n.Value)
	if err != nil {
		d.fail(n, path, "%q is not a quantity: use Kubernetes notation such as 8Gi, 500m or 2", n.Value)
		return nil
	}
	return q.String()
}

// object checks a mapping against a struct's JSON fields.
func (d *decoder) object(n *yaml.Node, t reflect.Type, path *field.Path) any {
	if n.Kind != yaml.MappingNode {
		d.fail(n, path, "must be a mapping, not %s", describe(n))
		return nil
	}
	fields := jsonFields(t)
	out := map[string]any{}
	d.eachKey(n, path, func(key string, k, v *yaml.Node) {
		f, ok := fields[key]
		if !ok {
			d.fail(k, path.Child(key), "unknown field%s", suggest(key, fields))
			return
		}
		// A field's line is its key's: a block value starts on the next line.
		d.source.add(path.Child(key).String(), k.Line)
		if val := d.value(v, f, path.Child(key)); val != nil {
			out[key] = val
		}
	})
	return out
}

func (d *decoder) mapping(n *yaml.Node, t reflect.Type, path *field.Path) any {
	if n.Kind != yaml.MappingNode {
		d.fail(n, path, "must be a mapping, not %s", describe(n))
		return nil
	}
	out := map[string]any{}
	d.eachKey(n, path, func(key string, k, v *yaml.Node) {
		d.source.add(path.Key(key).String(), k.Line)
		out[key] = d.value(v, t.Elem(), path.Key(key))
	})
	return out
}

func (d *decoder) sequence(n *yaml.Node, t reflect.Type, path *field.Path) any {
	if n.Kind != yaml.SequenceNode {
		d.fail(n, path, "must be a list, not %s", describe(n))
		return nil
	}
	out := make([]any, 0, len(n.Content))
	for i, item := range n.Content {
		out = append(out, d.value(item, t.Elem(), path.Index(i)))
	}
	return out
}

// eachKey calls fn for every key of a mapping node, refusing duplicate,
// merge and non-scalar keys.
func (d *decoder) eachKey(n *yaml.Node, path *field.Path, fn func(key string, k, v *yaml.Node)) {
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind == yaml.AliasNode {
			k = k.Alias
		}
		if k.Kind != yaml.ScalarNode {
			d.fail(k, path, "keys must be plain text, not %s", describe(k))
			continue
		}
		if k.ShortTag() == "!!merge" {
			d.fail(k, path, "YAML merge keys (<<) are not supported: write the fields out")
			continue
		}
		if first, dup := seen[k.Value]; dup {
			d.fail(k, path.Child(k.Value), "duplicate key (first at line %d)", first)
			continue
		}
		seen[k.Value] = k.Line
		fn(k.Value, k, v)
	}
}

// anyValue converts free-form YAML (elasticsearch.yml settings) to JSON,
// keeping numbers exact.
func (d *decoder) anyValue(n *yaml.Node, path *field.Path) any {
	switch n.Kind {
	case yaml.MappingNode:
		return d.mapping(n, reflect.TypeFor[map[string]any](), path)
	case yaml.SequenceNode:
		return d.sequence(n, reflect.TypeFor[[]any](), path)
	}
	switch n.ShortTag() {
	case "!!bool":
		return boolValue(n)
	case "!!int":
		var v int64
		if err := n.Decode(&v); err != nil {
			d.fail(n, path, "number %s is out of range", n.Value)
			return nil
		}
		return json.Number(strconv.FormatInt(v, 10))
	case "!!float":
		var v float64
		if err := n.Decode(&v); err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
			d.fail(n, path, "%s is not a finite number", n.Value)
			return nil
		}
		return json.Number(strconv.FormatFloat(v, 'g', -1, 64))
	}
	return n.Value
}

// jsonFields maps the JSON names of a struct's fields to their types, as
// encoding/json sees them: the fields of an embedded struct without a JSON
// name (corev1.SecretKeySelector's LocalObjectReference) are the outer
// struct's own.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	fields := map[string]reflect.Type{}
	for name, index := range fieldIndexes(t) {
		fields[name] = t.FieldByIndex(index).Type
	}
	return fields
}

// suggest names the closest known field when key looks like a typo of it.
func suggest(key string, fields map[string]reflect.Type) string {
	best, bestDist := "", 3
	for name := range fields {
		dist := editDistance(strings.ToLower(key), strings.ToLower(name))
		if dist < bestDist || (dist == bestDist && name < best) {
			best, bestDist = name, dist
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(": did you mean %q?", best)
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

// lazyRegexp compiles a regular expression on its first use rather than
// at package initialisation, which every esgen process would pay for,
// whether or not its command needs the expression.
func lazyRegexp(expr string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })
}
