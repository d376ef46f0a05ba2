package main

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/esgen/esgen/krm"
)

// esgenOnPath returns the esgen that kustomize is to run: testscript.Main
// (TestMain) put a copy of this test binary on PATH under that name, so
// the function under test is this package's code, built with -race when
// the tests are.
func esgenOnPath(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("esgen")
	if err != nil {
		t.Fatalf("no esgen on PATH (TestMain puts it there): %v", err)
	}
	// A race-enabled esgen would otherwise sleep a second at every exit.
	t.Setenv("GORACE", "atexit_sleep_ms=0")
	return path
}

// asGenerator turns a spec into a kustomize generator: the same spec,
// annotated with the exec function that renders it.
func asGenerator(t *testing.T, spec []byte, esgen string) []byte {
	t.Helper()
	s := string(spec)
	if !strings.Contains(s, "\nmetadata:\n") || strings.Contains(s, "\n  annotations:") {
		t.Fatal("the spec needs a metadata: line and no annotations")
	}
	annotation := "metadata:\n  annotations:\n    config.kubernetes.io/function: |\n" +
		"      exec:\n        path: " + esgen + "\n        args: [fn]\n"
	return []byte(strings.Replace(s, "\nmetadata:\n", "\n"+annotation, 1))
}

// kustomizeBuild runs kustomize's build on files written to an in-memory
// file system, with exec functions enabled, as
// `kustomize build --enable-alpha-plugins --enable-exec` does. The
// directory exists on disk too, empty: exec functions run in it.
func kustomizeBuild(t *testing.T, files map[string][]byte) ([]byte, error) {
	t.Helper()
	root := t.TempDir()
	fs := filesys.MakeFsInMemory()
	for name, data := range files {
		if err := fs.WriteFile(filepath.Join(root, name), data); err != nil {
			t.Fatal(err)
		}
	}
	opts := krusty.MakeDefaultOptions()
	opts.PluginConfig = types.EnabledPluginConfig(types.BploUseStaticallyLinked)
	opts.PluginConfig.FnpLoadingOptions.EnableExec = true
	res, err := krusty.MakeKustomizer(opts).Run(fs, root)
	if err != nil {
		return nil, err
	}
	return res.AsYaml()
}

// esgenRender is esgen render SPEC's stdout.
func esgenRender(t *testing.T, path string) []byte {
	t.Helper()
	var stdout, stderr bytes.Buffer
	if code := run([]string{"render", path}, nil, &stdout, &stderr); code != exitOK {
		t.Fatalf("esgen render %s: exit %d\n%s", path, code, stderr.String())
	}
	return stdout.Bytes()
}

// kustomizationFIFO keeps the objects in the order the function writes
// them. Without sortOptions the kustomize command sorts by kind (legacy
// order: Services before ConfigMaps, StatefulSets before the
// PodDisruptionBudgets); kustomize's library does not sort by default.
const kustomizationFIFO = "sortOptions:\n  order: fifo\n"

// TestKustomizeGenerator: kustomize's own build, with each example as a
// generator that names esgen as its exec KRM function, builds exactly
// what esgen render prints: kustomize writes resources with
// sigs.k8s.io/yaml, as esgen does.
func TestKustomizeGenerator(t *testing.T) {
	esgen := esgenOnPath(t)
	paths, err := filepath.Glob("../../examples/*.yaml")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no examples: %v", err)
	}
	for _, path := range paths {
		t.Run(filepath.Base(path), func(t *testing.T) {
			spec, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			got, err := kustomizeBuild(t, map[string][]byte{
				"kustomization.yaml": []byte("generators:\n- cluster.yaml\n" + kustomizationFIFO),
				"cluster.yaml":       asGenerator(t, spec, esgen),
			})
			if err != nil {
				t.Fatalf("kustomize build: %v", err)
			}
			if want := esgenRender(t, path); !bytes.Equal(got, want) {
				t.Errorf("kustomize build differs from esgen render (-render +kustomize):\n%s", cmp.Diff(string(want), string(got)))
			}
		})
	}
}

// TestKustomizeTransformer: as a transformer, esgen replaces the specs
// among a kustomization's resources and leaves the others alone.
// kustomize appends what a transformer adds after what it keeps.
func TestKustomizeTransformer(t *testing.T) {
	esgen := esgenOnPath(t)
	const other = "apiVersion: v1\ndata:\n  key: value\nkind: ConfigMap\nmetadata:\n  name: other\n  namespace: search\n"
	spec := filepath.Join("..", "..", "examples", "production.yaml")
	data, err := os.ReadFile(spec)
	if err != nil {
		t.Fatal(err)
	}
	got, err := kustomizeBuild(t, map[string][]byte{
		"kustomization.yaml": []byte("resources:\n- cluster.yaml\n- other.yaml\ntransformers:\n- esgen.yaml\n" + kustomizationFIFO),
		"cluster.yaml":       data,
		"other.yaml":         []byte(other),
		"esgen.yaml": []byte("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: esgen\n  annotations:\n" +
			"    config.kubernetes.io/function: |\n      exec:\n        path: " + esgen + "\n        args: [fn]\n"),
	})
	if err != nil {
		t.Fatalf("kustomize build: %v", err)
	}
	if want := other + "---\n" + string(esgenRender(t, spec)); string(got) != want {
		t.Errorf("kustomize build differs (-want +got):\n%s", cmp.Diff(want, string(got)))
	}
}

