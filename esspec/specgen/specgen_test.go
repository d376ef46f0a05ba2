package specgen_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"testing"

	"github.com/esgen/esgen/esspec"
	"github.com/esgen/esgen/esspec/specgen"
)

// seeds is how many specs these tests draw: as many as the property tests.
const seeds = 500

// TestValidByConstruction: every draw is valid at the first attempt, so
// the generator knows validation's rules and its retry never has to
// narrow what it covers. A failure names the rule the generator lacks.
func TestValidByConstruction(t *testing.T) {
	for seed := range uint64(seeds) {
		c, refused := specgen.Draw(seed)
		if len(refused) > 0 {
			t.Errorf("seed %d: validation refused %d draw(s) before this one; teach the generator the rule:\n%v", seed, len(refused), refused)
		}
		esspec.SetDefaults(c)
		if errs, _ := esspec.Validate(c); len(errs) > 0 {
			t.Fatalf("seed %d: invalid spec: %v", seed, errs)
		}
	}
}

// TestDeterministic: a seed always gives the same spec, and different
// seeds give different specs.
func TestDeterministic(t *testing.T) {
	seen := map[string]uint64{}
	for seed := range uint64(seeds) {
		a, err := json.Marshal(specgen.Generate(seed))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(specgen.Generate(seed))
		if string(a) != string(b) {
			t.Fatalf("seed %d gives two specs:\n%s\n%s", seed, a, b)
		}
		if other, dup := seen[string(a)]; dup {
			t.Errorf("seeds %d and %d give the same spec", other, seed)
		}
		seen[string(a)] = seed
	}
}

// TestGenerateLeavesDefaultsToSetDefaults: a draw is what a user writes;
// checking it did not default it.
func TestGenerateLeavesDefaultsToSetDefaults(t *testing.T) {
	for seed := range uint64(50) {
		c := specgen.Generate(seed)
		before, _ := json.Marshal(c)
		esspec.SetDefaults(c)
		after, _ := json.Marshal(c)
		if string(before) == string(after) {
			t.Errorf("seed %d: SetDefaults changed nothing: the draw came defaulted", seed)
		}
	}
}

// features lists what a defaulted spec exercises, for TestCoverage.
func features(c *esspec.Cluster) []string {
	s := c.Spec
	v, _ := esspec.ParseVersion(s.Version)
	f := []string{
		fmt.Sprintf("version %d.x", v.Major),
		"profile " + string(s.Profile),
		"updateStrategy " + string(orAutomatic(s.UpdateStrategy)),
		"podSecurity " + string(s.PodSecurity),
		"hostAntiAffinity " + string(s.Topology.HostAntiAffinity),
	}
	if len(s.Topology.Racks) > 0 {
		f = append(f, "racks listed")
	} else {
		f = append(f, "no racks")
		if s.Topology.RackLabel != "" {
			f = append(f, "rackAntiAffinity "+string(s.Topology.RackAntiAffinity))
		}
		if s.Topology.RackCount > 0 {
			f = append(f, "rackCount")
		}
	}
	if s.Disposable {
		f = append(f, "disposable")
	}
	if s.Topology.ZoneSpread {
		f = append(f, "zoneSpread")
	}
	if *s.System.SysctlInitContainer {
		f = append(f, "sysctl init container")
	}
	if *s.System.MemoryLock {
		f = append(f, "memory lock")
	}
	if !*s.System.SystemCallFilter {
		f = append(f, "system call filter off")
	}
	var nodes int32
	longest := 0
	for i := range s.NodeSets {
		ns := &s.NodeSets[i]
		nodes += ns.Replicas()
		switch {
		case ns.Storage.HostPath != "":
			f = append(f, "storage hostPath")
		case ns.Storage.EmptyDir != nil && *ns.Storage.EmptyDir:
			f = append(f, "storage emptyDir")
		default:
			f = append(f, "storage claim")
		}
		switch {
		case ns.HasRole(esspec.RoleVotingOnly):
			f = append(f, "voting_only")
		case ns.DedicatedMaster():
			f = append(f, "dedicated masters")
		case ns.MasterEligible() && ns.HoldsData():
			f = append(f, "mixed master and data")
		case ns.CoordinatingOnly() && ns.Replicas() > 0:
			f = append(f, "coordinating-only")
		}
		if ns.HasRole(esspec.RoleDataHot) {
			f = append(f, "data tiers")
		}
		if ns.Heap != "" && ns.Resources.MemoryLimit() == nil {
			f = append(f, "heap without memory limit")
		}
		name, _ := longestName(c, ns.Name)
		longest = max(longest, len(name))
	}
	if nodes == 1 {
		f = append(f, "single node")
	}
	switch sec := s.Security; {
	case !*sec.Enabled:
		f = append(f, "security off")
	case sec.TLS.SecretName != "":
		f = append(f, "security on with TLS")
	case sec.TLS.IssuerRef != nil:
		f = append(f, "security on with TLS from an issuer")
	default:
		f = append(f, "security on without TLS")
	}
	if v, _ := esspec.ParseVersion(s.Version); *s.Security.Enabled && !v.BasicLicenseSecurity() {
		f = append(f, "security under a paid license")
	}
	if longest == esspec.MaxStatefulSetName {
		f = append(f, "longest StatefulSet name")
	}
	for _, extra := range []struct {
		name string
		on   bool
	}{
		{"plugins", len(s.Plugins.Install) > 0}, {"secure settings", len(s.Security.SecureSettings) > 0},
		{"kibana", s.Kibana.Count > 0}, {"kibana with security", s.Kibana.Count > 0 && *s.Security.Enabled},
		{"kibana 4.x", s.Kibana.Count > 0 && v.KibanaVersion().Major == 4}, {"kibana budget", s.Kibana.Count > 1},
		{"networkPolicy", s.NetworkPolicy}, {"meshExclude", s.Transport.MeshExclude},
		{"monitoring", s.Monitoring.Enabled}, {"monitoring with security", s.Monitoring.Enabled && *s.Security.Enabled},
	} {
		if extra.on {
			f = append(f, extra.name)
		}
	}
	if c.Metadata.Namespace == "" {
		f = append(f, "no namespace")
	}
	return f
}

