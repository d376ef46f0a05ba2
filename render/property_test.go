package render_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"slices"
	"strconv"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/validation"
	"sigs.k8s.io/yaml"

	"github.com/esgen/esgen/esspec"
	"github.com/esgen/esgen/esspec/specgen"
	"github.com/esgen/esgen/render"
)

// Environment variables that widen the property tests: ESGEN_SPECS
// specs (default 500) from seed ESGEN_SEED on (default 0), e.g.
// ESGEN_SPECS=20000 go test ./render -run TestProperties.
const (
	envSpecs = "ESGEN_SPECS"
	envSeed  = "ESGEN_SEED"
)

// propertySeeds returns the seeds the property tests draw specs from.
func propertySeeds(t testing.TB) []uint64 {
	t.Helper()
	count, first := uint64(500), uint64(0)
	for _, v := range []struct {
		name string
		into *uint64
	}{{envSpecs, &count}, {envSeed, &first}} {
		if s := os.Getenv(v.name); s != "" {
			n, err := strconv.ParseUint(s, 10, 64)
			if err != nil {
				t.Fatalf("%s=%q: %v", v.name, s, err)
			}
			*v.into = n
		}
	}
	seeds := make([]uint64, count)
	for i := range seeds {
		seeds[i] = first + uint64(i)
	}
	return seeds
}

// TestProperties renders generated valid specs (see esspec/specgen) across
// every version, profile, topology, storage kind, role mix, security
// setting and Pod Security level, and checks each render's contract.
// Run one spec again with -run 'TestProperties/seed=42$'.
func TestProperties(t *testing.T) {
	for _, seed := range propertySeeds(t) {
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
			t.Parallel()
			checkProperties(t, seed)
		})
	}
}

// FuzzProperties lets the fuzzer pick seeds: go test ./render -run '^$'
// -fuzz FuzzProperties.
func FuzzProperties(f *testing.F) {
	f.Add(uint64(0))
	f.Fuzz(func(t *testing.T, seed uint64) {
		checkProperties(t, seed)
	})
}

