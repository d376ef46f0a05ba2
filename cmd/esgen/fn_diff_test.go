package main

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"
	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/kio"
	kyaml "sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/esgen/esgen/krm"
	"github.com/esgen/esgen/krm/specs"
)

// frameworkFn is what a Go tool gets from krm.Process through kyaml's
// framework.Execute, the reference esgen fn must match. A panic in kyaml
// is returned, not raised.
func frameworkFn(input []byte) (out []byte, panicked any, err error) {
	defer func() { panicked = recover() }()
	var b bytes.Buffer
	err = framework.Execute(framework.ResourceListProcessorFunc(krm.Process),
		&kio.ByteReadWriter{Reader: bytes.NewReader(input), Writer: &b, KeepReaderAnnotations: true})
	return b.Bytes(), nil, err
}

// sameAsFramework fails unless esgen fn's execute does with input what
// framework.Execute does: the same bytes on stdout and an error exactly
// when the framework fails, of the same kind (the processor's results,
// or no output at all). The one input esgen refuses on purpose is a
// stream that kyaml reads as something other than a ResourceList (a bare
// resource, a List, several documents): esgen render is for those.
func sameAsFramework(t testing.TB, input []byte) {
	t.Helper()
	want, panicked, werr := frameworkFn(input)
	var got bytes.Buffer
	results, err := execute(input, &got)
	if panicked != nil {
		// Nothing to compare with. esgen did not panic, or this test
		// would have; none of the inputs here makes kyaml panic since
		// krm/specs reads only mappings as resources.
		t.Logf("framework.Execute panics (%v); esgen fn: %v", panicked, err)
		return
	}
	var failed framework.Results
	frameworkResults := errors.As(werr, &failed)
	switch {
	case errors.Is(err, errNotList):
		r := &kio.ByteReader{Reader: bytes.NewReader(input)}
		if _, rerr := r.Read(); rerr != nil || r.WrappingKind == resourceListKind {
			t.Fatalf("esgen fn refuses a stream kyaml reads as a %q (read error %v)\ninput:\n%s", r.WrappingKind, rerr, input)
		}
	case err != nil:
		if werr == nil || frameworkResults {
			t.Fatalf("esgen fn fails (%v), framework.Execute does not (%v)\ninput:\n%s", err, werr, input)
		}
	case werr != nil && !frameworkResults:
		t.Fatalf("framework.Execute fails (%v), esgen fn does not\ninput:\n%s", werr, input)
	case frameworkResults != specs.HasError(results):
		t.Fatalf("framework.Execute fails with results: %v; esgen fn's results hold an error: %v\ninput:\n%s", frameworkResults, specs.HasError(results), input)
	case got.String() != string(want):
		t.Fatalf("esgen fn writes (-framework +fn):\n%s\ninput:\n%s", cmp.Diff(string(want), got.String()), input)
	}
}

// TestFnDifferential: esgen fn and framework.Execute with krm.Process,
// fed the same ResourceLists, write the same bytes and fail alike: the
// lists in fnCorners, and 400 that fnList generates, mixing every kind of
// item, annotation, functionConfig, results and layout it knows.
func TestFnDifferential(t *testing.T) {
	for name, input := range fnCorners(t) {
		t.Run(name, func(t *testing.T) { sameAsFramework(t, []byte(input)) })
	}
	n := uint64(400)
	if testing.Short() {
		n = 60
	}
	parts := fnParts(t)
	for seed := range n {
		input := fnList(rand.New(rand.NewPCG(seed, 0x65736765)), parts)
		t.Run(fmt.Sprintf("seed%d", seed), func(t *testing.T) { sameAsFramework(t, input) })
	}
}

// FuzzFn: whatever comes on stdin, esgen fn writes what framework.Execute
// writes, or refuses it as no ResourceList when kyaml does not read one.
func FuzzFn(f *testing.F) {
	for _, input := range fnCorners(f) {
		f.Add([]byte(input))
	}
	parts := fnParts(f)
	for seed := range uint64(40) {
		f.Add(fnList(rand.New(rand.NewPCG(seed, 0x65736765)), parts))
	}
	f.Fuzz(func(t *testing.T, input []byte) {
		if len(input) > 1<<16 {
			return // a spec's render is what takes time, not the list
		}
		sameAsFramework(t, input)
	})
}

// listHead starts every hand-written ResourceList.
const listHead = "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\n"

