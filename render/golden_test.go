package render_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/esgen/esgen/esspec"
)

var update = flag.Bool("update", false, "rewrite golden/*.yaml from examples/*.yaml")

// TestGolden renders every example and compares it with golden/<name>.yaml.
// Regenerate with make golden, then read the diff: a golden file is a
// claim that its content is right.
func TestGolden(t *testing.T) {
	want := map[string]bool{}
	for _, path := range examplePaths(t) {
		name := exampleName(path)
		want[name+".yaml"] = true
		t.Run(name, func(t *testing.T) {
			got := renderYAML(t, loadSpec(t, path))
			golden := filepath.Join("..", "golden", name+".yaml")
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			expected, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("example %s has no golden file (run make golden and read it): %v", name, err)
			}
			if !bytes.Equal(got, expected) {
				t.Errorf("%s differs from the render of %s (-golden +render):\n%s", golden, path, cmp.Diff(string(expected), string(got)))
			}
		})
	}
	// A golden file without its example would be a claim about nothing.
	goldens, _ := filepath.Glob(filepath.Join("..", "golden", "*.yaml"))
	for _, g := range goldens {
		if !want[filepath.Base(g)] && !*update {
			t.Errorf("%s has no example examples/%s", g, filepath.Base(g))
		}
	}
}

// TestExamplesWarningFree: every example validates without an error or a
// warning (esgen validate --strict passes), so that a new user's first
// command is quiet and CI can run the examples strictly (.ci/run does).
func TestExamplesWarningFree(t *testing.T) {
	for _, path := range examplePaths(t) {
		c := loadSpec(t, path)
		errs, warnings := esspec.Validate(c)
		for _, e := range append(errs, warnings...) {
			t.Errorf("%s:%d: %v", path, c.LineOf(e.Field), e)
		}
	}
}