// checkProperties generates the spec of seed and checks every property of
// its render, reporting the spec as YAML on failure.
func checkProperties(t *testing.T, seed uint64) {
	c := specgen.Generate(seed)
	written := specYAML(t, c)
	esspec.SetDefaults(c)
	defer func() {
		if t.Failed() {
			t.Logf("spec of seed %d:\n%s", seed, written)
		}
	}()
	out := renderYAML(t, c)
	assertNoSecrets(t, fmt.Sprintf("seed %d", seed), out)

	// Deterministic: the same seed renders the same bytes, and so does
	// the spec written as YAML and loaded back, as a user would.
	again := specgen.Generate(seed)
	esspec.SetDefaults(again)
	if !bytes.Equal(renderYAML(t, again), out) {
		t.Fatal("two renders of the same spec differ")
	}
	loaded, err := esspec.Parse(written)
	if err != nil {
		t.Fatalf("the spec written as YAML does not load: %v", err)
	}
	esspec.SetDefaults(loaded)
	// Equal objects give equal bytes (the line above checks the YAML
	// writer on this spec); comparing objects keeps the test quick.
	fromYAML, err := render.Render(loaded)
	if err != nil {
		t.Fatalf("the spec loaded from YAML does not render: %v", err)
	}
	first, _ := render.Render(c)
	if !equality.Semantic.DeepEqual(fromYAML, first) {
		t.Error("the spec loaded from YAML renders differently")
	}

	m := decodeStrict(t, out)
	for i := range m.statefulSets {
		sts := &m.statefulSets[i]
		pods := labels.Set(sts.Spec.Template.Labels)
		var under []string
		for _, pdb := range m.pdbs {
			if selectorOf(t, pdb.Spec.Selector).Matches(pods) {
				under = append(under, pdb.Name)
			}
		}
		if len(under) != 1 {
			t.Errorf("pods of %s are under %d PDBs %v, want exactly 1", sts.Name, len(under), under)
		}
		// Master and data pods: under the one budget of the cluster's
		// stateful pods, gated on health at start, and not rolled by
		// kubectl apply in production unless the spec says so.
		ns := nodeSetOf(t, c, sts)
		stateful := ns.MasterEligible() || ns.HoldsData()
		budget := esspec.StatelessBudgetName(c.Metadata.Name)
		if stateful {
			budget = esspec.StatefulBudgetName(c.Metadata.Name)
		}
		if len(under) == 1 && under[0] != budget {
			t.Errorf("pods of %s are under %s, want %s", sts.Name, under[0], budget)
		}
		if got := sts.Spec.Template.Spec.Containers[0].StartupProbe != nil; got != stateful {
			t.Errorf("%s: startup probe %v, want %v (master and data pods only)", sts.Name, got, stateful)
		}
		onDelete := sts.Spec.UpdateStrategy.Type == appsv1.OnDeleteStatefulSetStrategyType
		if want := c.Spec.UpdateStrategy == esspec.UpdateOnDelete ||
			(c.Spec.UpdateStrategy == "" && c.Spec.Profile == esspec.ProfileProduction && stateful); onDelete != want {
			t.Errorf("%s: updateStrategy %s with spec.updateStrategy %q in %s", sts.Name, sts.Spec.UpdateStrategy.Type, c.Spec.UpdateStrategy, c.Spec.Profile)
		}
		discovery := service(t, m, esspec.DiscoveryServiceName(c.Metadata.Name))
		if got, want := labels.SelectorFromSet(discovery.Spec.Selector).Matches(pods), nodeSetOf(t, c, sts).MasterEligible(); got != want {
			t.Errorf("discovery Service selects the pods of %s: %v, want %v (exactly the master-eligible pods)", sts.Name, got, want)
		}
		if reason := podSecurityViolation(t, c, &sts.Spec.Template); reason != "" {
			t.Errorf("%s breaks Pod Security %q: %s", sts.Name, c.Spec.PodSecurity, reason)
		}
	}
	// Kibana's pods: under exactly their own PDB when there is more than
	// one, else under none (the eviction API refuses pods under two); the
	// exporter's under none (one replica: a budget would block drains);
	// neither among the masters the discovery Service selects, and within
	// the Pod Security level too.
	budgets := 1 // the stateful pods'
	if slices.ContainsFunc(c.Spec.NodeSets, func(ns esspec.NodeSet) bool { return !ns.Stateful() }) {
		budgets++
	}
	if c.Spec.Kibana.Count > 1 {
		budgets++
	}
	if len(m.pdbs) != budgets {
		t.Errorf("%d PDBs, want %d (spec.kibana.count %d)", len(m.pdbs), budgets, c.Spec.Kibana.Count)
	}
	for i := range m.deployments {
		d := &m.deployments[i]
		pods := labels.Set(d.Spec.Template.Labels)
		var want []string
		if c.Spec.Kibana.Count > 1 && d.Name == render.KibanaName(c.Metadata.Name) {
			want = []string{render.KibanaName(c.Metadata.Name)}
		}
		if under := budgetsOver(t, m, pods); !slices.Equal(under, want) {
			t.Errorf("pods of Deployment %s are under PDBs %v, want %v", d.Name, under, want)
		}
		discovery := service(t, m, esspec.DiscoveryServiceName(c.Metadata.Name))
		if labels.SelectorFromSet(discovery.Spec.Selector).Matches(pods) {
			t.Errorf("the discovery Service selects the pods of Deployment %s", d.Name)
		}
		if reason := podSecurityViolation(t, c, &d.Spec.Template); reason != "" {
			t.Errorf("Deployment %s breaks Pod Security %q: %s", d.Name, c.Spec.PodSecurity, reason)
		}
	}
	for _, problem := range nameProblems(m) {
		t.Error(problem)
	}
}