func orAutomatic(s esspec.UpdateStrategy) esspec.UpdateStrategy {
	if s == "" {
		return "automatic"
	}
	return s
}

func longestName(c *esspec.Cluster, nodeSet string) (string, string) {
	name, rack := esspec.StatefulSetName(c.Metadata.Name, nodeSet, ""), ""
	for _, r := range c.Spec.Topology.Racks {
		if n := esspec.StatefulSetName(c.Metadata.Name, nodeSet, r); len(n) > len(name) {
			name, rack = n, r
		}
	}
	return name, rack
}

// TestCoverage: the property tests' specs reach every version line,
// profile, Pod Security level, topology, storage kind, role mix, security
// setting and platform extra.
func TestCoverage(t *testing.T) {
	seen := map[string]int{}
	for seed := range uint64(seeds) {
		c := specgen.Generate(seed)
		esspec.SetDefaults(c)
		for _, f := range features(c) {
			seen[f]++
		}
	}
	want := []string{
		"profile production", "profile development", "disposable",
		"updateStrategy automatic", "updateStrategy onDelete", "updateStrategy rollingUpdate",
		"podSecurity privileged", "podSecurity baseline", "podSecurity restricted",
		"racks listed", "no racks", "zoneSpread", "rackCount",
		"hostAntiAffinity required", "hostAntiAffinity preferred", "hostAntiAffinity none",
		"rackAntiAffinity required", "rackAntiAffinity preferred", "rackAntiAffinity none",
		"storage claim", "storage hostPath", "storage emptyDir",
		"dedicated masters", "mixed master and data", "coordinating-only", "data tiers", "voting_only",
		"security off", "security on with TLS", "security on with TLS from an issuer", "security on without TLS", "security under a paid license", "single node",
		"plugins", "secure settings", "kibana", "kibana with security", "kibana 4.x", "kibana budget", "networkPolicy", "meshExclude",
		"sysctl init container", "memory lock", "system call filter off",
		"longest StatefulSet name", "no namespace",
	}
	majors := map[string]bool{}
	for _, s := range specgen.RenderedVersions() {
		v, _ := esspec.ParseVersion(s)
		majors[fmt.Sprintf("version %d.x", v.Major)] = true
	}
	for m := range majors {
		want = append(want, m)
	}
	slices.Sort(want)
	for _, f := range want {
		if seen[f] == 0 {
			t.Errorf("no spec of %d has %q", seeds, f)
		}
	}
	for _, f := range slices.Sorted(maps.Keys(seen)) {
		t.Logf("%4d %s", seen[f], f)
	}
}

// TestRenderedVersions: the versions esgen renders include the newest of
// every line it renders, so a new refusal cannot silently drop a line.
func TestRenderedVersions(t *testing.T) {
	got := specgen.RenderedVersions()
	for _, v := range []string{"7.17.29", "8.19.20", "9.5.2"} {
		if !slices.Contains(got, v) {
			t.Errorf("RenderedVersions %v lacks %s", got, v)
		}
	}
}
