package diff_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/esgen/esgen/diff"
)

func TestWriteText(t *testing.T) {
	r, err := diff.Specs(spec(t, baseSpec), spec(t, baseSpec, count(1, 5), count(0, 2)), diff.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := r.WriteText(&b, "new.yaml"); err != nil {
		t.Fatal(err)
	}
	want := `Changes: 3 changed
  changed PodDisruptionBudget/logs-es-stateful
    spec.minAvailable: 8 -> 6
  changed StatefulSet/logs-es-data
    spec.replicas: 6 -> 5
  changed StatefulSet/logs-es-master
    spec.replicas: 3 -> 2

Findings: 1 unsafe, 2 disruptive
  unsafe: new.yaml:17: spec.nodeSets[0].count: master-eligible nodes go from 3 to 2: two master-eligible nodes tolerate no failed master, so losing either one (a restart, a drained server) stops the cluster
    what to do: keep 3 master-eligible nodes
  disruptive: new.yaml:22: spec.nodeSets[1].count: one data-bearing node leaves: logs-es-data-5 (data-bearing nodes: 6 before, 5 after); its shards must move to the others first
    what to do: exclude it from allocation before applying: PUT _cluster/settings {"persistent":{"cluster.routing.allocation.exclude._name":"logs-es-data-5"}}; wait until GET _cat/allocation?v shows no shards on it and the cluster is green, then apply; afterwards reset the exclusion to null so that a later pod of that name can hold shards again
  disruptive: new.yaml:17: spec.nodeSets[0].count: one master-eligible node leaves: logs-es-master-2 (master-eligible nodes: 3 before, 2 after); if it is the elected master, the others elect a new one
    what to do: before applying, exclude the leaving nodes from voting: POST _cluster/voting_config_exclusions?node_names=logs-es-master-2; DELETE _cluster/voting_config_exclusions once they have left; then wait for green before the next change
`
	if d := cmp.Diff(want, b.String()); d != "" {
		t.Errorf("report (-want +got):\n%s", d)
	}
	if r.CountAtLeast(diff.Unsafe) != 1 || r.CountAtLeast(diff.Disruptive) != 3 || r.CountAtLeast(diff.Info) != 3 {
		t.Errorf("counts: unsafe %d, disruptive+ %d, info+ %d", r.CountAtLeast(diff.Unsafe), r.CountAtLeast(diff.Disruptive), r.CountAtLeast(diff.Info))
	}
}

func TestWriteTextEmpty(t *testing.T) {
	r, err := diff.Specs(spec(t, baseSpec), spec(t, baseSpec), diff.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := r.WriteText(&b, ""); err != nil {
		t.Fatal(err)
	}
	if want := "No changes.\n\nNo findings.\n"; b.String() != want {
		t.Errorf("got %q, want %q", b.String(), want)
	}
}

func TestJSON(t *testing.T) {
	r, err := diff.Specs(spec(t, baseSpec), spec(t, baseSpec, count(1, 4)), diff.Options{})
	if err != nil {
		t.Fatal(err)
	}
	data, err := r.JSON()
	if err != nil {
		t.Fatal(err)
	}
	var decoded struct {
		Changes  []diff.Change  `json:"changes"`
		Findings []diff.Finding `json:"findings"`
		Summary  map[string]int `json:"summary"`
	}
	if err := json.Unmarshal(data, &decoded); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(map[string]int{"unsafe": 1, "disruptive": 0, "info": 0}, decoded.Summary); d != "" {
		t.Errorf("summary (-want +got):\n%s", d)
	}
	f := decoded.Findings[0]
	if f.Rule != "data-scale-down-multiple" || f.Field != "spec.nodeSets[1].count" || f.Line != 22 ||
		!cmp.Equal(f.Objects, []string{"StatefulSet/logs-es-data"}) {
		t.Errorf("finding: %+v", f)
	}
	// The budget counts the spec's stateful pods (minAvailable), then
	// the StatefulSet.
	if len(decoded.Changes) != 2 {
		t.Fatalf("changes: %+v", decoded.Changes)
	}
	for i, want := range []struct{ path, old, new string }{{"spec.minAvailable", "8", "6"}, {"spec.replicas", "6", "4"}} {
		fc := decoded.Changes[i].Fields[0]
		if fc.Path != want.path || string(fc.Old) != want.old || string(fc.New) != want.new {
			t.Errorf("field change: %s %s -> %s, want %+v", fc.Path, fc.Old, fc.New, want)
		}
	}
}

func TestSeverity(t *testing.T) {
	for _, s := range diff.Severities {
		got, err := diff.ParseSeverity(string(s))
		if err != nil || got != s {
			t.Errorf("ParseSeverity(%q) = %q, %v", s, got, err)
		}
	}
	if _, err := diff.ParseSeverity("fatal"); err == nil || err.Error() != `unknown severity "fatal": want unsafe, disruptive or info` {
		t.Errorf("ParseSeverity(fatal): %v", err)
	}
	if !diff.Unsafe.AtLeast(diff.Disruptive) || diff.Info.AtLeast(diff.Disruptive) || !diff.Disruptive.AtLeast(diff.Disruptive) {
		t.Error("AtLeast orders unsafe > disruptive > info")
	}
}
