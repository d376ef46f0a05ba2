package render_test

import (
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	psaapi "k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/yaml"

	"github.com/esgen/esgen/esspec"
	"github.com/esgen/esgen/render"
	"github.com/esgen/esgen/topology"
)

// forEachExample renders every example and hands its spec and decoded
// manifest to check.
func forEachExample(t *testing.T, check func(t *testing.T, c *esspec.Cluster, m manifest, stream []byte)) {
	for _, path := range examplePaths(t) {
		t.Run(exampleName(path), func(t *testing.T) {
			c := loadSpec(t, path)
			stream := renderYAML(t, c)
			check(t, c, decodeManifest(t, stream), stream)
		})
	}
}

func selectorOf(t *testing.T, ls *metav1.LabelSelector) labels.Selector {
	t.Helper()
	s, err := metav1.LabelSelectorAsSelector(ls)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// nodeSetOf returns the spec nodeSet whose pods a StatefulSet runs.
func nodeSetOf(t *testing.T, c *esspec.Cluster, sts *appsv1.StatefulSet) *esspec.NodeSet {
	t.Helper()
	name := sts.Spec.Template.Labels[esspec.LabelNodeSet]
	for i := range c.Spec.NodeSets {
		if c.Spec.NodeSets[i].Name == name {
			return &c.Spec.NodeSets[i]
		}
	}
	t.Fatalf("StatefulSet %s: no nodeSet %q in the spec", sts.Name, name)
	return nil
}

func TestObjectOrder(t *testing.T) {
	forEachExample(t, func(t *testing.T, c *esspec.Cluster, m manifest, _ []byte) {
		kindRank := map[string]int{"ConfigMap": 0, "Service": 1, "PodDisruptionBudget": 2, "StatefulSet": 3}
		masters := map[string]bool{}
		for i := range m.statefulSets {
			masters[m.statefulSets[i].Name] = nodeSetOf(t, c, &m.statefulSets[i]).MasterEligible()
		}
		// Elasticsearch's objects come first, by kind, master StatefulSets
		// first, then by name; Kibana and the optional objects follow in a
		// fixed order.
		var tail []string
		if c.Spec.Kibana.Count > 0 {
			tail = append(tail, "Deployment/"+render.KibanaName(c.Metadata.Name), "Service/"+render.KibanaServiceName(c.Metadata.Name))
		}
		if c.Spec.Kibana.Count > 1 {
			tail = append(tail, "PodDisruptionBudget/"+render.KibanaName(c.Metadata.Name))
		}
		if c.Spec.Monitoring.Enabled {
			tail = append(tail, "Deployment/"+render.ExporterName(c.Metadata.Name), "Service/"+render.ExporterName(c.Metadata.Name),
				"ServiceMonitor/"+render.MonitoringName(c.Metadata.Name), "PrometheusRule/"+render.MonitoringName(c.Metadata.Name))
		}
		if c.Spec.NetworkPolicy {
			tail = append(tail, "NetworkPolicy/"+render.NetworkPolicyName(c.Metadata.Name))
		}
		if ref := c.Spec.Security.TLS.IssuerRef; ref != nil && ref.Name != "" {
			tail = append(tail, "Certificate/"+c.Metadata.Name+"-es-transport", "Certificate/"+c.Metadata.Name+"-es-http")
		}
		if len(m.order) < len(tail) || !slices.Equal(m.order[len(m.order)-len(tail):], tail) {
			t.Fatalf("objects end %v, want %v", m.order, tail)
		}
		es := m.order[:len(m.order)-len(tail)]
		key := func(s string) string {
			kind, name, _ := strings.Cut(s, "/")
			rank := "1"
			if kind == "StatefulSet" && masters[name] {
				rank = "0"
			}
			return fmt.Sprintf("%d/%s/%s", kindRank[kind], rank, name)
		}
		sorted := slices.SortedFunc(slices.Values(es), func(a, b string) int { return strings.Compare(key(a), key(b)) })
		if !slices.Equal(es, sorted) {
			t.Errorf("objects out of order:\n got %v\nwant %v", es, sorted)
		}
		// One ConfigMap, headless Service and StatefulSet per nodeSet (and
		// rack), the discovery and http Services, and one PDB for the
		// master-eligible and data pods plus one for the others when there
		// are any, and one for Kibana when there is more than one: nothing
		// else.
		n := len(c.Spec.NodeSets)
		pdbs := 1
		if slices.ContainsFunc(c.Spec.NodeSets, func(ns esspec.NodeSet) bool { return !ns.Stateful() }) {
			pdbs = 2
		}
		if c.Spec.Kibana.Count > 1 {
			pdbs++
		}
		groups := n * max(1, len(c.Spec.Topology.Racks))
		services := len(m.services)
		if c.Spec.Kibana.Count > 0 {
			services--
		}
		if c.Spec.Monitoring.Enabled {
			services--
		}
		if len(m.configMaps) != groups || len(m.pdbs) != pdbs || len(m.statefulSets) != groups || services != groups+2 {
			t.Errorf("got %d ConfigMaps, %d Services, %d PDBs, %d StatefulSets for %d nodeSets in %d groups",
				len(m.configMaps), services, len(m.pdbs), len(m.statefulSets), n, groups)
		}
	})
}

func TestStatefulSetSelectors(t *testing.T) {
	forEachExample(t, func(t *testing.T, c *esspec.Cluster, m manifest, _ []byte) {
		for i := range m.statefulSets {
			sts := &m.statefulSets[i]
			pods := labels.Set(sts.Spec.Template.Labels)
			if !selectorOf(t, sts.Spec.Selector).Matches(pods) {
				t.Errorf("%s: selector %v does not match its template labels", sts.Name, sts.Spec.Selector)
			}
			for k, v := range sts.Spec.Selector.MatchLabels {
				if strings.Contains(k, "version") || v == c.Spec.Version {
					t.Errorf("%s: selector holds the version (%s=%s); selectors are immutable", sts.Name, k, v)
				}
			}
			for j := range m.statefulSets {
				if j != i && selectorOf(t, sts.Spec.Selector).Matches(labels.Set(m.statefulSets[j].Spec.Template.Labels)) {
					t.Errorf("%s: selector also matches the pods of %s", sts.Name, m.statefulSets[j].Name)
				}
			}
			// Production master and data pods restart only when deleted
			// (esgen rollout); the others roll on apply.
			ns := nodeSetOf(t, c, sts)
			strategy := appsv1.RollingUpdateStatefulSetStrategyType
			if c.Spec.UpdateStrategy == esspec.UpdateOnDelete ||
				(c.Spec.UpdateStrategy == "" && c.Spec.Profile == esspec.ProfileProduction && (ns.MasterEligible() || ns.HoldsData())) {
				strategy = appsv1.OnDeleteStatefulSetStrategyType
			}
			if sts.Spec.ServiceName != sts.Name || sts.Spec.PodManagementPolicy != appsv1.ParallelPodManagement ||
				sts.Spec.UpdateStrategy.Type != strategy {
				t.Errorf("%s: serviceName %q, podManagementPolicy %q, updateStrategy %q", sts.Name,
					sts.Spec.ServiceName, sts.Spec.PodManagementPolicy, sts.Spec.UpdateStrategy.Type)
			}
		}
	})
}

// TestEachPodUnderExactlyOnePDB: every Elasticsearch pod is under
// exactly one budget, and so is every Kibana pod when there is more than
// one (under its own budget); a single Kibana is under none.
func TestEachPodUnderExactlyOnePDB(t *testing.T) {
	forEachExample(t, func(t *testing.T, c *esspec.Cluster, m manifest, _ []byte) {
		for _, sts := range m.statefulSets {
			if under := budgetsOver(t, m, sts.Spec.Template.Labels); len(under) != 1 {
				t.Errorf("pods of %s are under %d PDBs %v, want exactly 1", sts.Name, len(under), under)
			}
		}
		for _, d := range m.deployments {
			var want []string
			if *d.Spec.Replicas > 1 {
				want = []string{render.KibanaName(c.Metadata.Name)}
			}
			if under := budgetsOver(t, m, d.Spec.Template.Labels); !slices.Equal(under, want) {
				t.Errorf("pods of Deployment %s (%d replicas) are under PDBs %v, want %v", d.Name, *d.Spec.Replicas, under, want)
			}
		}
	})
}

// budgetsOver returns the names of the PDBs that select pods with labels.
func budgetsOver(t *testing.T, m manifest, podLabels map[string]string) []string {
	t.Helper()
	var under []string
	for _, pdb := range m.pdbs {
		if selectorOf(t, pdb.Spec.Selector).Matches(labels.Set(podLabels)) {
			under = append(under, pdb.Name)
		}
	}
	return under
}

// TestOneBudgetForStatefulPods: one PDB selects every master-eligible
// and data pod of the cluster, whatever its nodeSet or rack, and lets one
// of them go at a time; the other pods have a budget of their own.
func TestOneBudgetForStatefulPods(t *testing.T) {
	forEachExample(t, func(t *testing.T, c *esspec.Cluster, m manifest, _ []byte) {
		// The stateful budget counts against the spec's pods
		// (minAvailable: all but one), the stateless one against
		// the pods that exist.
		stateful := int32(0)
		for i := range c.Spec.NodeSets {
			if ns := &c.Spec.NodeSets[i]; ns.Stateful() {
				stateful += ns.Replicas()
			}
		}
		for _, pdb := range m.pdbs {
			ma, mu := pdb.Spec.MinAvailable, pdb.Spec.MaxUnavailable
			if pdb.Name == esspec.StatefulBudgetName(c.Metadata.Name) {
				if ma == nil || ma.IntValue() != int(max(0, stateful-1)) || mu != nil {
					t.Errorf("%s: minAvailable %v, maxUnavailable %v: want minAvailable %d", pdb.Name, ma, mu, max(0, stateful-1))
				}
			} else if mu == nil || mu.IntValue() != 1 || ma != nil {
				t.Errorf("%s: maxUnavailable %v, minAvailable %v: want maxUnavailable 1", pdb.Name, mu, ma)
			}
		}
		for _, sts := range m.statefulSets {
			ns := nodeSetOf(t, c, &sts)
			want := esspec.StatelessBudgetName(c.Metadata.Name)
			if ns.MasterEligible() || ns.HoldsData() {
				want = esspec.StatefulBudgetName(c.Metadata.Name)
			}
			for _, pdb := range m.pdbs {
				if selectorOf(t, pdb.Spec.Selector).Matches(labels.Set(sts.Spec.Template.Labels)) && pdb.Name != want {
					t.Errorf("pods of %s are under %s, want %s", sts.Name, pdb.Name, want)
				}
			}
		}
	})
}

// TestStartupProbeGatesStatefulPods: master-eligible and data pods wait
// for the cluster's health at start, through a startup probe that never
// kills the container; the other pods have none.
func TestStartupProbeGatesStatefulPods(t *testing.T) {
	forEachExample(t, func(t *testing.T, c *esspec.Cluster, m manifest, _ []byte) {
		for _, sts := range m.statefulSets {
			ns := nodeSetOf(t, c, &sts)
			probe := sts.Spec.Template.Spec.Containers[0].StartupProbe
			if !(ns.MasterEligible() || ns.HoldsData()) {
				if probe != nil {
					t.Errorf("%s: a startup probe on pods that hold no state", sts.Name)
				}
				continue
			}
			if probe == nil || probe.Exec == nil {
				t.Fatalf("%s: no startup probe", sts.Name)
			}
			script := probe.Exec.Command[2]
			// Green, or during a version upgrade yellow without moving
			// shards, or yellow where the layout never gets green, which
			// the probe reads from its ConfigMap.
			wants := []string{"/_cluster/health", render.HealthGateOffFile, `*'"status":"green"'*) exit 0 ;;`,
				render.ConfigMount + "/" + render.HealthTargetKey, "/_cat/nodes?h=version",
				`*'"initializing_shards":0,'*`, `*'"relocating_shards":0,'*`}
			r, err := esspec.Resolve(c)
			if err != nil {
				t.Fatal(err)
			}
			target, _ := topology.HealthTarget(topology.Plan(r))
			cm := m.configMaps[slices.IndexFunc(m.configMaps, func(cm corev1.ConfigMap) bool { return cm.Name == esspec.ConfigMapName(sts.Name) })]
			if got := cm.Data[render.HealthTargetKey]; got != string(target) {
				t.Errorf("%s: %s is %q, want %s", cm.Name, render.HealthTargetKey, got, target)
			}
			mounted := false
			for _, vm := range sts.Spec.Template.Spec.Containers[0].VolumeMounts {
				mounted = mounted || (vm.MountPath == render.ConfigMount && vm.SubPath == "")
			}
			if !mounted {
				t.Errorf("%s: the ConfigMap is not mounted whole at %s, so the probe cannot follow it", sts.Name, render.ConfigMount)
			}
			for _, want := range wants {
				if !strings.Contains(script, want) {
					t.Errorf("%s: startup probe lacks %q:\n%s", sts.Name, want, script)
				}
			}
			if probe.FailureThreshold != math.MaxInt32 {
				t.Errorf("%s: startup probe failure threshold %d: a long recovery must not get the container killed", sts.Name, probe.FailureThreshold)
			}
		}
	})
}

// TestBudgetCoversPodsOfOlderRenders: pods started before the
// esgen.dev/stateful label existed keep their labels until restarted; the
// stateful budget covers them from the moment it is applied, each under
// exactly one budget, and no Elasticsearch budget covers Kibana's pods.
func TestBudgetCoversPodsOfOlderRenders(t *testing.T) {
	forEachExample(t, func(t *testing.T, c *esspec.Cluster, m manifest, _ []byte) {
		for _, sts := range m.statefulSets {
			old := labels.Set(maps.Clone(sts.Spec.Template.Labels))
			delete(old, esspec.LabelStateful)
			var under []string
			for _, pdb := range m.pdbs {
				if selectorOf(t, pdb.Spec.Selector).Matches(old) {
					under = append(under, pdb.Name)
				}
			}
			if want := []string{esspec.StatefulBudgetName(c.Metadata.Name)}; !slices.Equal(under, want) {
				t.Errorf("pods of %s from an older render are under %v, want %v", sts.Name, under, want)
			}
		}
		for _, d := range m.deployments {
			for _, pdb := range m.pdbs {
				if pdb.Name != render.KibanaName(c.Metadata.Name) && selectorOf(t, pdb.Spec.Selector).Matches(labels.Set(d.Spec.Template.Labels)) {
					t.Errorf("%s selects the pods of Deployment %s", pdb.Name, d.Name)
				}
			}
		}
	})
}

func service(t *testing.T, m manifest, name string) corev1.Service {
	t.Helper()
	for _, s := range m.services {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("no Service %s", name)
	return corev1.Service{}
}

func TestDiscoveryService(t *testing.T) {
	forEachExample(t, func(t *testing.T, c *esspec.Cluster, m manifest, _ []byte) {
		svc := service(t, m, esspec.DiscoveryServiceName(c.Metadata.Name))
		if svc.Spec.ClusterIP != corev1.ClusterIPNone || !svc.Spec.PublishNotReadyAddresses {
			t.Errorf("clusterIP %q, publishNotReadyAddresses %v: want headless and publishing unready pods",
				svc.Spec.ClusterIP, svc.Spec.PublishNotReadyAddresses)
		}
		if len(svc.Spec.Ports) != 1 || svc.Spec.Ports[0].Port != 9300 {
			t.Errorf("ports %v, want only 9300", svc.Spec.Ports)
		}
		sel := labels.SelectorFromSet(svc.Spec.Selector)
		for i := range m.statefulSets {
			sts := &m.statefulSets[i]
			if got, want := sel.Matches(labels.Set(sts.Spec.Template.Labels)), nodeSetOf(t, c, sts).MasterEligible(); got != want {
				t.Errorf("selects the pods of %s: %v, want %v (master-eligible pods only)", sts.Name, got, want)
			}
		}
	})
}

func TestHTTPService(t *testing.T) {
	forEachExample(t, func(t *testing.T, c *esspec.Cluster, m manifest, _ []byte) {
		svc := service(t, m, esspec.HTTPServiceName(c.Metadata.Name))
		if len(svc.Spec.Ports) != 1 || svc.Spec.Ports[0].Port != 9200 {
			t.Errorf("ports %v, want only 9200", svc.Spec.Ports)
		}
		coordinating := false
		for i := range c.Spec.NodeSets {
			coordinating = coordinating || (c.Spec.NodeSets[i].CoordinatingOnly() && c.Spec.NodeSets[i].Replicas() > 0)
		}
		sel := labels.SelectorFromSet(svc.Spec.Selector)
		for i := range m.statefulSets {
			sts := &m.statefulSets[i]
			ns := nodeSetOf(t, c, sts)
			want := !ns.DedicatedMaster()
			if coordinating {
				want = ns.CoordinatingOnly()
			}
			if got := sel.Matches(labels.Set(sts.Spec.Template.Labels)); got != want {
				t.Errorf("selects the pods of %s: %v, want %v", sts.Name, got, want)
			}
		}
	})
}

func TestInitialMasterNodes(t *testing.T) {
	forEachExample(t, func(t *testing.T, c *esspec.Cluster, m manifest, _ []byte) {
		var masterPods []string
		for i := range m.statefulSets {
			sts := &m.statefulSets[i]
			if nodeSetOf(t, c, sts).MasterEligible() {
				for j := range *sts.Spec.Replicas {
					masterPods = append(masterPods, fmt.Sprintf("%s-%d", sts.Name, j))
				}
			}
		}
		slices.Sort(masterPods)
		single := len(masterPods) == 1 && len(m.statefulSets) == 1
		zen := c.Spec.Version[0] < '7' // 2.x, 5.x, 6.x
		for i := range m.statefulSets {
			sts := &m.statefulSets[i]
			cm := m.configMaps[slices.IndexFunc(m.configMaps, func(cm corev1.ConfigMap) bool { return cm.Name == esspec.ConfigMapName(sts.Name) })]
			var settings map[string]any
			if err := yaml.Unmarshal([]byte(cm.Data["elasticsearch.yml"]), &settings); err != nil {
				t.Fatalf("%s: elasticsearch.yml: %v", cm.Name, err)
			}
			got, has := settings["cluster.initial_master_nodes"]
			switch {
			case single:
				if has || settings["discovery.type"] != "single-node" {
					t.Errorf("%s: a single-node cluster needs discovery.type: single-node and no initial_master_nodes", cm.Name)
				}
			case zen:
				if has || fmt.Sprint(settings["discovery.zen.minimum_master_nodes"]) != fmt.Sprint(len(masterPods)/2+1) {
					t.Errorf("%s: zen discovery needs minimum_master_nodes %d and no initial_master_nodes, got %v", cm.Name, len(masterPods)/2+1, settings)
				}
			case nodeSetOf(t, c, sts).MasterEligible():
				if fmt.Sprint(got) != fmt.Sprint(masterPods) {
					t.Errorf("%s: cluster.initial_master_nodes = %v, want %v", cm.Name, got, masterPods)
				}
			case has:
				t.Errorf("%s: cluster.initial_master_nodes on a node that is not master-eligible", cm.Name)
			}
		}
	})
}

// TestEndingBootstrapRestartsNothing: setting spec.bootstrap.initialMasterNodes
// to false changes the masters' ConfigMaps and nothing that rolls a pod.
func TestEndingBootstrapRestartsNothing(t *testing.T) {
	c := loadSpec(t, "../examples/production.yaml")
	before := decodeManifest(t, renderYAML(t, c))
	c.Spec.Bootstrap.InitialMasterNodes = new(false)
	after := decodeManifest(t, renderYAML(t, c))
	for i := range before.statefulSets {
		if !equality.Semantic.DeepEqual(before.statefulSets[i], after.statefulSets[i]) {
			t.Errorf("StatefulSet %s changed", before.statefulSets[i].Name)
		}
	}
	changed := 0
	for i := range before.configMaps {
		if before.configMaps[i].Data["elasticsearch.yml"] != after.configMaps[i].Data["elasticsearch.yml"] {
			changed++
			if strings.Contains(after.configMaps[i].Data["elasticsearch.yml"], "initial_master_nodes") {
				t.Errorf("%s still lists initial master nodes", after.configMaps[i].Name)
			}
		}
	}
	if changed != 1 {
		t.Errorf("%d ConfigMaps changed, want 1 (the masters')", changed)
	}
}

// TestConfigChangeRollsPods: a config change reaches the pod template
// through the config hash, so the StatefulSet rolls its pods.
func TestConfigChangeRollsPods(t *testing.T) {
	c := loadSpec(t, "../examples/production.yaml")
	before := decodeManifest(t, renderYAML(t, c))
	c.Spec.NodeSets[1].Config = esspec.Settings{"indices.memory.index_buffer_size": "20%"}
	after := decodeManifest(t, renderYAML(t, c))
	for i := range before.statefulSets {
		name := before.statefulSets[i].Name
		b := before.statefulSets[i].Spec.Template.Annotations["esgen.dev/config-hash"]
		a := after.statefulSets[i].Spec.Template.Annotations["esgen.dev/config-hash"]
		if changed, want := a != b, name == "logs-es-data"; changed != want {
			t.Errorf("%s: config hash changed %v, want %v", name, changed, want)
		}
	}
}

// podSecurityViolation evaluates a StatefulSet's pod template with the
// Pod Security admission library at the spec's level, and says why it
// fails, or returns "".
func podSecurityViolation(t testing.TB, c *esspec.Cluster, tpl *corev1.PodTemplateSpec) string {
	t.Helper()
	evaluator, err := policy.NewEvaluator(policy.DefaultChecks(), nil)
	if err != nil {
		t.Fatal(err)
	}
	level, err := psaapi.ParseLevel(string(c.Spec.PodSecurity))
	if err != nil {
		t.Fatal(err)
	}
	results := evaluator.EvaluatePod(psaapi.LevelVersion{Level: level, Version: psaapi.LatestVersion()}, &tpl.ObjectMeta, &tpl.Spec)
	if agg := policy.AggregateCheckResults(results); !agg.Allowed {
		return agg.ForbiddenReason() + ": " + agg.ForbiddenDetail()
	}
	return ""
}

func TestPodSecurityStandards(t *testing.T) {
	forEachExample(t, func(t *testing.T, c *esspec.Cluster, m manifest, _ []byte) {
		for _, sts := range m.statefulSets {
			if reason := podSecurityViolation(t, c, &sts.Spec.Template); reason != "" {
				t.Errorf("%s violates Pod Security %q: %s", sts.Name, c.Spec.PodSecurity, reason)
			}
		}
		for _, d := range m.deployments {
			if reason := podSecurityViolation(t, c, &d.Spec.Template); reason != "" {
				t.Errorf("%s violates Pod Security %q: %s", d.Name, c.Spec.PodSecurity, reason)
			}
		}
	})
}

// TestPodSecurityCheckBites: the evaluator used above refuses what it
// should, so a pass there means something: the privileged sysctl init
// container and memory-lock capabilities of the production example break
// baseline.
func TestPodSecurityCheckBites(t *testing.T) {
	evaluator, err := policy.NewEvaluator(policy.DefaultChecks(), nil)
	if err != nil {
		t.Fatal(err)
	}
	m := decodeManifest(t, renderYAML(t, loadSpec(t, "../examples/production.yaml")))
	tpl := m.statefulSets[0].Spec.Template
	results := evaluator.EvaluatePod(psaapi.LevelVersion{Level: psaapi.LevelBaseline, Version: psaapi.LatestVersion()}, &tpl.ObjectMeta, &tpl.Spec)
	if policy.AggregateCheckResults(results).Allowed {
		t.Error("the production pods pass baseline, but they run a privileged init container")
	}
}

// TestKustomizeBuild: the manifests are a valid kustomize base, the way a
// user keeps them in git (kubectl kustomize runs the same code).
func TestKustomizeBuild(t *testing.T) {
	forEachExample(t, func(t *testing.T, c *esspec.Cluster, m manifest, stream []byte) {
		fs := filesys.MakeFsInMemory()
		if err := fs.WriteFile("/base/manifests.yaml", stream); err != nil {
			t.Fatal(err)
		}
		if err := fs.WriteFile("/base/kustomization.yaml", []byte("resources:\n- manifests.yaml\n")); err != nil {
			t.Fatal(err)
		}
		res, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(fs, "/base")
		if err != nil {
			t.Fatalf("kustomize build: %v", err)
		}
		if got := len(res.Resources()); got != len(m.order) {
			t.Errorf("kustomize built %d objects, want %d", got, len(m.order))
		}
	})
}

// TestDeterminism: the same spec gives the same bytes whatever the
// scheduler does and whatever order the nodeSets are listed in.
func TestDeterminism(t *testing.T) {
	for _, path := range examplePaths(t) {
		t.Run(exampleName(path), func(t *testing.T) {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
			runtime.GOMAXPROCS(1)
			want := renderYAML(t, loadSpec(t, path))
			runtime.GOMAXPROCS(8)
			for range 5 {
				if got := renderYAML(t, loadSpec(t, path)); string(got) != string(want) {
					t.Fatal("render differs between runs")
				}
			}
			rng := rand.New(rand.NewPCG(1, 2))
			for range 5 {
				c := loadSpec(t, path)
				rng.Shuffle(len(c.Spec.NodeSets), func(i, j int) {
					c.Spec.NodeSets[i], c.Spec.NodeSets[j] = c.Spec.NodeSets[j], c.Spec.NodeSets[i]
				})
				if got := renderYAML(t, c); string(got) != string(want) {
					t.Fatal("render depends on the order of spec.nodeSets")
				}
			}
		})
	}
}
