package diff_test

import (
	"fmt"
	"log"
	"strings"

	"github.com/esgen/esgen/diff"
	"github.com/esgen/esgen/esspec"
	"github.com/esgen/esgen/render"
)

func loadExample(text string) *esspec.Cluster {
	c, err := esspec.Parse([]byte(text))
	if err != nil {
		log.Fatal(err)
	}
	esspec.SetDefaults(c)
	return c
}

// Compare two specs and list the findings: scaling the data nodes from 6
// to 4 in one step is unsafe.
func ExampleSpecs() {
	old := loadExample(baseSpec)
	changed := loadExample(strings.Replace(baseSpec, "count: 6", "count: 4", 1))
	report, err := diff.Specs(old, changed, diff.Options{})
	if err != nil {
		log.Fatal(err)
	}
	for _, f := range report.Findings {
		fmt.Println(f.Severity, f.Rule, f.Field)
	}
	// Output:
	// unsafe data-scale-down-multiple spec.nodeSets[1].count
}

// Compare committed manifests with what a changed spec renders now, as CI
// does with esgen diff --rendered.
func ExampleManifestSide() {
	objs, err := render.Render(loadExample(baseSpec))
	if err != nil {
		log.Fatal(err)
	}
	committed, err := objs.YAML() // in CI: os.ReadFile of the committed manifests
	if err != nil {
		log.Fatal(err)
	}
	parsed, err := diff.ParseManifests(committed)
	if err != nil {
		log.Fatal(err)
	}
	before, err := diff.ManifestSide(parsed)
	if err != nil {
		log.Fatal(err)
	}
	after, err := diff.SpecSide(loadExample(strings.Replace(baseSpec, "count: 6", "count: 5", 1)))
	if err != nil {
		log.Fatal(err)
	}
	report := diff.Compare(before, after, diff.Options{})
	for _, f := range report.Findings {
		fmt.Println(f.Severity, f.Rule, f.Field)
	}
	// Output:
	// disruptive data-scale-down spec.nodeSets[1].count
}
