package esspec_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/esgen/esgen/esspec"
)

// addSeeds adds the examples and a few broken specs to the corpus.
func addSeeds(f *testing.F) {
	paths, _ := filepath.Glob("../examples/*.yaml")
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range []string{
		"", "null", "- a", baseSpec, header + "spec: {nodeSets: [{name: a, count: -1}]}",
		header + "spec:\n  version: &v 8.19.20\n  image: *v\n", "a: &a [*a]", "{{{", "\xff\xfe",
	} {
		f.Add([]byte(s))
	}
}

// FuzzLoad: Load never panics, and returns either a spec or a LoadError
// with at least one problem.
func FuzzLoad(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		assertParsesAsViaJSON(t, "fuzzed spec", data)
		c, err := esspec.Parse(data)
		if err != nil {
			var le *esspec.LoadError
			if errors.As(err, &le) && len(le.Problems) == 0 {
				t.Fatal("LoadError without problems")
			}
			if c != nil {
				t.Fatal("spec returned with an error")
			}
			return
		}
		esspec.SetDefaults(c)
		before := marshal(t, c)
		esspec.SetDefaults(c)
		if marshal(t, c) != before {
			t.Fatal("SetDefaults is not idempotent")
		}
		esspec.Validate(c)
	})
}
