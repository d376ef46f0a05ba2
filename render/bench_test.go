package render_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

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

// BenchmarkRenderOverYAML measures the cost of building the objects
// relative to writing them, paired: each iteration times Render plus YAML
// and YAML alone of rendered objects, back to back and in alternating
// order, so that a machine that speeds up or slows down moves both. It
// reports the median ratio (README: Render/production against
// YAML/production).
func BenchmarkRenderOverYAML(b *testing.B) {
	for _, path := range examplePaths(b) {
		c := loadSpec(b, path)
		b.Run(exampleName(path), func(b *testing.B) {
			objs, err := render.Render(c)
			if err != nil {
				b.Fatal(err)
			}
			timeYAML := func() time.Duration {
				start := time.Now()
				if _, err := objs.YAML(); err != nil {
					b.Fatal(err)
				}
				return time.Since(start)
			}
			timeRender := func() time.Duration {
				start := time.Now()
				fresh, err := render.Render(c)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := fresh.YAML(); err != nil {
					b.Fatal(err)
				}
				return time.Since(start)
			}
			var ratios []float64
			i := 0
			for b.Loop() {
				var r, y time.Duration
				if i%2 == 0 {
					r, y = timeRender(), timeYAML()
				} else {
					y, r = timeYAML(), timeRender()
				}
				i++
				ratios = append(ratios, float64(r)/float64(y))
			}
			slices.Sort(ratios)
			b.ReportMetric(ratios[len(ratios)/2], "render/yaml")
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

// scaleSpec is a cluster of 3 masters and n data nodeSets of 3 nodes,
// spread over racks when racks > 0.
func scaleSpec(tb testing.TB, n, racks int) *esspec.Cluster {
	tb.Helper()
	var b strings.Builder
	b.WriteString("apiVersion: esgen.dev/v1alpha1\nkind: ElasticsearchCluster\nmetadata: {name: big, namespace: scale}\nspec:\n  version: 8.19.20\n  security: {enabled: false}\n")
	if racks > 0 {
		b.WriteString("  topology:\n    rackLabel: rack\n    racks: [")
		for r := range racks {
			if r > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "r%d", r)
		}
		b.WriteString("]\n")
	}
	b.WriteString("  nodeSets:\n  - {name: master, count: 3, roles: [master], resources: {memory: 4Gi}, storage: {size: 10Gi}}\n")
	for i := range n {
		fmt.Fprintf(&b, "  - {name: data%03d, count: 3, roles: [data], resources: {memory: 16Gi}, storage: {size: 10Gi}, config: {node.attr.group: g%d}}\n", i, i)
	}
	c, err := esspec.Parse([]byte(b.String()))
	if err != nil {
		tb.Fatal(err)
	}
	esspec.SetDefaults(c)
	return c
}

// BenchmarkScale renders clusters of 1, 10 and 100 data nodeSets, and of
// 10 nodeSets over 1, 10 and 100 racks: time per op should grow with the
// number of StatefulSets, no faster.
func BenchmarkScale(b *testing.B) {
	for _, tc := range []struct{ nodeSets, racks int }{{1, 0}, {10, 0}, {100, 0}, {10, 1}, {10, 10}, {10, 100}} {
		c := scaleSpec(b, tc.nodeSets, tc.racks)
		b.Run(fmt.Sprintf("nodeSets=%d/racks=%d", tc.nodeSets, tc.racks), func(b *testing.B) {
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
