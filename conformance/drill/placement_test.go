package drill

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/esgen/esgen/esspec"
)

// placementDrill deploys a spec on a fleet sized for it and checks that
// the scheduler placed every pod, as the spec promises, and that losing a
// rack or a server costs what validation said it would.
func placementDrill(t *testing.T, spec *esspec.Resolved) {
	t.Helper()
	d := deploy(t, spec, Options{})
	p, err := d.Placement(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	var table strings.Builder
	p.Write(&table)
	t.Logf("placement:\n%s", table.String())
	if pending := p.Pending(); len(pending) > 0 {
		t.Errorf("%d pod(s) Pending on a fleet sized for the spec, e.g. %s: %s", len(pending), pending[0].Pod, pending[0].Pending)
	}
	for _, problem := range p.Check(spec) {
		t.Error(problem)
	}
	checkPerRack(t, spec, p)
	none, racks, servers := d.Losses(p)
	if !none.Quorum() {
		t.Errorf("no master quorum with every pod running")
	}
	checkRackLosses(t, spec, racks)
	checkServerLosses(t, spec, servers)
}

// checkPerRack: with listed racks, each rack holds the pods of each
// nodeSet that esgen describe's "Pods per rack and role" promises
// (esspec.Spread of the count over the racks).
func checkPerRack(t *testing.T, spec *esspec.Resolved, p Placement) {
	t.Helper()
	racks := spec.Spec.Topology.Racks
	if len(racks) == 0 {
		return
	}
	got := p.PerRack()
	for _, ns := range spec.NodeSets {
		for i, want := range esspec.Spread(ns.Replicas(), len(racks)) {
			if n := got[ns.Name][racks[i]]; n != int(want) {
				t.Errorf("nodeSet %s: %d pods run in rack %s, describe promises %d", ns.Name, n, racks[i], want)
			}
		}
	}
}

// checkRackLosses compares the rack-loss drill with validation: with
// listed racks, losing a rack loses the master quorum exactly when
// validation warned so; with required rack anti-affinity a lost rack
// takes at most one pod of each nodeSet.
func checkRackLosses(t *testing.T, spec *esspec.Resolved, racks []Loss) {
	t.Helper()
	top := spec.Spec.Topology
	// One master-eligible node is no quorum to keep: validation only
	// warns about the racks of two or more.
	if len(top.Racks) > 0 && len(racks) > 0 && racks[0].Masters > 1 {
		_, warnings := esspec.Validate(spec.Cluster)
		warned := false
		for _, w := range warnings {
			if strings.Contains(w.Detail, "short of the quorum") {
				warned = true
			}
		}
		lost := ""
		for _, l := range racks {
			if !l.Quorum() {
				lost = l.What
			}
		}
		if warned != (lost != "") {
			t.Errorf("validation warns of a quorum lost with a rack: %v; the drill loses it with: %q", warned, lost)
		}
	}
	if top.RackAntiAffinity == esspec.AntiAffinityRequired && len(top.Racks) == 0 && top.RackLabel != "" {
		atMostOnePer(t, racks)
	}
}

// checkServerLosses: with required host anti-affinity a lost server takes
// at most one pod of each nodeSet.
func checkServerLosses(t *testing.T, spec *esspec.Resolved, servers []Loss) {
	t.Helper()
	if spec.Spec.Topology.HostAntiAffinity == esspec.AntiAffinityRequired {
		atMostOnePer(t, servers)
	}
}

func atMostOnePer(t *testing.T, losses []Loss) {
	t.Helper()
	for _, l := range losses {
		for _, ns := range slices.Sorted(maps.Keys(l.Wanted)) {
			if l.Lost[ns] > 1 {
				t.Errorf("losing %s takes %d pods of nodeSet %s", l.What, l.Lost[ns], ns)
			}
		}
	}
}

func TestPlacementExamples(t *testing.T) {
	specs := examples(t)
	for _, name := range slices.Sorted(maps.Keys(specs)) {
		t.Run(name, func(t *testing.T) { placementDrill(t, specs[name]) })
	}
}

func TestPlacementGenerated(t *testing.T) {
	for seed := range uint64(specCount(t)) {
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) { placementDrill(t, generated(t, seed)) })
	}
}

// TestPlacementTooSmallFleet: on two servers, a nodeSet of three pods
// with required host anti-affinity leaves one Pending, and the scheduler
// says why.
func TestPlacementTooSmallFleet(t *testing.T) {
	spec := examples(t)["production"]
	fleet := FleetFor(spec)
	fleet.Racks = fleet.Racks[:1]
	fleet.Racks[0].Servers = 2
	d := deploy(t, spec, Options{Fleet: fleet})
	p, err := d.Placement(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	pending := p.Pending()
	if len(pending) == 0 {
		t.Fatal("every pod placed on two servers")
	}
	for _, x := range pending {
		if !strings.Contains(x.Pending, "didn't match pod anti-affinity rules") {
			t.Errorf("%s: Pending for %q, want the anti-affinity reason", x.Pod, x.Pending)
		}
	}
	var b strings.Builder
	p.Write(&b)
	if !strings.Contains(b.String(), "Pod(s) Pending:") && !strings.Contains(b.String(), "pod(s) Pending:") {
		t.Errorf("the table does not list the Pending pods:\n%s", b.String())
	}
}
