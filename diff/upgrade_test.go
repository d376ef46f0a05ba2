package diff

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/esgen/esgen/esspec"
)

func TestUpgradeSteps(t *testing.T) {
	for _, tc := range []struct {
		from, to string
		want     []string
	}{
		{"8.15.5", "9.1.0", []string{"8.19 (the last 8.x)", "9.1.0"}},
		{"7.10.2", "9.1.0", []string{"7.17 (the last 7.x)", "8.19", "9.1.0"}},
		{"7.17.29", "9.1.0", []string{"8.19", "9.1.0"}},
		{"6.8.23", "8.19.20", []string{"7.17", "8.19.20"}},
		{"5.4.3", "7.17.29", []string{"5.6 (the last 5.x)", "6.8", "7.17.29"}},
		{"2.4.6", "6.8.23", []string{"5.6", "6.8.23"}},
	} {
		from, _ := esspec.ParseVersion(tc.from)
		to, _ := esspec.ParseVersion(tc.to)
		if d := cmp.Diff(tc.want, upgradeSteps(from, to)); d != "" {
			t.Errorf("%s to %s (-want +got):\n%s", tc.from, tc.to, d)
		}
	}
	if nextMajor(2) != 5 || nextMajor(8) != 9 {
		t.Errorf("nextMajor: 2 -> %d, 8 -> %d", nextMajor(2), nextMajor(8))
	}
}
