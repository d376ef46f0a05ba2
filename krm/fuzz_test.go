package krm_test

import (
	"bytes"
	"errors"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/kio"

	"github.com/esgen/esgen/krm"
)

// FuzzProcess: whatever ResourceList comes in, the function neither
// panics nor fails without saying why: every result has a message and a
// severity, and an error result names the spec it is about.
func FuzzProcess(f *testing.F) {
	const head = "apiVersion: config.kubernetes.io/v1\nkind: ResourceList\n"
	const spec = "{kind: ElasticsearchCluster, apiVersion: esgen.dev/v1alpha1, metadata: "
	for _, s := range []string{
		"", "items: []", "items: 3", "items: [foo, [a], null]", "functionConfig: foo",
		"items:\n- " + spec + "3}",
		"items:\n- " + spec + "{name: x, annotations: str}}",
		"items:\n- " + spec + "{name: x, annotations: {a: 1, config.kubernetes.io/x: [1]}}}",
		"items:\n- " + spec + "{name: x, annotations: &b {config.kubernetes.io/local-config: \"true\"}}, spec: {x: *b}}",
		"items:\n- &a " + spec + "{name: x}}\n- *a",
		"items:\n- {kind: [ElasticsearchCluster], apiVersion: esgen.dev/v1alpha1}",
		"functionConfig: " + spec + "{name: x}, spec: {version: 8.19.20, nodeSets: [{name: a, count: 1}]}}",
		// kyaml's getters read a sequence as key, value pairs and panicked on
		// an odd one: esgen's read only mappings.
		"functionConfig: [a]",
		"functionConfig: " + spec + "[a]}",
	} {
		f.Add([]byte(head + s + "\n"))
	}
	for _, path := range examplePaths(f) {
		data := readFile(f, path)
		f.Add(resourceList(f, string(data)))
	}
	f.Fuzz(func(t *testing.T, input []byte) {
		var out bytes.Buffer
		var results framework.Results
		process := framework.ResourceListProcessorFunc(func(rl *framework.ResourceList) error {
			err := krm.Process(rl)
			results = rl.Results
			return err
		})
		err := framework.Execute(process, &kio.ByteReadWriter{Reader: bytes.NewReader(input), Writer: &out, KeepReaderAnnotations: true})
		var failed framework.Results
		if errors.As(err, &failed) && failed.ExitCode() != 1 {
			t.Fatalf("failed with exit code %d: %v", failed.ExitCode(), err)
		}
		for _, r := range results {
			if r.Message == "" || (r.Severity != framework.Error && r.Severity != framework.Warning) {
				t.Fatalf("result without a message or severity: %+v", r)
			}
			if r.Severity == framework.Error && r.ResourceRef == nil {
				t.Fatalf("error result about no resource: %+v", r)
			}
		}
	})
}
