package diff_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/esgen/esgen/diff"
	"github.com/esgen/esgen/esspec"
)

// baseSpec is a formed production cluster: 3 dedicated masters, 6 data
// nodes, 2 coordinating nodes. Each case changes a copy of it.
const baseSpec = `apiVersion: esgen.dev/v1alpha1
kind: ElasticsearchCluster
metadata:
  name: logs
  namespace: search
spec:
  version: 8.19.20
  bootstrap:
    initialMasterNodes: false
  security:
    enabled: true
    elasticPasswordSecret: logs-es-elastic-password
    tls:
      secretName: logs-es-certs
  nodeSets:
  - name: master
    count: 3
    roles: [master]
    resources: {memory: 4Gi}
    storage: {size: 20Gi, storageClassName: local-ssd}
  - name: data
    count: 6
    roles: [data, ingest]
    resources: {memory: 16Gi}
    storage: {size: 1Ti, storageClassName: local-ssd}
  - name: coordinating
    count: 2
    roles: []
    resources: {memory: 4Gi}
    storage: {emptyDir: true}
`

// spec parses a spec, applies the changes, then the defaults.
func spec(t *testing.T, text string, changes ...func(*esspec.Cluster)) *esspec.Cluster {
	t.Helper()
	c, err := esspec.Parse([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	for _, change := range changes {
		change(c)
	}
	esspec.SetDefaults(c)
	return c
}

func count(i int, n int32) func(*esspec.Cluster) {
	return func(c *esspec.Cluster) { c.Spec.NodeSets[i].Count = new(n) }
}

func version(v string) func(*esspec.Cluster) {
	return func(c *esspec.Cluster) { c.Spec.Version = v }
}

func size(i int, q string) func(*esspec.Cluster) {
	return func(c *esspec.Cluster) { c.Spec.NodeSets[i].Storage.Size = new(resource.MustParse(q)) }
}

func racks(r ...string) func(*esspec.Cluster) {
	return func(c *esspec.Cluster) {
		c.Spec.Topology.RackLabel = "esaas.hosts.rack"
		c.Spec.Topology.Racks = r
	}
}

func bootstrapOn(c *esspec.Cluster) { c.Spec.Bootstrap.InitialMasterNodes = new(true) }

// want is the part of a finding a case pins.
type want struct {
	Severity diff.Severity
	Rule     string
	Field    string
}

func got(r *diff.Report) []want {
	var out []want
	for _, f := range r.Findings {
		out = append(out, want{f.Severity, f.Rule, f.Field})
	}
	return out
}

// hotWarm has data tiers: 3 hot, 2 warm.
const hotWarm = `apiVersion: esgen.dev/v1alpha1
kind: ElasticsearchCluster
metadata: {name: tiers}
spec:
  version: 8.19.20
  bootstrap: {initialMasterNodes: false}
  security: {enabled: false}
  nodeSets:
  - {name: master, count: 3, roles: [master], resources: {memory: 2Gi}}
  - {name: hot, count: 3, roles: [data_hot, data_content], resources: {memory: 8Gi}}
  - {name: warm, count: 2, roles: [data_warm], resources: {memory: 8Gi}}
`

// legacy is a 6.8 cluster: zen discovery with minimum_master_nodes.
const legacy = `apiVersion: esgen.dev/v1alpha1
kind: ElasticsearchCluster
metadata: {name: old}
spec:
  version: 6.8.23
  security: {enabled: false}
  nodeSets:
  - {name: master, count: 3, roles: [master], resources: {memory: 2Gi}}
  - {name: data, count: 3, roles: [data], resources: {memory: 8Gi}}
`

// ancient is a 2.x cluster, which reaches 5.x only by a full restart.
const ancient = `apiVersion: esgen.dev/v1alpha1
kind: ElasticsearchCluster
metadata: {name: old}
spec:
  version: 2.4.6
  nodeSets:
  - {name: master, count: 3, roles: [master], resources: {memory: 2Gi}}
  - {name: data, count: 3, roles: [data], resources: {memory: 8Gi}}
`

// allInOne is three nodes that each do everything.
const allInOne = `apiVersion: esgen.dev/v1alpha1
kind: ElasticsearchCluster
metadata: {name: small}
spec:
  version: 9.1.0
  bootstrap: {initialMasterNodes: false}
  security: {enabled: false}
  nodeSets:
  - {name: default, count: 3, roles: [master, data], resources: {memory: 4Gi}}
`

// single is one node on its own: single-node discovery.
const single = `apiVersion: esgen.dev/v1alpha1
kind: ElasticsearchCluster
metadata: {name: dev}
spec:
  version: 9.1.0
  profile: development
  security: {enabled: false}
  nodeSets:
  - {name: default, count: 1, roles: [master, data], resources: {memory: 2Gi}}
`

type testCase struct {
	name     string
	old, new *esspec.Cluster
	opts     diff.Options
	want     []want
}

func cases(t *testing.T) []testCase {
	b := baseSpec
	restarts := func(field string, nodeSets ...string) []want {
		var w []want
		for range nodeSets {
			w = append(w, want{diff.Disruptive, "rolling-restart", field})
		}
		return w
	}
	return []testCase{
		{name: "identical", old: spec(t, b), new: spec(t, b)},
		{name: "annotation added", old: spec(t, b),
			new:  spec(t, b, func(c *esspec.Cluster) { c.Metadata.Annotations = map[string]string{"owner": "search-team"} }),
			want: []want{{diff.Info, "metadata-only", "metadata.annotations[owner]"}}},
		{name: "serviceAnnotations added", old: spec(t, b),
			new:  spec(t, b, func(c *esspec.Cluster) { c.Spec.HTTP.ServiceAnnotations = map[string]string{"lb": "internal"} }),
			want: []want{{diff.Info, "metadata-only", "spec.http.serviceAnnotations[lb]"}}},
		// metadata.labels reach the pod templates too: every pod restarts.
		{name: "cluster label added", old: spec(t, b),
			new: spec(t, b, func(c *esspec.Cluster) { c.Metadata.Labels = map[string]string{"team": "search"} }),
			want: append(restarts("metadata.labels[team]", "master", "coordinating", "data"),
				want{diff.Info, "metadata-only", "metadata.labels[team]"})},
		{name: "data 6 to 5", old: spec(t, b), new: spec(t, b, count(1, 5)),
			want: []want{{diff.Disruptive, "data-scale-down", "spec.nodeSets[1].count"}}},
		{name: "data 6 to 4", old: spec(t, b), new: spec(t, b, count(1, 4)),
			want: []want{{diff.Unsafe, "data-scale-down-multiple", "spec.nodeSets[1].count"}}},
		{name: "data 6 to 7", old: spec(t, b), new: spec(t, b, count(1, 7))},
		{name: "masters 3 to 2", old: spec(t, b), new: spec(t, b, count(0, 2)),
			want: []want{
				{diff.Unsafe, "master-even", "spec.nodeSets[0].count"},
				{diff.Disruptive, "master-scale-down", "spec.nodeSets[0].count"},
			}},
		{name: "masters 3 to 1", old: spec(t, b), new: spec(t, b, count(0, 1)),
			want: []want{{diff.Unsafe, "master-quorum-lost", "spec.nodeSets[0].count"}}},
		{name: "masters 5 to 3", old: spec(t, b, count(0, 5)), new: spec(t, b, count(0, 3)),
			want: []want{{diff.Unsafe, "master-scale-down-multiple", "spec.nodeSets[0].count"}}},
		{name: "masters 5 to 4", old: spec(t, b, count(0, 5)), new: spec(t, b, count(0, 4)),
			want: []want{
				{diff.Disruptive, "master-scale-down", "spec.nodeSets[0].count"},
				{diff.Disruptive, "master-even", "spec.nodeSets[0].count"},
			}},
		{name: "master nodeSet renamed", old: spec(t, b),
			new: spec(t, b, func(c *esspec.Cluster) { c.Spec.NodeSets[0].Name = "masters" }),
			want: []want{
				{diff.Unsafe, "nodeset-removed", "spec.nodeSets[0].name"},
				{diff.Unsafe, "master-quorum-lost", "spec.nodeSets"},
			}},
		{name: "coordinating removed", old: spec(t, b),
			new:  spec(t, b, func(c *esspec.Cluster) { c.Spec.NodeSets = c.Spec.NodeSets[:2] }),
			want: []want{{diff.Unsafe, "nodeset-removed", "spec.nodeSets"}}},
		{name: "empty nodeSet removed", old: spec(t, b, count(2, 0)),
			new:  spec(t, b, func(c *esspec.Cluster) { c.Spec.NodeSets = c.Spec.NodeSets[:2] }),
			want: []want{{diff.Info, "nodeset-removed", "spec.nodeSets"}}},
		{name: "nodeSets reordered", old: spec(t, b),
			new: spec(t, b, func(c *esspec.Cluster) {
				ns := c.Spec.NodeSets
				c.Spec.NodeSets = []esspec.NodeSet{ns[2], ns[0], ns[1]}
			})},
		{name: "rack removed", old: spec(t, b, racks("r1", "r2", "r3")), new: spec(t, b, racks("r1", "r2")),
			want: slices.Concat([]want{
				{diff.Unsafe, "rack-removed", "spec.topology.racks"},
				{diff.Unsafe, "data-scale-down-multiple", "spec.topology.racks"},
				{diff.Disruptive, "master-scale-down", "spec.topology.racks"},
			}, restarts("spec.topology.racks", "master", "coordinating", "data"))},
		{name: "racks listed", old: spec(t, b, func(c *esspec.Cluster) { c.Spec.NodeSets[2].Count = new(int32(3)) }),
			new: spec(t, b, racks("r1", "r2", "r3"), func(c *esspec.Cluster) { c.Spec.NodeSets[2].Count = new(int32(3)) }),
			want: []want{
				{diff.Unsafe, "rack-removed", "spec.topology.racks"},
				{diff.Unsafe, "data-scale-down-multiple", "spec.topology.racks"},
				{diff.Unsafe, "master-quorum-lost", "spec.topology.racks"},
			}},
		{name: "storageClassName changed", old: spec(t, b),
			new:  spec(t, b, func(c *esspec.Cluster) { c.Spec.NodeSets[1].Storage.StorageClassName = "fast-ssd" }),
			want: []want{{diff.Unsafe, "immutable-field", "spec.nodeSets[1].storage.storageClassName"}}},
		{name: "storage decreased", old: spec(t, b), new: spec(t, b, size(1, "500Gi")),
			want: []want{{diff.Unsafe, "storage-decrease", "spec.nodeSets[1].storage.size"}}},
		{name: "storage increased", old: spec(t, b), new: spec(t, b, size(1, "2Ti")),
			want: []want{{diff.Disruptive, "storage-increase", "spec.nodeSets[1].storage.size"}}},
		{name: "emptyDir to claim", old: spec(t, b),
			new: spec(t, b, func(c *esspec.Cluster) {
				c.Spec.NodeSets[2].Storage = esspec.Storage{Size: new(resource.MustParse("10Gi"))}
			}),
			want: []want{
				{diff.Unsafe, "immutable-field", "spec.nodeSets[2].storage"},
				{diff.Disruptive, "rolling-restart", "spec.nodeSets[2].storage.emptyDir"},
			}},
		{name: "hostPath moved", old: spec(t, b, func(c *esspec.Cluster) { c.Spec.NodeSets[1].Storage = esspec.Storage{HostPath: "/data/a"} }),
			new: spec(t, b, func(c *esspec.Cluster) { c.Spec.NodeSets[1].Storage = esspec.Storage{HostPath: "/data/b"} }),
			want: []want{
				{diff.Unsafe, "data-volume-replaced", "spec.nodeSets[1].storage"},
				{diff.Disruptive, "rolling-restart", "spec.nodeSets[1].storage.hostPath"},
			}},
		{name: "data role removed", old: spec(t, b),
			new: spec(t, b, func(c *esspec.Cluster) { c.Spec.NodeSets[1].Roles = []esspec.Role{esspec.RoleIngest} }),
			want: []want{
				{diff.Unsafe, "data-scale-down-multiple", "spec.nodeSets[1].roles"},
				{diff.Unsafe, "data-role-removed", "spec.nodeSets[1].roles"},
				{diff.Disruptive, "rolling-restart", "spec.nodeSets[1].roles"},
			}},
		{name: "config changed", old: spec(t, b),
			new:  spec(t, b, func(c *esspec.Cluster) { c.Spec.NodeSets[1].Config = esspec.Settings{"node.attr.zone": "a"} }),
			want: []want{{diff.Disruptive, "rolling-restart", "spec.nodeSets[1].config[node.attr.zone]"}}},
		{name: "bootstrap turned off", old: spec(t, b, bootstrapOn), new: spec(t, b),
			want: []want{{diff.Info, "config-only", "spec.bootstrap.initialMasterNodes"}}},
		{name: "masters 3 to 5 while bootstrapping", old: spec(t, b, bootstrapOn), new: spec(t, b, bootstrapOn, count(0, 5)),
			want: []want{
				{diff.Info, "initial-master-nodes", "spec.bootstrap.initialMasterNodes"},
				{diff.Info, "config-only", "spec.nodeSets[0].count"},
			}},
		{name: "single node grows while bootstrapping", old: spec(t, single), new: spec(t, single, count(0, 3)),
			want: []want{
				{diff.Unsafe, "initial-master-nodes", "spec.bootstrap.initialMasterNodes"},
				{diff.Disruptive, "rolling-restart", "spec.nodeSets[0].count"},
			}},
		{name: "three to one node", old: spec(t, allInOne), new: spec(t, allInOne, count(0, 1)),
			want: []want{
				{diff.Unsafe, "data-scale-down-multiple", "spec.nodeSets[0].count"},
				{diff.Unsafe, "master-quorum-lost", "spec.nodeSets[0].count"},
				{diff.Unsafe, "single-node", "spec.nodeSets[0].count"},
				{diff.Disruptive, "rolling-restart", "spec.nodeSets[0].count"},
			}},
		{name: "replicas 2, data 3 to 2", old: spec(t, b, count(1, 3)), new: spec(t, b, count(1, 2)), opts: diff.Options{Replicas: new(2)},
			want: []want{
				{diff.Unsafe, "replicas-unassigned", "spec.nodeSets[1].count"},
				{diff.Disruptive, "data-scale-down", "spec.nodeSets[1].count"},
			}},
		{name: "replicas 1, data 6 to 5", old: spec(t, b), new: spec(t, b, count(1, 5)), opts: diff.Options{Replicas: new(1)},
			want: []want{{diff.Disruptive, "data-scale-down", "spec.nodeSets[1].count"}}},
		{name: "replicas 1, warm 2 to 1", old: spec(t, hotWarm), new: spec(t, hotWarm, count(2, 1)), opts: diff.Options{Replicas: new(1)},
			want: []want{
				{diff.Unsafe, "replicas-unassigned", "spec.nodeSets[2].count"},
				{diff.Disruptive, "data-scale-down", "spec.nodeSets[2].count"},
			}},
		{name: "replicas 2, warm already short", old: spec(t, hotWarm), new: spec(t, hotWarm, count(1, 4)), opts: diff.Options{Replicas: new(2)},
			want: []want{{diff.Info, "replicas-unassigned", "spec.nodeSets[2].count"}}},
		{name: "downgrade", old: spec(t, b), new: spec(t, b, version("8.18.8")),
			want: append([]want{{diff.Unsafe, "version-downgrade", "spec.version"}},
				restarts("spec.version", "master", "coordinating", "data")...)},
		{name: "8.15 to 9.x", old: spec(t, b, version("8.15.5")), new: spec(t, b, version("9.1.0")),
			want: append([]want{{diff.Unsafe, "upgrade-path", "spec.version"}},
				restarts("spec.version", "master", "coordinating", "data")...)},
		{name: "8.18 to 9.x", old: spec(t, b, version("8.18.8")), new: spec(t, b, version("9.1.0")),
			want: append([]want{{diff.Disruptive, "major-upgrade", "spec.version"}},
				restarts("spec.version", "master", "coordinating", "data")...)},
		{name: "7.16 to 8.x", old: spec(t, b, version("7.16.3")), new: spec(t, b, version("8.19.20")),
			want: append([]want{{diff.Unsafe, "upgrade-path", "spec.version"}},
				restarts("spec.version", "master", "coordinating", "data")...)},
		{name: "7.17 to 9.x", old: spec(t, b, version("7.17.29")), new: spec(t, b, version("9.1.0")),
			want: append([]want{{diff.Unsafe, "upgrade-path", "spec.version"}},
				restarts("spec.version", "master", "coordinating", "data")...)},
		{name: "2.x to 5.x", old: spec(t, ancient), new: spec(t, ancient, version("5.6.16")),
			want: append([]want{{diff.Unsafe, "upgrade-path", "spec.version"}},
				restarts("spec.system.memoryLock, spec.version", "master", "data")...)},
		{name: "minor upgrade", old: spec(t, b, version("8.18.8")), new: spec(t, b),
			want: restarts("spec.version", "master", "coordinating", "data")},
		{name: "6.8 masters 3 to 5", old: spec(t, legacy), new: spec(t, legacy, count(0, 5)),
			want: append([]want{{diff.Disruptive, "minimum-master-nodes", "spec.nodeSets[0].count"}},
				restarts("spec.nodeSets[0].count", "master", "data")...)},
		{name: "6.8 masters 5 to 3", old: spec(t, legacy, count(0, 5)), new: spec(t, legacy),
			want: append([]want{
				{diff.Unsafe, "master-scale-down-multiple", "spec.nodeSets[0].count"},
				{diff.Disruptive, "minimum-master-nodes", "spec.nodeSets[0].count"},
			}, restarts("spec.nodeSets[0].count", "master", "data")...)},
		{name: "6.8 to 7.17", old: spec(t, legacy), new: spec(t, legacy, version("7.17.29"), bootstrapOff),
			want: append(append([]want{{diff.Disruptive, "major-upgrade", "spec.version"}},
				restarts("spec.version", "master", "data")...),
				want{diff.Info, "minimum-master-nodes", "spec.version"})},
		{name: "cluster renamed", old: spec(t, b), new: spec(t, b, func(c *esspec.Cluster) { c.Metadata.Name = "logs2" }),
			want: []want{{diff.Unsafe, "cluster-replaced", "metadata.name"}}},
		{name: "namespace changed", old: spec(t, b), new: spec(t, b, func(c *esspec.Cluster) { c.Metadata.Namespace = "other" }),
			want: []want{{diff.Unsafe, "cluster-replaced", "metadata.namespace"}}},
	}
}

func bootstrapOff(c *esspec.Cluster) { c.Spec.Bootstrap.InitialMasterNodes = new(false) }

// TestFindings pins every finding a change makes: severity, rule and the
// spec field named, in report order.
func TestFindings(t *testing.T) {
	for _, tc := range cases(t) {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r, err := diff.Specs(tc.old, tc.new, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.want, got(r)); d != "" {
				t.Errorf("findings (-want +got):\n%s", d)
			}
			for _, f := range r.Findings {
				if f.Summary == "" || f.Action == "" || f.Line == 0 {
					t.Errorf("%s: want a summary, an action and a line: %+v", f.Rule, f)
				}
			}
		})
	}
}