// fnCorners are ResourceLists, and streams that are none, at the edges
// of what kyaml's reader, annotation handling and writer do.
func fnCorners(t testing.TB) map[string]string {
	spec := readExample(t, "quickstart.yaml")
	invalid := strings.Replace(spec, "count: 1", "count: 0.5", 1)
	cm := func(annotations string) string {
		return "- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: cm\n" + annotations + "  data: {a: b}\n"
	}
	annotated := func(pairs ...string) string {
		s := "    annotations:\n"
		for i := 0; i+1 < len(pairs); i += 2 {
			s += "      " + pairs[i] + ": " + pairs[i+1] + "\n"
		}
		return cm(s)
	}
	return map[string]string{
		"empty stream":                "",
		"comment only":                "# nothing\n",
		"bare resource":               "apiVersion: v1\nkind: Namespace\nmetadata: {name: x}\n",
		"List":                        "apiVersion: v1\nkind: List\nitems: []\n",
		"no items nor functionConfig": listHead,
		"two documents":               listHead + "items: []\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: x}\n",
		"trailing separator":          listHead + "items: []\n---\n",
		"leading separator":           "---\n" + listHead + "items: []\n",
		"document end":                listHead + "items: []\n...\n",
		"bad separator":               listHead + "items: []\n--- x\n",
		"syntax error":                listHead + "items: [\n",
		"tab":                         listHead + "items:\n\t- a\n",
		"scalar stream":               "foo\n",
		"null stream":                 "~\n",
		"items null":                  listHead + "items: null\n",
		"items empty":                 listHead + "items:\n",
		"items mapping":               listHead + "items: {}\n",
		"items mapping with keys":     listHead + "items: {a: b}\n",
		"items null key":              listHead + "items: {~: {apiVersion: v1, kind: ConfigMap, metadata: {name: x}}}\n",
		"items scalar":                listHead + "items: foo\n",
		"scalar item":                 listHead + "items: [foo]\n",
		"sequence item":               listHead + "items: [[a]]\n",
		"null item":                   listHead + "items: [~, null, {kind: X, metadata: {name: y}}]\n",
		"empty mapping item":          listHead + "items: [{}]\n",
		"alias item":                  listHead + "items:\n- &a {kind: X, metadata: {name: y}}\n- *a\n",
		"shared annotations":          listHead + "items:\n- {kind: X, metadata: {name: y, annotations: &a {x: y}}}\n- {kind: X, metadata: {name: z, annotations: *a}}\n",
		"anchored metadata":           listHead + "items:\n- {kind: X, metadata: &m {name: y}}\n- {kind: X, metadata: *m}\n",
		"metadata scalar":             listHead + "items: [{kind: X, metadata: foo}]\n",
		"metadata null":               listHead + "items: [{kind: X, metadata: ~}]\n",
		"metadata empty":              listHead + "items: [{kind: X, metadata: {}}]\n",
		"annotations empty":           listHead + "items: [{kind: X, metadata: {name: x, annotations: {}}}]\n",
		"annotations null":            listHead + "items: [{kind: X, metadata: {name: x, annotations: ~}}]\n",
		"annotations twice null":      listHead + "items: [{kind: X, metadata: {name: x, annotations: ~, annotations: ~}}]\n",
		"annotations scalar":          listHead + "items: [{kind: X, metadata: {name: x, annotations: foo}}]\n",
		"annotations sequence":        listHead + "items: [{kind: X, metadata: {name: x, annotations: [a]}}]\n",
		"annotations twice":           listHead + "items: [{kind: X, metadata: {annotations: {a: b}, annotations: {}}}]\n",
		"legacy annotations":          listHead + "items:\n" + annotated("config.kubernetes.io/path", "a.yaml", "config.kubernetes.io/index", "'0'"),
		"internal annotations":        listHead + "items:\n" + annotated("internal.config.kubernetes.io/path", "a.yaml", "internal.config.kubernetes.io/index", "\"3\""),
		"both annotations":            listHead + "items:\n" + annotated("config.kubernetes.io/path", "a.yaml", "internal.config.kubernetes.io/path", "a.yaml"),
		"mismatched path":             listHead + "items:\n" + annotated("config.kubernetes.io/path", "a.yaml", "internal.config.kubernetes.io/path", "b.yaml"),
		"mismatched index":            listHead + "items:\n" + annotated("config.kubernetes.io/index", "'1'", "internal.config.kubernetes.io/index", "'2'"),
		"mismatched id":               listHead + "items:\n" + annotated("config.k8s.io/id", "'1'", "internal.config.kubernetes.io/id", "'2'"),
		"id annotations":              listHead + "items:\n" + annotated("config.k8s.io/id", "'1'"),
		"empty path":                  listHead + "items:\n" + annotated("config.kubernetes.io/path", "''", "internal.config.kubernetes.io/path", "a.yaml"),
		"null index":                  listHead + "items:\n" + annotated("config.kubernetes.io/index", "~"),
		"index as a list":             listHead + "items:\n" + annotated("config.kubernetes.io/index", "[1]", "internal.config.kubernetes.io/index", "x"),
		"duplicate index":             listHead + "items:\n" + annotated("config.kubernetes.io/index", "'1'", "config.kubernetes.io/index", "'2'"),
		"multi-line path":             listHead + "items:\n" + annotated("internal.config.kubernetes.io/path", "\"a\\nb\""),
		"tagged path":                 listHead + "items:\n" + annotated("config.kubernetes.io/path", "!!str 12"),
		"migration id":                listHead + "items:\n" + annotated("internal.config.kubernetes.io/annotations-migration-resource-id", "'7'"),
		"inconsistent formats": listHead + "items:\n" + annotated("config.kubernetes.io/index", "'0'") +
			annotated("internal.config.kubernetes.io/index", "'1'", "config.kubernetes.io/index", "'1'"),
		"list annotations":                 "apiVersion: v1\nkind: ResourceList\nmetadata: {annotations: {config.kubernetes.io/path: x}}\nitems: []\n",
		"list metadata scalar":             "apiVersion: v1\nkind: ResourceList\nmetadata: x\nitems: []\n",
		"list anchors":                     "kind: ResourceList\nmetadata: &m {name: x}\nitems: [{kind: X, metadata: {name: y}, ref: *m}]\nfunctionConfig: *m\n",
		"keys reordered":                   "functionConfig: {kind: X}\nitems: []\nkind: ResourceList\n",
		"no apiVersion":                    "kind: ResourceList\nitems: []\n",
		"quoted header":                    "apiVersion: \"123\"\nkind: 'ResourceList'\nitems: []\n",
		"functionConfig only":              listHead + "functionConfig:\n" + indent(spec, "  "),
		"functionConfig null":              listHead + "items: []\nfunctionConfig: null\n",
		"functionConfig empty":             listHead + "items: []\nfunctionConfig:\n",
		"functionConfig scalar":            listHead + "items: []\nfunctionConfig: foo\n",
		"functionConfig sequence":          listHead + "items: []\nfunctionConfig: [kind, ElasticsearchCluster, apiVersion, esgen.dev/v1alpha1]\n",
		"functionConfig odd":               listHead + "items: []\nfunctionConfig: [a]\n",
		"functionConfig metadata sequence": listHead + "items: []\nfunctionConfig: {apiVersion: esgen.dev/v1alpha1, kind: ElasticsearchCluster, metadata: [a]}\n",
		"generator":                        listHead + "items: []\nfunctionConfig:\n" + indent(spec, "  "),
		"invalid generator":                listHead + "items: []\nfunctionConfig:\n" + indent(invalid, "  "),
		"results kept":                     listHead + "items: []\nresults:\n- {message: earlier, severity: info}\n",
		"results replaced":                 listHead + "items:\n- " + indent(invalid, "  ")[2:] + "results: [{message: earlier}]\n",
		"results null":                     listHead + "items: []\nresults: ~\n",
		"crlf":                             strings.ReplaceAll(listHead+"items:\n- {kind: X, metadata: {name: y}} # c\n", "\n", "\r\n"),
		"wide items":                       listHead + "items:\n  - kind: X\n    metadata:\n      name: y\n    list:\n      - a\n      - b\n",
		"spec wide":                        listHead + "items:\n  - " + indent(spec, "    ")[4:],
		"spec flow":                        listHead + "items: [{apiVersion: esgen.dev/v1alpha1, kind: ElasticsearchCluster, metadata: {name: f}, spec: {version: 9.5.2, profile: development, nodeSets: [{name: a, count: 1, resources: {memory: 2Gi}}]}}]\n",
		"spec invalid":                     listHead + "items:\n- " + indent(invalid, "  ")[2:],
		"spec with anchors":                listHead + "items:\n- " + indent(strings.Replace(spec, "metadata:\n", "metadata: &m\n", 1)+"extra: *m\n", "  ")[2:],
		"spec unknown version":             listHead + "items:\n- " + indent(strings.Replace(spec, "v1alpha1", "v9", 1), "  ")[2:],
		"spec tagged null":                 listHead + "items:\n- !!null\n",
		"utf-16":                           "\xff\xfe" + "k\x00i\x00n\x00d\x00:\x00 \x00R\x00e\x00s\x00o\x00u\x00r\x00c\x00e\x00L\x00i\x00s\x00t\x00\n\x00i\x00t\x00e\x00m\x00s\x00:\x00 \x00[\x00]\x00\n\x00",
		"invalid utf-8":                    listHead + "items: [\"\xff\"]\n",
		"keep chomping":                    listHead + "items:\n- kind: X\n  metadata: {name: y}\n  data: |+\n    a\n\n",
		"comments everywhere":              "# head\n" + listHead + "# before items\nitems: # line\n# between\n- kind: X # kind\n  # inside\n  metadata: {name: y}\n  # foot\n# end\n",
		"yaml 1.1 strings":                 listHead + "items:\n- {kind: X, metadata: {name: y}, data: {a: yes, b: 'no', c: 0755, d: \"1e3\", e: on}}\n",
		"long string":                      listHead + "items:\n- {kind: X, metadata: {name: y}, data: {a: " + strings.Repeat("word ", 40) + "}}\n",
	}
}

