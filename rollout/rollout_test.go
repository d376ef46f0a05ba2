package rollout_test

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/esgen/esgen/esspec"
	"github.com/esgen/esgen/rollout"
)

func load(t *testing.T, path string) *esspec.Cluster {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	c, err := esspec.Load(f)
	if err != nil {
		t.Fatal(err)
	}
	esspec.SetDefaults(c)
	return c
}

func examples(t *testing.T) []string {
	t.Helper()
	paths, err := filepath.Glob("../examples/*.yaml")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no examples: %v", err)
	}
	return paths
}

// order lists a plan's pods as PHASE:POD, steps separated by " | ".
func order(p *rollout.Plan) string {
	var steps []string
	for _, s := range p.Steps {
		var pods []string
		for _, pod := range s.Pods {
			pods = append(pods, pod.Kind+":"+pod.Name)
		}
		steps = append(steps, s.Phase+" "+strings.Join(pods, ","))
	}
	return strings.Join(steps, " | ")
}

func TestOrder(t *testing.T) {
	for _, tc := range []struct {
		example string
		mode    rollout.Mode
		want    string
	}{
		{"production", rollout.Rolling, "data data:logs-es-data-2 | data data:logs-es-data-1 | data data:logs-es-data-0 | " +
			"other other:logs-es-coordinating-1 | other other:logs-es-coordinating-0 | " +
			"masters master:logs-es-master-2 | masters master:logs-es-master-1 | masters master:logs-es-master-0"},
		{"hot-warm-cold", rollout.Rolling, "data data:tiers-es-cold-1 | data data:tiers-es-cold-0 | " +
			"data data:tiers-es-warm-2 | data data:tiers-es-warm-1 | data data:tiers-es-warm-0 | " +
			"data data:tiers-es-hot-2 | data data:tiers-es-hot-1 | data data:tiers-es-hot-0 | " +
			"masters master:tiers-es-master-2 | masters master:tiers-es-master-1 | masters master:tiers-es-master-0"},
		{"rack-aware", rollout.ByRack, "data+other data:search-es-data-r1-1,data:search-es-data-r1-0,other:search-es-coordinating-r1-0 | " +
			"data+other data:search-es-data-r2-1,data:search-es-data-r2-0,other:search-es-coordinating-r2-0 | " +
			"data+other data:search-es-data-r3-1,data:search-es-data-r3-0,other:search-es-coordinating-r3-0 | " +
			"masters master:search-es-master-r1-0 | masters master:search-es-master-r2-0 | masters master:search-es-master-r3-0"},
		{"legacy-6x", rollout.FullRestart, "all data:legacy-es-data-3,data:legacy-es-data-2,data:legacy-es-data-1,data:legacy-es-data-0," +
			"master:legacy-es-master-2,master:legacy-es-master-1,master:legacy-es-master-0"},
		// A node of every role is master-eligible: it goes with the
		// masters, and limits allocation as a data node does.
		{"quickstart", rollout.Rolling, "masters data:quickstart-es-default-0"},
	} {
		t.Run(tc.example, func(t *testing.T) {
			p, err := rollout.New(load(t, "../examples/"+tc.example+".yaml"), rollout.Options{Mode: tc.mode})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, order(p)); diff != "" {
				t.Errorf("order (-want +got):\n%s", diff)
			}
		})
	}
}