// specYAML writes a spec as a user would: YAML, without the nulls of
// fields left unset.
func specYAML(t *testing.T, c *esspec.Cluster) []byte {
	t.Helper()
	raw, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	var tree any
	if err := json.Unmarshal(raw, &tree); err != nil {
		t.Fatal(err)
	}
	out, err := yaml.Marshal(dropNulls(tree))
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func dropNulls(v any) any {
	switch v := v.(type) {
	case map[string]any:
		for k, item := range v {
			if item == nil {
				delete(v, k)
				continue
			}
			v[k] = dropNulls(item)
		}
	case []any:
		for i := range v {
			v[i] = dropNulls(v[i])
		}
	}
	return v
}

// revisionHashLength is the longest hash a StatefulSet's controller
// appends to its name in the pods' controller-revision-hash label: a
// 32-bit FNV hash, safe-encoded (k8s.io/kubernetes/pkg/controller/history).
const revisionHashLength = 10

// nameProblems checks every generated name against the limits Kubernetes
// enforces on it: object names, the names of the pods and claims the
// StatefulSets create, label keys and values, annotation keys.
func nameProblems(m manifest) []string {
	var problems []string
	check := func(what, value string, msgs []string) {
		for _, msg := range msgs {
			problems = append(problems, fmt.Sprintf("%s %q: %s", what, value, msg))
		}
	}
	meta := func(kind, name, namespace string, objLabels, annotations map[string]string) {
		check(kind+" name", name, validation.IsDNS1123Subdomain(name))
		if namespace != "" {
			check(kind+" "+name+" namespace", namespace, validation.IsDNS1123Label(namespace))
		}
		for _, k := range slices.Sorted(maps.Keys(objLabels)) {
			check(kind+" "+name+" label key", k, validation.IsQualifiedName(k))
			check(kind+" "+name+" label "+k, objLabels[k], validation.IsValidLabelValue(objLabels[k]))
		}
		for _, k := range slices.Sorted(maps.Keys(annotations)) {
			check(kind+" "+name+" annotation key", k, validation.IsQualifiedName(k))
		}
	}
	for _, o := range m.configMaps {
		meta("ConfigMap", o.Name, o.Namespace, o.Labels, o.Annotations)
	}
	for _, o := range m.services {
		meta("Service", o.Name, o.Namespace, o.Labels, o.Annotations)
		check("Service name", o.Name, validation.IsDNS1035Label(o.Name))
	}
	for _, o := range m.pdbs {
		meta("PodDisruptionBudget", o.Name, o.Namespace, o.Labels, o.Annotations)
	}
	for _, o := range m.networkPolicies {
		meta("NetworkPolicy", o.Name, o.Namespace, o.Labels, o.Annotations)
	}
	for _, o := range m.certificates {
		meta("Certificate", o.Name, o.Namespace, o.Labels, o.Annotations)
	}
	for i := range m.deployments {
		d := &m.deployments[i]
		meta("Deployment", d.Name, d.Namespace, d.Labels, d.Annotations)
		meta("pod template of Deployment", d.Name, "", d.Spec.Template.Labels, d.Spec.Template.Annotations)
		// Its ReplicaSet is <deployment>-<pod-template-hash>.
		rs := d.Name + "-" + string(bytes.Repeat([]byte("x"), revisionHashLength))
		check("ReplicaSet name", rs, validation.IsDNS1123Subdomain(rs))
	}
	for i := range m.statefulSets {
		sts := &m.statefulSets[i]
		meta("StatefulSet", sts.Name, sts.Namespace, sts.Labels, sts.Annotations)
		check("StatefulSet name", sts.Name, validation.IsDNS1123Label(sts.Name))
		revision := sts.Name + "-" + string(bytes.Repeat([]byte("x"), revisionHashLength))
		check("controller-revision-hash label of "+sts.Name, revision, validation.IsValidLabelValue(revision))
		meta("pod template of StatefulSet", sts.Name, "", sts.Spec.Template.Labels, sts.Spec.Template.Annotations)
		for _, pod := range podNames(sts) {
			// The pod name is also its hostname: a DNS label.
			check("pod name", pod, validation.IsDNS1123Label(pod))
			for _, claim := range sts.Spec.VolumeClaimTemplates {
				name := claim.Name + "-" + pod
				check("PersistentVolumeClaim name", name, validation.IsDNS1123Subdomain(name))
			}
		}
	}
	return problems
}

// podNames returns the names of a StatefulSet's first and last pods.
func podNames(sts *appsv1.StatefulSet) []string {
	last := int32(0)
	if sts.Spec.Replicas != nil && *sts.Spec.Replicas > 0 {
		last = *sts.Spec.Replicas - 1
	}
	return slices.Compact([]string{sts.Name + "-0", fmt.Sprintf("%s-%d", sts.Name, last)})
}
