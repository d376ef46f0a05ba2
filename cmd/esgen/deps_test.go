package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestCLIDependencies: the esgen binary links neither kustomize nor kyaml
// nor what they pull in (kube-openapi's spec and validation, gnostic,
// protobuf descriptors, go-openapi), nor go-cmp or the JSON Schema
// reflector: each made every esgen process start slower and the binary
// larger. spec.patches run through render/kpatch, esgen fn reads and
// writes the ResourceList itself, diff compares with its own comparer
// and the schema generators live in schema/generate; krm, which adapts
// the same core to kyaml's function framework, is for Go tools and not
// linked here.
func TestCLIDependencies(t *testing.T) {
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("no go command to list the dependencies with: %v", err)
	}
	out, err := exec.Command(goTool, "list", "-deps", ".").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	forbidden := []string{
		"sigs.k8s.io/kustomize/", "github.com/google/gnostic-models", "google.golang.org/protobuf",
		"github.com/go-openapi/", "k8s.io/kube-openapi/pkg/validation", "k8s.io/kube-openapi/pkg/spec3",
		"github.com/google/go-cmp", "github.com/invopop/jsonschema",
	}
	for pkg := range strings.FieldsSeq(string(out)) {
		for _, f := range forbidden {
			if strings.HasPrefix(pkg, f) {
				t.Errorf("esgen links %s", pkg)
			}
		}
	}
}