// TestVersionRequests: the allocation and flush requests follow the
// version (day2.md §1.2-1.4).
func TestVersionRequests(t *testing.T) {
	const key = `"cluster.routing.allocation.enable"`
	for _, tc := range []struct {
		version, reset, flush string
		ml                    bool
	}{
		{"2.4.6", `{"persistent":{` + key + `:"all"}}`, "/_flush/synced", false},
		{"5.6.16", `{"persistent":{` + key + `:null}}`, "/_flush/synced", false},
		{"6.6.2", `{"persistent":{` + key + `:null}}`, "/_flush/synced", false},
		{"6.8.23", `{"persistent":{` + key + `:null}}`, "/_flush/synced", true},
		{"7.5.2", `{"persistent":{` + key + `:null}}`, "/_flush/synced", true},
		{"7.6.0", `{"persistent":{` + key + `:null}}`, "/_flush/synced", true},
		{"7.17.29", `{"persistent":{` + key + `:null}}`, "/_flush/synced", true},
		{"8.19.20", `{"persistent":{` + key + `:null}}`, "/_flush", true},
		{"9.5.2", `{"persistent":{` + key + `:null}}`, "/_flush", true},
	} {
		c, err := esspec.Parse([]byte(`apiVersion: esgen.dev/v1alpha1
kind: ElasticsearchCluster
metadata: {name: logs}
spec:
  version: ` + tc.version + `
  profile: development
  security: {enabled: false}
  nodeSets:
  - {name: all, count: 3, roles: [master, data]}
`))
		if err != nil {
			t.Fatal(err)
		}
		esspec.SetDefaults(c)
		p, err := rollout.New(c, rollout.Options{Mode: rollout.FullRestart})
		if err != nil {
			t.Fatalf("%s: %v", tc.version, err)
		}
		if got := p.Allocation.Limit.Body; got != `{"persistent":{`+key+`:"primaries"}}` {
			t.Errorf("%s: limit %s", tc.version, got)
		}
		if p.Allocation.Reset.Body != tc.reset || p.Flush.Path != tc.flush || p.MLUpgradeMode != tc.ml {
			t.Errorf("%s: reset %s, flush %s, ML upgrade mode %v; want %s, %s, %v",
				tc.version, p.Allocation.Reset.Body, p.Flush.Path, p.MLUpgradeMode, tc.reset, tc.flush, tc.ml)
		}
	}
}

func TestErrors(t *testing.T) {
	c := load(t, "../examples/production.yaml")
	if _, err := rollout.New(c, rollout.Options{Mode: rollout.ByRack}); err == nil || !strings.Contains(err.Error(), "spec.topology.racks lists none") {
		t.Errorf("by rack without racks: %v", err)
	}
	if _, err := rollout.New(c, rollout.Options{Timeout: time.Millisecond}); err == nil {
		t.Error("a timeout under a second passed")
	}
	c.Spec.NodeSets[0].Heap = "40g"
	var invalid *esspec.InvalidError
	if _, err := rollout.New(c, rollout.Options{}); !errors.As(err, &invalid) {
		t.Errorf("invalid spec: %v, want *esspec.InvalidError", err)
	}
}

func TestDeterministic(t *testing.T) {
	for _, path := range examples(t) {
		a, _ := rollout.New(load(t, path), rollout.Options{})
		b, _ := rollout.New(load(t, path), rollout.Options{})
		if !bytes.Equal(a.Script(), b.Script()) {
			t.Errorf("%s: two runbooks differ", path)
		}
	}
}

// TestShellcheck: every example's runbooks, in every mode it allows,
// pass shellcheck. .ci/run installs it and sets ESGEN_REQUIRE_SHELLCHECK,
// so that CI cannot skip this.
func TestShellcheck(t *testing.T) {
	if _, err := exec.LookPath("shellcheck"); err != nil {
		if os.Getenv("ESGEN_REQUIRE_SHELLCHECK") != "" {
			t.Fatal("shellcheck is not installed")
		}
		t.Skip("shellcheck is not installed")
	}
	dir := t.TempDir()
	var files []string
	for _, path := range examples(t) {
		c := load(t, path)
		for _, mode := range []rollout.Mode{rollout.Rolling, rollout.FullRestart, rollout.ByRack} {
			p, err := rollout.New(c, rollout.Options{Mode: mode})
			if err != nil {
				continue // by rack without racks
			}
			file := filepath.Join(dir, strings.TrimSuffix(filepath.Base(path), ".yaml")+"-"+string(mode)+".sh")
			if err := os.WriteFile(file, p.Script(), 0o644); err != nil {
				t.Fatal(err)
			}
			files = append(files, file)
		}
	}
	out, err := exec.Command("shellcheck", append([]string{"--shell=sh", "--severity=style"}, files...)...).CombinedOutput()
	if err != nil {
		t.Errorf("shellcheck on %d runbooks: %v\n%s", len(files), err, out)
	}
}