// TestKustomizeInvalidSpec: an invalid spec fails the build.
func TestKustomizeInvalidSpec(t *testing.T) {
	esgen := esgenOnPath(t)
	spec := []byte("apiVersion: esgen.dev/v1alpha1\nkind: ElasticsearchCluster\nmetadata:\n  name: logs\n" +
		"spec:\n  version: 8.19.20\n  security: {enabled: false}\n  nodeSets:\n  - {name: master, count: 3, heap: 40g, resources: {memory: 64Gi}, storage: {size: 10Gi}}\n")
	_, err := kustomizeBuild(t, map[string][]byte{
		"kustomization.yaml": []byte("generators:\n- cluster.yaml\n"),
		"cluster.yaml":       asGenerator(t, spec, esgen),
	})
	if err == nil || !strings.Contains(err.Error(), "couldn't execute function") {
		t.Fatalf("kustomize build: %v, want the function's failure", err)
	}
}

// endless is stdin that never ends. It leaves p as it is: what the bytes
// are does not matter once there are too many.
type endless struct{}

func (endless) Read(p []byte) (int, error) { return len(p), nil }

// TestFnHostileInput: esgen fn exits 1 with a message and nothing on
// stdout when stdin is not a ResourceList it can read, and a spec that
// is hostile in itself is an error result like any invalid spec.
func TestFnHostileInput(t *testing.T) {
	list := func(item string) string {
		return "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n- " + strings.ReplaceAll(strings.TrimSuffix(item, "\n"), "\n", "\n  ") + "\n"
	}
	for _, tc := range []struct {
		name   string
		stdin  io.Reader
		stdout bool // the ResourceList with the results
		want   string
	}{
		{"endless", endless{}, false, `^error: stdin: the ResourceList is larger than 67108864 bytes$`},
		{"empty", strings.NewReader(""), false, `^error: stdin holds no ResourceList \(kind: ResourceList\); to render a spec file, use esgen render$`},
		{"a spec", strings.NewReader(hostileHead + "metadata: {name: logs}\n"), false, `^error: stdin holds no ResourceList`},
		{"a List", strings.NewReader("apiVersion: v1\nkind: List\nitems: []\n"), false, `^error: stdin holds no ResourceList`},
		{"syntax error", strings.NewReader("apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: [\n"), false, `^error: stdin: .*yaml`},
		{"alias bomb", strings.NewReader(list(aliasBomb())), true,
			`^error: ElasticsearchCluster logs: spec\.nodeSets\[0\]\.config.*: spec has more than 100000 YAML nodes once aliases are expanded$`},
		{"several MiB", strings.NewReader(list(hostileHead + "metadata: {name: logs}\nspec: {version: \"" + strings.Repeat("x", 1<<20) + "\"}\n")), true,
			`^error: ElasticsearchCluster logs: spec is larger than 1048576 bytes`},
		{"count 10^12", strings.NewReader(list(hostileHead + "metadata: {name: logs}\nspec:\n  version: 8.19.20\n  nodeSets:\n  - {name: a, count: 1000000000000}\n")), true,
			`^error: ElasticsearchCluster logs: spec\.nodeSets\[0\]\.count: number 1000000000000 is out of range$`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run([]string{"fn"}, tc.stdin, &stdout, &stderr)
			if code != exitInvalid || !regexp.MustCompile("(?m)"+tc.want).Match(stderr.Bytes()) {
				t.Errorf("exit %d, stderr:\n%s\nwant exit 1, stderr matching %s", code, stderr.String(), tc.want)
			}
			if got := strings.Contains(stdout.String(), "\nresults:\n"); got != tc.stdout || (!tc.stdout && stdout.Len() > 0) {
				t.Errorf("stdout:\n%.500s\nwant the ResourceList with results: %v", stdout.String(), tc.stdout)
			}
		})
	}
}