// TestRenderedInput checks that rendered manifests give the same findings
// as the specs they were rendered from, naming objects instead of spec
// fields.
func TestRenderedInput(t *testing.T) {
	for _, tc := range cases(t) {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fromSpecs, err := diff.Specs(tc.old, tc.new, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			fromManifests := diff.Compare(manifestSide(t, tc.old), manifestSide(t, tc.new), tc.opts)
			strip := func(r *diff.Report) []diff.Finding {
				var out []diff.Finding
				for _, f := range r.Findings {
					f.Field, f.Line = "", 0
					out = append(out, f)
				}
				return out
			}
			if d := cmp.Diff(strip(fromSpecs), strip(fromManifests)); d != "" {
				t.Errorf("findings from manifests differ (-specs +manifests):\n%s", d)
			}
			if d := cmp.Diff(fromSpecs.Changes, fromManifests.Changes); d != "" {
				t.Errorf("changes differ (-specs +manifests):\n%s", d)
			}
			for _, f := range fromManifests.Findings {
				if f.Line != 0 || !strings.Contains(f.Field, "/") || strings.HasPrefix(f.Field, "spec.") || strings.HasPrefix(f.Field, "metadata.") {
					t.Errorf("%s: want objects and their fields named, got %q (line %d)", f.Rule, f.Field, f.Line)
				}
			}
		})
	}
}

// manifestSide renders a spec to YAML and reads it back as manifests.
func manifestSide(t *testing.T, c *esspec.Cluster) diff.Side {
	t.Helper()
	side, err := diff.ManifestSide(renderObjects(t, c))
	if err != nil {
		t.Fatal(err)
	}
	return side
}