// readExample returns examples/name.
func readExample(t testing.TB, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "examples", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// indent prefixes every non-empty line of s.
func indent(s, prefix string) string {
	lines := strings.SplitAfter(s, "\n")
	for i, l := range lines {
		if l != "" && l != "\n" {
			lines[i] = prefix + l
		}
	}
	return strings.Join(lines, "")
}

// fnPieces is what fnList builds ResourceLists from.
type fnPieces struct {
	items           []string // resources at column 0, ANNOTATIONS where annotations may go
	annotations     []string // ANNOTATIONS replacements: "" or lines at 4 spaces
	functionConfigs []string // "" for none, else the value at column 0
	results         []string // "" for none, else results: and its value
}

// fnParts returns the pieces: pass-through items with comments, flow
// style, block strings, anchors and both sequence indents, esgen specs
// valid, warned about and invalid, odd items, the orchestrators'
// annotations in every form, and functionConfigs and results of each
// kind.
func fnParts(t testing.TB) fnPieces {
	annotationsSlot := func(spec string) string {
		return strings.Replace(spec, "\nmetadata:\n", "\nmetadata:\nANNOTATIONS", 1)
	}
	var specItems []string
	for _, name := range []string{"quickstart.yaml", "production.yaml", "rack-aware.yaml", "legacy-6x.yaml"} {
		specItems = append(specItems, annotationsSlot(readExample(t, name)))
	}
	production := specItems[1]
	specItems = append(specItems,
		strings.Replace(production, "heap: 31g", "heap: 32g", 1),             // a warning
		strings.Replace(production, "heap: 31g", "heap: 40g", 1),             // an error
		strings.Replace(production, "esgen.dev/v1alpha1", "esgen.dev/v2", 1), // unknown version
		strings.Replace(specItems[0], "count: 1", "count: one", 1),           // a load error
	)
	items := append(specItems,
		"# a ConfigMap\napiVersion: v1\nkind: ConfigMap # the kind\nmetadata:\n  name: settings\nANNOTATIONS  namespace: search\ndata:\n  script: |\n    #!/bin/sh\n    echo hi\n  folded: >-\n    one\n    two\n  quoted: \"yes\"\n  octal: '0755'\n# foot\n",
		"{apiVersion: v1, kind: Service, metadata: {name: web}, spec: {ports: [{port: 80, name: http}], selector: {app: web}}}\n",
		"apiVersion: apps/v1\nkind: Deployment\nmetadata:\nANNOTATIONS  name: web\n  labels: &labels\n    app: web\nspec:\n  selector:\n    matchLabels: *labels\n  template:\n    metadata: {labels: *labels}\n    spec:\n      containers:\n      - name: web\n        args:\n        - --port=80\n        - --verbose\n",
		"apiVersion: apps/v1\nkind: Deployment\nmetadata:\nANNOTATIONS  name: wide\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          args:\n            - a\n            - b\n",
		"kind: NoMeta\nvalue: 1\n",
		"apiVersion: v1\nkind: Secret\nmetadata:\nANNOTATIONS  name: s\nstringData: {k: \"line1\\nline2\"}\ntype: Opaque\n",
		"apiVersion: search.example.com/v1\nkind: ElasticsearchCluster\nmetadata:\nANNOTATIONS  name: lookalike\nspec: {anything: [goes]}\n",
		"apiVersion: v1\nkind: ConfigMap\nmetadata:\nANNOTATIONS  name: e\n  annotations: {}\n",
		"~\n",
	)
	return fnPieces{
		items: items,
		annotations: []string{
			"",
			"  annotations:\n    config.kubernetes.io/path: PATH\n    config.kubernetes.io/index: 'INDEX'\n",
			"  annotations:\n    internal.config.kubernetes.io/path: PATH\n    internal.config.kubernetes.io/index: 'INDEX'\n",
			"  annotations:\n    config.kubernetes.io/path: 'PATH'\n    config.kubernetes.io/index: 'INDEX'\n    internal.config.kubernetes.io/path: 'PATH'\n    internal.config.kubernetes.io/index: 'INDEX'\n",
			"  annotations:\n    config.kubernetes.io/index: \"INDEX\"\n    internal.config.kubernetes.io/index: INDEX\n    config.k8s.io/id: 'INDEX'\n",
			"  annotations:\n    team: search # the owner\n    config.kubernetes.io/local-config: \"true\"\n    config.kubernetes.io/function: |\n      exec: {path: esgen, args: [fn]}\n",
			"  annotations: {internal.config.kubernetes.io/path: PATH, internal.config.kubernetes.io/index: 'INDEX', internal.config.kubernetes.io/id: 'INDEX'}\n",
			"  annotations:\n    config.kubernetes.io/path: PATH\n    internal.config.kubernetes.io/path: other.yaml\n",
		},
		functionConfigs: []string{
			"", "", "",
			strings.ReplaceAll(specItems[0], "ANNOTATIONS", "  annotations:\n    config.kubernetes.io/local-config: \"true\"\n"),
			strings.ReplaceAll(specItems[5], "ANNOTATIONS", ""),
			"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: fc}\ndata: {a: b}\n",
			"null\n", "{}\n", "[a, b]\n",
		},
		results: []string{"", "", "results:\n- message: from an earlier function\n  severity: info\n", "results: []\n"},
	}
}

// fnList generates one ResourceList: up to five items, each with
// annotations in one of the forms (or several forms across items), an
// optional functionConfig and results, in compact or wide sequence
// indent, as hand-written YAML or as kio.ByteWriter writes it (as
// kustomize hands a function its input).
func fnList(r *rand.Rand, p fnPieces) []byte {
	wide := r.IntN(4) == 0
	var b strings.Builder
	b.WriteString(listHead)
	if r.IntN(6) == 0 {
		b.WriteString("# written by a test\n")
	}
	n := r.IntN(6)
	if n == 0 && r.IntN(2) == 0 {
		b.WriteString("items: []\n")
	} else {
		b.WriteString("items:\n")
	}
	form := r.IntN(len(p.annotations))
	for i := range n {
		item := p.items[r.IntN(len(p.items))]
		if r.IntN(5) == 0 {
			form = r.IntN(len(p.annotations))
		}
		annotations := strings.NewReplacer("PATH", fmt.Sprintf("f%d.yaml", r.IntN(2)), "INDEX", fmt.Sprint(i)).Replace(p.annotations[form])
		item = strings.Replace(item, "ANNOTATIONS", annotations, 1)
		if wide {
			b.WriteString("  - " + indent(item, "    ")[4:])
		} else {
			b.WriteString("- " + indent(item, "  ")[2:])
		}
	}
	if fc := p.functionConfigs[r.IntN(len(p.functionConfigs))]; fc != "" {
		if strings.Count(fc, "\n") == 1 {
			b.WriteString("functionConfig: " + fc)
		} else {
			b.WriteString("functionConfig:\n" + indent(strings.ReplaceAll(fc, "ANNOTATIONS", ""), "  "))
		}
	}
	b.WriteString(p.results[r.IntN(len(p.results))])
	input := []byte(b.String())
	if r.IntN(4) != 0 {
		return input
	}
	// Through kyaml's reader and writer, as kustomize writes a function's
	// input; an input kyaml cannot read stays as it is.
	rw := &kio.ByteReader{Reader: bytes.NewReader(input), OmitReaderAnnotations: true}
	items, err := rw.Read()
	if err != nil || rw.WrappingKind != resourceListKind {
		return input
	}
	var out bytes.Buffer
	w := kio.ByteWriter{Writer: &out, KeepReaderAnnotations: true, WrappingKind: resourceListKind,
		WrappingAPIVersion: "config.kubernetes.io/v1", FunctionConfig: rw.FunctionConfig, Results: rw.Results}
	if err := w.Write(items); err != nil {
		return input
	}
	return out.Bytes()
}

// TestFnAnnotationsMatchKio: the annotation steps around the processor
// (preprocessAnnotations, reconcileAnnotations) do what kio's do when the
// processor changes, adds or drops the orchestrators' annotations and
// items, which esgen's own processor never does and TestFnDifferential
// therefore cannot show.
func TestFnAnnotationsMatchKio(t *testing.T) {
	p := fnParts(t)
	keys := []string{pathAnnotation, indexAnnotation, idAnnotation, legacyPathAnnotation, legacyIndexAnnotation, legacyIDAnnotation, migrationIDAnnotation}
	values := []string{"x.yaml", "9", "", "0"}
	for seed := range uint64(500) {
		r := rand.New(rand.NewPCG(seed, 0x6b696f))
		var texts []string
		for i := range 1 + r.IntN(4) {
			item := p.items[r.IntN(len(p.items))]
			annotations := strings.NewReplacer("PATH", "f.yaml", "INDEX", fmt.Sprint(i)).Replace(p.annotations[r.IntN(len(p.annotations))])
			texts = append(texts, strings.Replace(item, "ANNOTATIONS", annotations, 1))
		}
		mine, theirs := parseTwice(t, texts)
		originals, err := preprocessAnnotations(mine)
		kioOriginals, kerr := kio.PreprocessResourcesForInternalAnnotationMigration(theirs)
		if (err != nil) != (kerr != nil) {
			t.Fatalf("seed %d: preprocess: %v, kio: %v", seed, err, kerr)
		}
		if err != nil {
			continue
		}
		for range r.IntN(4) {
			i, key, value := r.IntN(len(mine)), keys[r.IntN(len(keys))], values[r.IntN(len(values))]
			switch r.IntN(4) {
			case 0:
				err, kerr = clearAnnotation(mine[i], key), theirs[i].PipeE(kyaml.ClearAnnotation(key))
			case 1:
				mine, theirs = append(mine[:i:i], mine[i+1:]...), append(theirs[:i:i], theirs[i+1:]...)
			case 2:
				m, k := parseTwice(t, texts[:1])
				mine, theirs = append(mine, m...), append(theirs, k...)
			default:
				err, kerr = setAnnotation(mine[i], key, value), theirs[i].PipeE(kyaml.SetAnnotation(key, value))
			}
			if (err != nil) != (kerr != nil) || len(mine) == 0 {
				break
			}
		}
		err = reconcileAnnotations(mine, originals)
		kerr = kio.ReconcileInternalAnnotations(theirs, kioOriginals)
		if (err != nil) != (kerr != nil) {
			t.Fatalf("seed %d: reconcile: %v, kio: %v", seed, err, kerr)
		}
		for i := range mine {
			got, gerr := encodeNode(mine[i])
			want, werr := theirs[i].String()
			if gerr != nil || werr != nil || got != want {
				t.Fatalf("seed %d: item %d (-kio +esgen):\n%s", seed, i, cmp.Diff(want, got))
			}
		}
	}
}

// parseTwice parses resources into two separate trees, one for each side.
func parseTwice(t *testing.T, texts []string) ([]*yaml.Node, []*kyaml.RNode) {
	t.Helper()
	var mine []*yaml.Node
	var theirs []*kyaml.RNode
	for _, s := range texts {
		for range 2 {
			var doc yaml.Node
			if err := yaml.Unmarshal([]byte(s), &doc); err != nil {
				t.Fatal(err)
			}
			if len(mine) == len(theirs) {
				mine = append(mine, doc.Content[0])
			} else {
				theirs = append(theirs, kyaml.NewRNode(doc.Content[0]))
			}
		}
	}
	return mine, theirs
}
