package render_test

import (
	"testing"

	"github.com/esgen/esgen/esspec"
	"github.com/esgen/esgen/render"
)

// BenchmarkRender measures Render plus YAML for each example, from a
// loaded and defaulted spec.
func BenchmarkRender(b *testing.B) {
	for _, path := range examplePaths(b) {
		c := loadSpec(b, path)
		b.Run(exampleName(path), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				objs, err := render.Render(c)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := objs.YAML(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkYAML measures serialising the rendered objects alone: the
// floor under BenchmarkRender.
func BenchmarkYAML(b *testing.B) {
	for _, path := range examplePaths(b) {
		objs, err := render.Render(loadSpec(b, path))
		if err != nil {
			b.Fatal(err)
		}
		b.Run(exampleName(path), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := objs.YAML(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkValidate measures Validate alone.
func BenchmarkValidate(b *testing.B) {
	c := loadSpec(b, "../examples/production.yaml")
	b.ReportAllocs()
	for b.Loop() {
		if errs, _ := esspec.Validate(c); len(errs) > 0 {
			b.Fatal(errs)
		}
	}
}