// TestGitOpsExample: examples/gitops, as Argo CD's plugin builds it
// (examples/gitops/argocd/plugin.yaml: kustomize build
// --enable-alpha-plugins --enable-exec in the application's directory,
// esgen found on PATH), gives what esgen render prints for its spec.
func TestGitOpsExample(t *testing.T) {
	esgenOnPath(t)
	plugin, err := os.ReadFile("../../examples/gitops/argocd/plugin.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(plugin), "command: [kustomize, build, --enable-alpha-plugins, --enable-exec, .]") {
		t.Fatal("plugin.yaml's generate command is not the build this test runs")
	}
	dir, err := filepath.Abs("../../examples/gitops")
	if err != nil {
		t.Fatal(err)
	}
	opts := krusty.MakeDefaultOptions()
	opts.PluginConfig = types.EnabledPluginConfig(types.BploUseStaticallyLinked)
	opts.PluginConfig.FnpLoadingOptions.EnableExec = true
	res, err := krusty.MakeKustomizer(opts).Run(filesys.MakeFsOnDisk(), dir)
	if err != nil {
		t.Fatalf("kustomize build: %v", err)
	}
	got, err := res.AsYaml()
	if err != nil {
		t.Fatal(err)
	}
	// The spec without its function annotation, which esgen render
	// would copy onto every object.
	spec, err := yaml.ReadFile(filepath.Join(dir, "cluster.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := spec.PipeE(yaml.ClearAnnotation("config.kubernetes.io/function")); err != nil {
		t.Fatal(err)
	}
	if err := yaml.ClearEmptyAnnotations(spec); err != nil {
		t.Fatal(err)
	}
	plain := filepath.Join(t.TempDir(), "cluster.yaml")
	if err := yaml.WriteFile(spec, plain); err != nil {
		t.Fatal(err)
	}
	if want := esgenRender(t, plain); !bytes.Equal(got, want) {
		t.Errorf("examples/gitops builds other objects than esgen render of its spec (-render +kustomize):\n%s", cmp.Diff(string(want), string(got)))
	}
}

// TestFnMatchesFrameworkExecute: esgen fn runs krm/specs without kyaml;
// its output must be byte for byte what framework.Execute with
// krm.Process writes, for rendered items, a generator, warnings, errors,
// the orchestrator's annotations and items that are not specs, here
// through the command itself (TestFnDifferential tries many more lists).
func TestFnMatchesFrameworkExecute(t *testing.T) {
	spec := func(t *testing.T, name, from, to string) *yaml.RNode {
		data, err := os.ReadFile(filepath.Join("..", "..", "examples", name))
		if err != nil {
			t.Fatal(err)
		}
		return yaml.MustParse(strings.Replace(string(data), from, to, 1))
	}
	configMap := func(path, index string) *yaml.RNode {
		return yaml.MustParse(`apiVersion: v1
kind: ConfigMap
metadata:
  name: other
  annotations:
    config.kubernetes.io/path: ` + path + `
    config.kubernetes.io/index: '` + index + `'
    internal.config.kubernetes.io/path: ` + path + `
    internal.config.kubernetes.io/index: '` + index + `'
data: {a: "1"}
`)
	}
	annotated := func(rn *yaml.RNode, path string) *yaml.RNode {
		for k, v := range map[string]string{"config.kubernetes.io/path": path, "config.kubernetes.io/index": "0",
			"internal.config.kubernetes.io/path": path, "internal.config.kubernetes.io/index": "0"} {
			if err := rn.PipeE(yaml.SetAnnotation(k, v)); err != nil {
				t.Fatal(err)
			}
		}
		return rn
	}
	cases := map[string]struct {
		items          []*yaml.RNode
		functionConfig *yaml.RNode
	}{
		"items":             {items: []*yaml.RNode{configMap("a.yaml", "0"), annotated(spec(t, "production.yaml", "", ""), "spec.yaml"), configMap("b.yaml", "1")}},
		"generator":         {items: []*yaml.RNode{configMap("a.yaml", "0")}, functionConfig: spec(t, "quickstart.yaml", "", "")},
		"generator as item": {items: []*yaml.RNode{spec(t, "quickstart.yaml", "", "")}, functionConfig: spec(t, "quickstart.yaml", "", "")},
		"warning":           {items: []*yaml.RNode{spec(t, "production.yaml", "heap: 31g", "heap: 32g")}},
		"error":             {items: []*yaml.RNode{configMap("a.yaml", "0"), annotated(spec(t, "production.yaml", "heap: 31g", "heap: 40g"), "spec.yaml")}},
		"unknown version":   {items: []*yaml.RNode{spec(t, "rack-aware.yaml", "esgen.dev/v1alpha1", "esgen.dev/v9")}},
		"nothing to do":     {items: []*yaml.RNode{configMap("a.yaml", "0")}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			var input bytes.Buffer
			w := kio.ByteWriter{Writer: &input, WrappingKind: "ResourceList", WrappingAPIVersion: "config.kubernetes.io/v1", FunctionConfig: tc.functionConfig, KeepReaderAnnotations: true}
			if err := w.Write(tc.items); err != nil {
				t.Fatal(err)
			}
			var want bytes.Buffer
			werr := framework.Execute(framework.ResourceListProcessorFunc(krm.Process),
				&kio.ByteReadWriter{Reader: bytes.NewReader(input.Bytes()), Writer: &want, KeepReaderAnnotations: true})
			var got, stderr bytes.Buffer
			code := run([]string{"fn"}, bytes.NewReader(input.Bytes()), &got, &stderr)
			if (werr != nil) != (code != exitOK) {
				t.Fatalf("framework.Execute: %v; esgen fn exit %d: %s", werr, code, stderr.String())
			}
			if got.String() != want.String() {
				t.Fatalf("esgen fn writes (-framework +fn):\n%s", cmp.Diff(want.String(), got.String()))
			}
		})
	}
}
