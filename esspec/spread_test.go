package esspec_test

import (
	"slices"
	"testing"

	"github.com/esgen/esgen/esspec"
)

func TestSpread(t *testing.T) {
	for _, tc := range []struct {
		count int32
		racks int
		want  []int32
	}{
		{7, 3, []int32{3, 2, 2}},
		{2, 3, []int32{1, 1, 0}},
		{3, 3, []int32{1, 1, 1}},
		{0, 2, []int32{0, 0}},
		{5, 1, []int32{5}},
		{8, 3, []int32{3, 3, 2}},
	} {
		if got := esspec.Spread(tc.count, tc.racks); !slices.Equal(got, tc.want) {
			t.Errorf("Spread(%d, %d) = %v, want %v", tc.count, tc.racks, got, tc.want)
		}
	}
}
