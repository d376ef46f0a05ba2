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
		{"2.4.6", "6.8.23", []string{"5.6 (a full cluster restart: esgen rollout --full-restart SPEC)", "6.8.23"}},
		{"6.5.4", "8.19.20", []string{"6.8 (the last 6.x)", "7.17", "8.19.20"}},
		// 9.0 is reached from 8.18 only, 9.1 and later from 8.19 only.
		{"8.15.5", "9.0.3", []string{"8.18", "9.0.3"}},
		{"7.10.2", "9.0.3", []string{"7.17 (the last 7.x)", "8.18", "9.0.3"}},
		{"8.18.8", "9.1.0", []string{"8.19 (the last 8.x)", "9.1.0"}},
		// 7.0 is reached from 6.7 only.
		{"5.6.16", "7.0.1", []string{"6.7", "7.0.1"}},
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
	if previousMajor(5) != 2 || previousMajor(9) != 8 {
		t.Errorf("previousMajor: 5 -> %d, 9 -> %d", previousMajor(5), previousMajor(9))
	}
}

// TestPlanUpgrade pins Elastic's upgrade paths, major by major.
func TestPlanUpgrade(t *testing.T) {
	for _, tc := range []struct {
		from, to string
		want     upgradeKind
	}{
		{"8.19.20", "8.19.21", noUpgrade},
		{"8.18.8", "8.19.20", noUpgrade},
		{"2.4.6", "5.6.16", fullRestartUpgrade},
		{"2.4.6", "6.8.23", unsupportedUpgrade},
		{"5.5.3", "6.8.23", fullRestartUpgrade},
		{"5.6.16", "6.0.1", rollingUpgrade},
		{"6.6.2", "7.0.1", fullRestartUpgrade},
		{"6.6.2", "7.17.29", fullRestartUpgrade},
		{"6.7.2", "7.0.1", rollingUpgrade},
		{"6.7.2", "7.1.1", fullRestartUpgrade},
		{"6.8.23", "7.0.1", unsupportedUpgrade},
		{"6.8.23", "7.1.1", rollingUpgrade},
		{"6.8.23", "7.17.29", rollingUpgrade},
		{"7.16.3", "8.0.1", unsupportedUpgrade},
		{"7.17.29", "8.0.1", rollingUpgrade},
		{"7.17.29", "9.1.0", unsupportedUpgrade},
		{"8.17.10", "9.0.3", unsupportedUpgrade},
		{"8.18.8", "9.0.3", rollingUpgrade},
		{"8.18.8", "9.1.0", unsupportedUpgrade},
		{"8.19.20", "9.0.3", unsupportedUpgrade},
		{"8.19.20", "9.1.0", rollingUpgrade},
		{"8.19.20", "9.2.4", rollingUpgrade},
	} {
		from, err := esspec.ParseVersion(tc.from)
		if err != nil {
			t.Fatal(err)
		}
		to, err := esspec.ParseVersion(tc.to)
		if err != nil {
			t.Fatal(err)
		}
		if got := planUpgrade(from, to); got.kind != tc.want {
			t.Errorf("%s to %s: kind %d, want %d (%s)", tc.from, tc.to, got.kind, tc.want, got.why)
		}
	}
}
