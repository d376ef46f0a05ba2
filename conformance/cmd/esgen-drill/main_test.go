package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func drillCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestUsage(t *testing.T) {
	for _, args := range [][]string{nil, {"a.yaml", "b.yaml"}, {"--nope", "a.yaml"}, {"a.yaml", "--replicas", "-1"}} {
		if code, out, _ := drillCLI(t, args...); code != 2 || out != "" {
			t.Errorf("%q: exit %d, stdout %q; want 2 and nothing", args, code, out)
		}
	}
}

func TestBadInput(t *testing.T) {
	dir := t.TempDir()
	fleet := filepath.Join(dir, "fleet.yaml")
	os.WriteFile(fleet, []byte("apiVersion: esgen.dev/v1alpha1\nkind: Fleet\nracks: [{name: r1, servers: 0, cpu: '1', memory: 1Gi}]\n"), 0o644)
	code, out, errs := drillCLI(t, "../../../examples/production.yaml", "--fleet", fleet)
	if code != 1 || out != "" || !strings.Contains(errs, "fleet.yaml: fleet.racks[0].servers: Invalid value: 0") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out, errs)
	}
	code, out, errs = drillCLI(t, "no-such-spec.yaml")
	if code != 1 || out != "" || !strings.Contains(errs, "no-such-spec.yaml") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out, errs)
	}
}

// TestPrintFleet: the printed fleet is a file --fleet reads back.
func TestPrintFleet(t *testing.T) {
	code, out, errs := drillCLI(t, "../../../examples/rack-aware.yaml", "--print-fleet")
	if code != 0 || errs != "" {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	for _, want := range []string{"kind: Fleet", "rackLabel: esaas.hosts.rack", "name: r3"} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in\n%s", want, out)
		}
	}
}

// TestRackAware drills the rack-aware example on its sized fleet: every
// pod placed, each rack's loss leaves 2 of 3 masters, drains keep one
// stateful pod down at most.
func TestRackAware(t *testing.T) {
	code, out, errs := drillCLI(t, "../../../examples/rack-aware.yaml", "--drain")
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
	for _, want := range []string{
		"Fleet: 33 servers in 3 racks (rack label esaas.hosts.rack); the cluster's 12 pods run on 12 of them",
		"rack r2        4          2/3         kept    yellow  2/3           4/6   2/3",
		"at most 1 stateful pod(s) unavailable at once",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in\n%s", want, out)
		}
	}
}

// TestTooSmall: on one server the production example leaves pods
// Pending, with the scheduler's reason, and exits 1.
func TestTooSmall(t *testing.T) {
	fleet := filepath.Join(t.TempDir(), "fleet.yaml")
	os.WriteFile(fleet, []byte("apiVersion: esgen.dev/v1alpha1\nkind: Fleet\nracks: [{name: r1, servers: 1, cpu: '64', memory: 512Gi}]\n"), 0o644)
	code, out, errs := drillCLI(t, "../../../examples/production.yaml", "--fleet", fleet)
	if code != 1 || errs != "" {
		t.Fatalf("exit %d, stderr %q\n%s", code, errs, out)
	}
	for _, want := range []string{"pod(s) Pending:", "didn't match pod anti-affinity rules", "\nProblems\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in\n%s", want, out)
		}
	}
}

// TestExampleFleets: the README's answers. Production (three masters,
// each in a rack of its own) fits on three racks and keeps its quorum
// without any one of them; on two racks a master and a data pod stay
// Pending for the rack anti-affinity.
func TestExampleFleets(t *testing.T) {
	code, out, errs := drillCLI(t, "../../../examples/production.yaml", "--fleet", "../../../examples/fleets/three-racks.yaml")
	if code != 0 || errs != "" {
		t.Fatalf("three racks: exit %d, stderr %q\n%s", code, errs, out)
	}
	for _, want := range []string{"Fleet: 9 servers in 3 racks (rack label esaas.hosts.rack); the cluster's 8 pods run on ", "rack r1        "} {
		if !strings.Contains(out, want) {
			t.Errorf("three racks: no %q in\n%s", want, out)
		}
	}
	if strings.Contains(out, " LOST ") {
		t.Errorf("three racks: a loss costs the quorum\n%s", out)
	}
	code, out, _ = drillCLI(t, "../../../examples/production.yaml", "--fleet", "../../../examples/fleets/two-racks.yaml")
	if code != 1 {
		t.Fatalf("two racks: exit %d\n%s", code, out)
	}
	for _, want := range []string{"2 pod(s) Pending:", "\n  logs-es-master-", "\n  logs-es-data-", "didn't match pod anti-affinity rules"} {
		if !strings.Contains(out, want) {
			t.Errorf("two racks: no %q in\n%s", want, out)
		}
	}
}
