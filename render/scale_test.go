package render_test

import (
	"testing"

	"github.com/esgen/esgen/render"
)

// TestRenderScalesLinearly: the allocations of a render (a count, not a
// timing) grow in proportion to the StatefulSets it renders, with no
// quadratic step, whether nodeSets or racks multiply them.
func TestRenderScalesLinearly(t *testing.T) {
	allocs := func(nodeSets, racks int) float64 {
		c := scaleSpec(t, nodeSets, racks)
		return testing.AllocsPerRun(1, func() {
			objs, err := render.Render(c)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := objs.YAML(); err != nil {
				t.Fatal(err)
			}
		})
	}
	for _, tc := range []struct {
		name                 string
		small, large         float64
		smallSets, largeSets float64 // StatefulSets rendered
	}{
		{"nodeSets", allocs(5, 0), allocs(50, 0), 6, 51},
		{"racks", allocs(5, 5), allocs(5, 50), 30, 300},
	} {
		perSmall, perLarge := tc.small/tc.smallSets, tc.large/tc.largeSets
		t.Logf("%s: %.0f allocations per StatefulSet at %v, %.0f at %v", tc.name, perSmall, tc.smallSets, perLarge, tc.largeSets)
		if perLarge > 1.25*perSmall {
			t.Errorf("%s: %.0f allocations per StatefulSet at %v, %.0f at %v: more than linear",
				tc.name, perSmall, tc.smallSets, perLarge, tc.largeSets)
		}
	}
}
