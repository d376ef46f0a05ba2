package diff_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/esgen/esgen/diff"
	"github.com/esgen/esgen/esspec"
	"github.com/esgen/esgen/render"
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

func strategy(s esspec.UpdateStrategy) func(*esspec.Cluster) {
	return func(c *esspec.Cluster) { c.Spec.UpdateStrategy = s }
}

func config(i int, key, value string) func(*esspec.Cluster) {
	return func(c *esspec.Cluster) { c.Spec.NodeSets[i].Config = esspec.Settings{key: value} }
}

func disposable(c *esspec.Cluster) { c.Spec.Disposable = true }

// securityOff turns security and TLS off.
func securityOff(c *esspec.Cluster) { c.Spec.Security = esspec.Security{Enabled: new(false)} }

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
  - {name: master, count: 3, roles: [master], resources: {memory: 2Gi}, storage: {size: 10Gi}}
  - {name: hot, count: 3, roles: [data_hot, data_content], resources: {memory: 8Gi}, storage: {size: 10Gi}}
  - {name: warm, count: 2, roles: [data_warm], resources: {memory: 8Gi}, storage: {size: 10Gi}}
`

// legacy is a 6.8 cluster: zen discovery with minimum_master_nodes.
const legacy = `apiVersion: esgen.dev/v1alpha1
kind: ElasticsearchCluster
metadata: {name: old}
spec:
  version: 6.8.23
  security: {enabled: false}
  nodeSets:
  - {name: master, count: 3, roles: [master], resources: {memory: 2Gi}, storage: {size: 10Gi}}
  - {name: data, count: 3, roles: [data], resources: {memory: 8Gi}, storage: {size: 10Gi}}
`

// ancient is a 2.x cluster, which reaches 5.x only by a full restart.
const ancient = `apiVersion: esgen.dev/v1alpha1
kind: ElasticsearchCluster
metadata: {name: old}
spec:
  version: 2.4.6
  nodeSets:
  - {name: master, count: 3, roles: [master], resources: {memory: 2Gi}, storage: {size: 10Gi}}
  - {name: data, count: 3, roles: [data], resources: {memory: 8Gi}, storage: {size: 10Gi}}
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
  - {name: default, count: 3, roles: [master, data], resources: {memory: 4Gi}, storage: {size: 10Gi}}
`

// devCluster is a development cluster of three nodes that do everything,
// on emptyDir (the development default).
const devCluster = `apiVersion: esgen.dev/v1alpha1
kind: ElasticsearchCluster
metadata: {name: dev}
spec:
  version: 9.1.0
  profile: development
  bootstrap: {initialMasterNodes: false}
  security: {enabled: false}
  nodeSets:
  - {name: default, count: 3, roles: [master, data], resources: {memory: 2Gi}}
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
	// says lists, by rule, phrases that every finding of that rule says
	// in its summary or action.
	says map[string][]string
}

func cases(t *testing.T) []testCase {
	b := baseSpec
	// restarts wants the restart finding of each nodeSet of a production
	// cluster: master and data nodes are OnDelete, the coordinating nodes
	// RollingUpdate.
	restarts := func(field string, nodeSets ...string) []want {
		var w []want
		for _, ns := range nodeSets {
			rule := "restart-pending"
			if ns == "coordinating" {
				rule = "rolling-restart"
			}
			w = append(w, want{diff.Disruptive, rule, field})
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
			new: spec(t, b, func(c *esspec.Cluster) { c.Spec.NodeSets = c.Spec.NodeSets[:2] }),
			want: []want{
				{diff.Unsafe, "nodeset-removed", "spec.nodeSets"},
				{diff.Info, "budget-removed", "spec.nodeSets"},
			},
			says: map[string][]string{"budget-removed": {"PodDisruptionBudget logs-es-stateless is no longer rendered", "kubectl delete pdb logs-es-stateless -n search"}}},
		{name: "empty nodeSet removed", old: spec(t, b, count(2, 0)),
			new: spec(t, b, func(c *esspec.Cluster) { c.Spec.NodeSets = c.Spec.NodeSets[:2] }),
			want: []want{
				{diff.Info, "nodeset-removed", "spec.nodeSets"},
				{diff.Info, "budget-removed", "spec.nodeSets"},
			}},
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
				{diff.Disruptive, "restart-pending", "spec.nodeSets[1].storage.hostPath"},
			},
			says: map[string][]string{"data-volume-replaced": {"moves from hostPath /data/a to hostPath /data/b",
				`"cluster.routing.allocation.exclude._name":"logs-es-data-0,logs-es-data-1,logs-es-data-2,logs-es-data-3,logs-es-data-4,logs-es-data-5"`}}},
		// Between a claim and other storage, recreating the StatefulSet
		// (immutable-field's advice) would restart every pod onto an empty
		// volume: only data-volume-replaced says what to do.
		{name: "data claim to hostPath", old: spec(t, b),
			new: spec(t, b, func(c *esspec.Cluster) { c.Spec.NodeSets[1].Storage = esspec.Storage{HostPath: "/data/es"} }),
			want: []want{
				{diff.Unsafe, "data-volume-replaced", "spec.nodeSets[1].storage"},
				{diff.Disruptive, "restart-pending", "spec.nodeSets[1].storage.hostPath"},
			},
			says: map[string][]string{"data-volume-replaced": {"moves from PersistentVolumeClaims to hostPath /data/es",
				"refuses to change the volumeClaimTemplates", "add a new nodeSet with the new storage beside this one",
				`"cluster.routing.allocation.exclude._name":"logs-es-data-0,logs-es-data-1,logs-es-data-2,logs-es-data-3,logs-es-data-4,logs-es-data-5"`,
				"lower its count one node per change, then remove it"}}},
		{name: "masters hostPath to claim", old: spec(t, b, func(c *esspec.Cluster) { c.Spec.NodeSets[0].Storage = esspec.Storage{HostPath: "/data/es"} }),
			new: spec(t, b),
			want: []want{
				{diff.Unsafe, "data-volume-replaced", "spec.nodeSets[0].storage"},
				{diff.Disruptive, "restart-pending", "spec.nodeSets[0].storage.hostPath"},
			},
			says: map[string][]string{"data-volume-replaced": {"moves from hostPath /data/es to PersistentVolumeClaims",
				"POST _cluster/voting_config_exclusions?node_names=logs-es-master-0,logs-es-master-1,logs-es-master-2"}}},
		{name: "development data emptyDir to claim", old: spec(t, devCluster),
			new: spec(t, devCluster, func(c *esspec.Cluster) {
				c.Spec.NodeSets[0].Storage = esspec.Storage{Size: new(resource.MustParse("10Gi"))}
			}),
			want: []want{
				{diff.Unsafe, "data-volume-replaced", "spec.nodeSets[0].storage"},
				{diff.Disruptive, "rolling-restart", "spec.nodeSets[0].storage.emptyDir"},
			},
			says: map[string][]string{"data-volume-replaced": {"moves from emptyDir to PersistentVolumeClaims", "refuses to change the volumeClaimTemplates"}}},
		// The content tier moves to a nodeSet of its own in one change:
		// nodes with data_content stay throughout, so nothing is lost.
		{name: "content tier moves to a new nodeSet", old: spec(t, hotWarm), new: spec(t, hotWarm, contentNodeSet(2)),
			want: []want{{diff.Disruptive, "restart-pending", "spec.nodeSets[1].roles"}}},
		{name: "data role removed", old: spec(t, b),
			new: spec(t, b, func(c *esspec.Cluster) { c.Spec.NodeSets[1].Roles = []esspec.Role{esspec.RoleIngest} }),
			want: []want{
				{diff.Unsafe, "data-scale-down-multiple", "spec.nodeSets[1].roles"},
				{diff.Unsafe, "data-role-removed", "spec.nodeSets[1].roles"},
				{diff.Disruptive, "rolling-restart", "spec.nodeSets[1].roles"},
				{diff.Info, "update-strategy", "spec.nodeSets[1].roles"},
			},
			// Its pods still hold shards until they restart.
			says: map[string][]string{"rolling-restart": {"a primary and its replica", "set spec.updateStrategy: onDelete"}}},
		// Restarts: under OnDelete nothing restarts on apply, and esgen
		// rollout restarts the pods.
		{name: "config changed", old: spec(t, b), new: spec(t, b, config(1, "node.attr.zone", "a")),
			want: []want{{diff.Disruptive, "restart-pending", "spec.nodeSets[1].config[node.attr.zone]"}},
			says: map[string][]string{"restart-pending": {"the pod template changes (elasticsearch.yml)",
				"kubectl apply restarts none of its 6 pods (StatefulSet logs-es-data has updateStrategy OnDelete)",
				"by esgen rollout or by a drain or eviction", "esgen rollout SPEC", "one at a time in Elastic's order",
				"waits for the cluster to recover between pods"}}},
		{name: "one master's config changed", old: spec(t, b, count(0, 1)), new: spec(t, b, count(0, 1), config(0, "node.attr.zone", "a")),
			want: []want{{diff.Disruptive, "restart-pending", "spec.nodeSets[0].config[node.attr.zone]"}},
			says: map[string][]string{"restart-pending": {"kubectl apply does not restart its only pod"}}},
		{name: "config changed under RollingUpdate", old: spec(t, b, strategy(esspec.UpdateRollingUpdate)),
			new:  spec(t, b, strategy(esspec.UpdateRollingUpdate), config(1, "node.attr.zone", "a")),
			want: []want{{diff.Disruptive, "rolling-restart", "spec.nodeSets[1].config[node.attr.zone]"}},
			says: map[string][]string{"rolling-restart": {"nodeSet data rolls on apply", "(StatefulSet logs-es-data has updateStrategy RollingUpdate): its 6 pods are replaced one at a time, each once the previous one is Ready",
				"every other StatefulSet whose template changes rolls at the same time", "a primary and its replica", "red until both are back",
				"set spec.updateStrategy: onDelete", "esgen rollout SPEC"}}},
		{name: "masters' config changed under RollingUpdate", old: spec(t, b, strategy(esspec.UpdateRollingUpdate)),
			new:  spec(t, b, strategy(esspec.UpdateRollingUpdate), config(0, "node.attr.zone", "a")),
			want: []want{{diff.Disruptive, "rolling-restart", "spec.nodeSets[0].config[node.attr.zone]"}},
			says: map[string][]string{"rolling-restart": {"master-eligible pods of several StatefulSets can restart together", "set spec.updateStrategy: onDelete"}}},
		{name: "coordinating config changed", old: spec(t, b), new: spec(t, b, config(2, "node.attr.zone", "a")),
			want: []want{{diff.Disruptive, "rolling-restart", "spec.nodeSets[2].config[node.attr.zone]"}},
			says: map[string][]string{"rolling-restart": {"nodeSet coordinating rolls on apply (StatefulSet logs-es-coordinating has updateStrategy RollingUpdate)",
				"nothing to do: they hold no shards; one pod of each StatefulSet restarts at a time"}}},
		// emptyDir: a master or data pod that restarts starts empty.
		{name: "development config changed on emptyDir", old: spec(t, devCluster), new: spec(t, devCluster, config(0, "node.attr.zone", "a")),
			want: []want{{diff.Unsafe, "data-lost-on-restart", "spec.nodeSets[0].config[node.attr.zone]"}},
			says: map[string][]string{"data-lost-on-restart": {"nodeSet default keeps its data on emptyDir, and its 3 pods restart (on apply, one at a time",
				"starts on an empty data directory", "a shard whose only copy it held is lost", "without the cluster state",
				"add a nodeSet with storage.size beside it", `"cluster.routing.allocation.exclude._name":"dev-es-default-0,dev-es-default-1,dev-es-default-2"`,
				"set spec.disposable: true"}}},
		{name: "disposable config changed on emptyDir", old: spec(t, devCluster, disposable), new: spec(t, devCluster, disposable, config(0, "node.attr.zone", "a")),
			want: []want{{diff.Disruptive, "data-lost-on-restart", "spec.nodeSets[0].config[node.attr.zone]"}},
			says: map[string][]string{"data-lost-on-restart": {"the data it held is lost, which this cluster accepts (spec.disposable)", "nothing to do"}}},
		{name: "marked disposable while the config changes", old: spec(t, devCluster), new: spec(t, devCluster, disposable, config(0, "node.attr.zone", "a")),
			want: []want{{diff.Disruptive, "data-lost-on-restart", "spec.nodeSets[0].config[node.attr.zone]"}}},
		{name: "development OnDelete config changed on emptyDir", old: spec(t, devCluster, strategy(esspec.UpdateOnDelete)),
			new:  spec(t, devCluster, strategy(esspec.UpdateOnDelete), config(0, "node.attr.zone", "a")),
			want: []want{{diff.Unsafe, "data-lost-on-restart", "spec.nodeSets[0].config[node.attr.zone]"}},
			says: map[string][]string{"data-lost-on-restart": {"its 3 pods restart (when deleted, by esgen rollout or a drain"}}},
		// Update strategy switches.
		{name: "to RollingUpdate", old: spec(t, b), new: spec(t, b, strategy(esspec.UpdateRollingUpdate)),
			want: []want{{diff.Info, "update-strategy", "spec.updateStrategy"}},
			says: map[string][]string{"update-strategy": {"StatefulSet logs-es-master, logs-es-data switches from OnDelete to RollingUpdate",
				"at once replaces, one at a time, every pod whose template is out of date", "run esgen rollout before the switch"}}},
		{name: "to OnDelete", old: spec(t, b, strategy(esspec.UpdateRollingUpdate)), new: spec(t, b, strategy(esspec.UpdateOnDelete)),
			want: []want{{diff.Info, "update-strategy", "spec.updateStrategy"}},
			says: map[string][]string{"update-strategy": {"StatefulSet logs-es-master, logs-es-coordinating, logs-es-data switches from RollingUpdate to OnDelete",
				"kubectl apply no longer restarts its pods", "esgen rollout does", "Kubernetes refuses the apply (kubernetes/kubernetes#100151)",
				`kubectl patch statefulset logs-es-master -n search -p '{"spec":{"updateStrategy":{"type":"OnDelete","rollingUpdate":null}}}'; kubectl patch statefulset logs-es-coordinating -n search`}}},
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
				{diff.Unsafe, "data-lost-on-restart", "spec.nodeSets[0].count"},
				{diff.Info, "health-target", "spec.nodeSets[0].count"},
			},
			says: map[string][]string{
				"data-lost-on-restart": {"its only pod restarts (on apply;"},
				"health-target":        {"now wait for a green cluster instead of yellow"},
			}},
		{name: "three to one node", old: spec(t, allInOne), new: spec(t, allInOne, count(0, 1)),
			want: []want{
				{diff.Unsafe, "data-scale-down-multiple", "spec.nodeSets[0].count"},
				{diff.Unsafe, "master-quorum-lost", "spec.nodeSets[0].count"},
				{diff.Unsafe, "single-node", "spec.nodeSets[0].count"},
				{diff.Disruptive, "restart-pending", "spec.nodeSets[0].count"},
				{diff.Info, "health-target", "spec.nodeSets[0].count"},
			},
			says: map[string][]string{"health-target": {"now wait for a yellow cluster instead of green", "health-target in small-es-default-config", "green would never come"}}},
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
		{name: "8.18 to 9.1", old: spec(t, b, version("8.18.8")), new: spec(t, b, version("9.1.0")),
			want: append([]want{{diff.Unsafe, "upgrade-path", "spec.version"}},
				restarts("spec.version", "master", "coordinating", "data")...),
			says: map[string][]string{"upgrade-path": {"upgrades to 9.1 and later start from 8.19", "8.19 (the last 8.x), then 9.1.0"}}},
		{name: "8.18 to 9.0", old: spec(t, b, version("8.18.8")), new: spec(t, b, version("9.0.3")),
			want: append([]want{{diff.Disruptive, "major-upgrade", "spec.version"}},
				restarts("spec.version", "master", "coordinating", "data")...),
			says: map[string][]string{
				"major-upgrade": {"a major upgrade, 8.18.8 to 9.0.3, by a rolling upgrade", "take a snapshot", "GET _migration/deprecations",
					"esgen rollout SPEC", "data tiers from frozen to hot first", "the elected master last of all", "may stay yellow"},
				"restart-pending": {"esgen rollout SPEC > rollout.sh"},
			}},
		{name: "8.19 to 9.0", old: spec(t, b), new: spec(t, b, version("9.0.3")),
			want: append([]want{{diff.Unsafe, "upgrade-path", "spec.version"}},
				restarts("spec.version", "master", "coordinating", "data")...),
			says: map[string][]string{"upgrade-path": {"8.19 was released after 9.0", "go to 9.1 or later instead"}}},
		{name: "8.19 to 9.1", old: spec(t, b), new: spec(t, b, version("9.1.0")),
			want: append([]want{{diff.Disruptive, "major-upgrade", "spec.version"}},
				restarts("spec.version", "master", "coordinating", "data")...)},
		{name: "7.16 to 8.x", old: spec(t, b, version("7.16.3")), new: spec(t, b, version("8.19.20")),
			want: append([]want{{diff.Unsafe, "upgrade-path", "spec.version"}},
				restarts("spec.version", "master", "coordinating", "data")...),
			says: map[string][]string{"upgrade-path": {"upgrades to 8.x start from 7.17", "7.17 (the last 7.x), then 8.19.20"}}},
		{name: "7.17 to 8.x", old: spec(t, b, version("7.17.29")), new: spec(t, b, version("8.19.20")),
			want: append([]want{{diff.Disruptive, "major-upgrade", "spec.version"}},
				restarts("spec.version", "master", "coordinating", "data")...)},
		{name: "7.17 to 9.x", old: spec(t, b, version("7.17.29")), new: spec(t, b, version("9.1.0")),
			want: append([]want{{diff.Unsafe, "upgrade-path", "spec.version"}},
				restarts("spec.version", "master", "coordinating", "data")...),
			says: map[string][]string{"upgrade-path": {"an upgrade goes one major at a time", "8.19, then 9.1.0"}}},
		{name: "2.x to 5.x", old: spec(t, ancient), new: spec(t, ancient, version("5.6.16")),
			want: append([]want{{diff.Unsafe, "upgrade-full-restart", "spec.version"}},
				restarts("spec.system.memoryLock, spec.version", "master", "data")...),
			says: map[string][]string{
				"upgrade-full-restart": {"2.4.6 to 5.6.16 needs a full cluster restart", "there is no rolling upgrade from 2.x to 5.x",
					"reindex the indices created in 1.x", "take a snapshot", "esgen rollout --full-restart SPEC"},
				"restart-pending": {"esgen rollout --full-restart SPEC, and hold drains in between, see upgrade-full-restart", "cannot join the others"},
			}},
		{name: "2.x to 6.x", old: spec(t, ancient), new: spec(t, ancient, version("6.8.23")),
			want: append([]want{{diff.Unsafe, "upgrade-path", "spec.version"}},
				restarts("spec.system.memoryLock, spec.version", "master", "data")...),
			says: map[string][]string{"upgrade-path": {"5.6 (a full cluster restart: esgen rollout --full-restart SPEC), then 6.8.23"}}},
		{name: "5.5 to 6.x", old: spec(t, legacy, version("5.5.3")), new: spec(t, legacy),
			want: append([]want{{diff.Unsafe, "upgrade-full-restart", "spec.version"}},
				restarts("spec.version", "master", "data")...),
			says: map[string][]string{"upgrade-full-restart": {"a rolling upgrade to 6.x starts from 5.6", "reindex the indices created in 2.x",
				"esgen rollout --full-restart SPEC", "upgrade to 5.6 first"}}},
		{name: "5.6 to 6.8", old: spec(t, legacy, version("5.6.16")), new: spec(t, legacy),
			want: append([]want{{diff.Disruptive, "major-upgrade", "spec.version"}},
				restarts("spec.version", "master", "data")...),
			says: map[string][]string{"major-upgrade": {"GET _xpack/migration/deprecations", "5.6 Upgrade Assistant", "esgen rollout SPEC"}}},
		{name: "6.5 to 8.x", old: spec(t, legacy, version("6.5.4")), new: spec(t, legacy, version("8.19.20"), bootstrapOff),
			want: append(append([]want{{diff.Unsafe, "upgrade-path", "spec.version"}},
				restarts("spec.version", "master", "data")...),
				want{diff.Info, "minimum-master-nodes", "spec.version"}),
			says: map[string][]string{"upgrade-path": {"6.8 (the last 6.x), then 7.17, then 8.19.20"}}},
		{name: "6.7 to 7.0", old: spec(t, legacy, version("6.7.2")), new: spec(t, legacy, version("7.0.1"), bootstrapOff),
			want: append(append([]want{{diff.Disruptive, "major-upgrade", "spec.version"}},
				restarts("spec.version", "master", "data")...),
				want{diff.Info, "minimum-master-nodes", "spec.version"})},
		{name: "6.7 to 7.2", old: spec(t, legacy, version("6.7.2")), new: spec(t, legacy, version("7.2.1"), bootstrapOff),
			want: append(append([]want{{diff.Unsafe, "upgrade-full-restart", "spec.version"}},
				restarts("spec.version", "master", "data")...),
				want{diff.Info, "minimum-master-nodes", "spec.version"}),
			says: map[string][]string{
				"upgrade-full-restart": {"6.7.2 to 7.2.1 needs a full cluster restart", "from 6.7 only 7.0 rolls", "reindex the indices created in 5.x",
					"set spec.bootstrap.initialMasterNodes: true for this restart", "esgen rollout --full-restart SPEC", "upgrade to 6.8 first"},
				"restart-pending": {"esgen rollout --full-restart SPEC, and hold drains in between, see upgrade-full-restart", "cannot join the others"},
			}},
		// A full-restart upgrade from 6.x bootstraps the 7.x cluster
		// (Elastic's full cluster restart upgrade): the setting is right.
		{name: "6.5 to 7.17 bootstrapping", old: spec(t, legacy, version("6.5.4")), new: spec(t, legacy, version("7.17.29"), bootstrapOn),
			want: append(append([]want{{diff.Unsafe, "upgrade-full-restart", "spec.version"}},
				restarts("spec.version", "master", "data")...),
				want{diff.Info, "minimum-master-nodes", "spec.version"}),
			says: map[string][]string{"upgrade-full-restart": {"keep spec.bootstrap.initialMasterNodes: true for this restart", "set it to false once the cluster has formed"}}},
		{name: "6.8 to 7.0", old: spec(t, legacy), new: spec(t, legacy, version("7.0.1"), bootstrapOff),
			want: append(append([]want{{diff.Unsafe, "upgrade-path", "spec.version"}},
				restarts("spec.version", "master", "data")...),
				want{diff.Info, "minimum-master-nodes", "spec.version"}),
			says: map[string][]string{"upgrade-path": {"6.8 was released after 7.0", "go to 7.1 or later instead"}}},
		{name: "6.8 to 7.17 bootstrapping", old: spec(t, legacy), new: spec(t, legacy, version("7.17.29"), bootstrapOn),
			want: append(append([]want{
				{diff.Unsafe, "initial-master-nodes-upgrade", "spec.bootstrap.initialMasterNodes"},
				{diff.Disruptive, "major-upgrade", "spec.version"},
			}, restarts("spec.version", "master", "data")...),
				want{diff.Info, "minimum-master-nodes", "spec.version"}),
			says: map[string][]string{"initial-master-nodes-upgrade": {"cluster.initial_master_nodes is rendered while a formed 6.x cluster upgrades to 7.17.29",
				"must not be set on the nodes of a running cluster", "second, empty cluster", "set spec.bootstrap.initialMasterNodes: false"}}},
		// Security and transport TLS: nodes with and without them cannot
		// talk to each other.
		{name: "security turned on", old: spec(t, b, version("7.17.29"), securityOff), new: spec(t, b, version("7.17.29")),
			want: append([]want{{diff.Unsafe, "full-restart-security", "spec.security.enabled, spec.security.tls.secretName"}},
				restarts("spec.security.elasticPasswordSecret, spec.security.enabled, spec.security.tls.secretName", "master", "coordinating", "data")...),
			says: map[string][]string{
				"full-restart-security": {"security goes on (xpack.security.enabled: false -> true)", "transport TLS goes on (xpack.security.transport.ssl.enabled: false -> true)",
					"splits the cluster", `"You must perform a full cluster restart"`, "renamed from http to https", "Ingresses, ServiceMonitors or NetworkPolicies",
					"esgen rollout --full-restart SPEC", "the cluster is unavailable meanwhile"},
				"restart-pending": {"esgen rollout --full-restart SPEC, and hold drains in between, see full-restart-security", "cannot join the others"},
				"rolling-restart": {"they cannot join the cluster until esgen rollout --full-restart SPEC"},
			}},
		// Another Secret for the transport certificate: nodes on either
		// side talk only if their CAs trust each other.
		{name: "transport certificates from another Secret", old: spec(t, b),
			new: spec(t, b, func(c *esspec.Cluster) { c.Spec.Security.TLS.SecretName = "logs-es-certs-2026" }),
			want: append([]want{{diff.Disruptive, "transport-certificates", "spec.security.tls.secretName"}},
				restarts("spec.security.tls.secretName", "master", "coordinating", "data")...),
			says: map[string][]string{"transport-certificates": {"comes from Secret logs-es-certs-2026 instead of logs-es-certs",
				"make both Secrets' ca.crt hold both CAs", "esgen rollout --full-restart SPEC"}}},
		{name: "transport certificates from cert-manager", old: spec(t, b),
			new: spec(t, b, func(c *esspec.Cluster) {
				c.Spec.Security.TLS = esspec.TLS{IssuerRef: &esspec.IssuerRef{Name: "ca"}}
			}),
			want: append([]want{{diff.Disruptive, "transport-certificates", "spec.security.tls.issuerRef, spec.security.tls.secretName"}},
				restarts("spec.security.tls.issuerRef, spec.security.tls.secretName", "master", "coordinating", "data")...),
			says: map[string][]string{"transport-certificates": {"comes from Secret logs-es-transport-certs instead of logs-es-certs"}}},
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

// contentNodeSet takes data_content off hotWarm's hot nodeSet and gives it
// to a new nodeSet, content, of count nodes.
func contentNodeSet(count int32) func(*esspec.Cluster) {
	return func(c *esspec.Cluster) {
		c.Spec.NodeSets[1].Roles = []esspec.Role{esspec.RoleDataHot}
		c.Spec.NodeSets = append(c.Spec.NodeSets, esspec.NodeSet{Name: "content", Count: new(count),
			Roles:     []esspec.Role{esspec.RoleDataContent},
			Resources: esspec.Resources{Memory: new(resource.MustParse("8Gi"))},
			Storage:   esspec.Storage{Size: new(resource.MustParse("10Gi"))}})
	}
}

// withoutNodeSet drops a nodeSet's objects from a render: the manifests
// of a spec without it, which validation may refuse.
func withoutNodeSet(objs render.Objects, nodeSet string) render.Objects {
	var out render.Objects
	for _, o := range objs {
		if o.GetLabels()[esspec.LabelNodeSet] != nodeSet {
			out = append(out, o)
		}
	}
	return out
}

// TestContentTierLost: from 7.10, a change that leaves data tiers but no
// node with data or data_content is unsafe. Validation refuses such a
// spec, so the change reaches esgen diff as rendered manifests only
// (patched, edited, or rendered by an older esgen); the cases build them
// from renders of valid specs.
func TestContentTierLost(t *testing.T) {
	tiers := spec(t, hotWarm)
	const action = "keep data_content on a nodeSet with nodes (Elastic puts it beside data_hot); to move the content tier to other nodes, give them data_content first, wait for green, then take it off the old ones"
	for _, tc := range []struct {
		name     string
		old, new render.Objects
		want     []want
		says     []string
	}{
		{
			name: "hot nodes lose data_content",
			old:  renderObjects(t, tiers),
			new:  withoutNodeSet(renderObjects(t, spec(t, hotWarm, contentNodeSet(1))), "content"),
			want: []want{
				{diff.Unsafe, "content-tier-lost", "StatefulSet/tiers-es-hot spec.template.metadata.labels"},
				{diff.Disruptive, "restart-pending", "StatefulSet/tiers-es-hot spec.template"},
			},
			says: []string{"the last nodes with the data or data_content role leave the content tier (tiers-es-hot-0, tiers-es-hot-1, tiers-es-hot-2) while nodes of other data tiers stay: indices outside data streams, the system indices among them, can only be allocated to the content tier, so their shards have nowhere to go: replicas and new indices stay unassigned, the cluster turns red and Kibana cannot start", action},
		},
		{
			name: "hot nodes scaled to zero",
			old:  renderObjects(t, tiers),
			new: editObjects(renderObjects(t, tiers), func(o render.Object) {
				if sts, ok := o.(*appsv1.StatefulSet); ok && sts.Name == "tiers-es-hot" {
					sts.Spec.Replicas = new(int32(0))
				}
			}),
			want: []want{
				{diff.Unsafe, "data-scale-down-multiple", "StatefulSet/tiers-es-hot spec.replicas"},
				{diff.Unsafe, "content-tier-lost", "StatefulSet/tiers-es-hot spec.replicas"},
			},
			says: []string{"leave the content tier (tiers-es-hot-0, tiers-es-hot-1, tiers-es-hot-2)", action},
		},
		{
			name: "generic data nodes become a hot tier",
			old:  renderObjects(t, spec(t, legacy, version("7.17.29"), bootstrapOff)),
			new: renderObjects(t, spec(t, legacy, version("7.17.29"), bootstrapOff, func(c *esspec.Cluster) {
				c.Spec.NodeSets[1].Roles = []esspec.Role{esspec.RoleDataHot, esspec.RoleDataContent}
			})),
			want: []want{{diff.Disruptive, "restart-pending", "StatefulSet/old-es-data spec.template"}},
		},
		{
			name: "the content tier's only nodeSet removed, the hot tier stays",
			old:  renderObjects(t, spec(t, hotWarm, contentNodeSet(2))),
			new:  withoutNodeSet(renderObjects(t, spec(t, hotWarm, contentNodeSet(2))), "content"),
			want: []want{
				{diff.Unsafe, "nodeset-removed", "StatefulSet/tiers-es-content"},
				{diff.Unsafe, "data-scale-down-multiple", "StatefulSet/tiers-es-content"},
				{diff.Unsafe, "content-tier-lost", "StatefulSet/tiers-es-content"},
			},
			says: []string{"leave the content tier (tiers-es-content-0, tiers-es-content-1)", action},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o, err := diff.ManifestSide(tc.old)
			if err != nil {
				t.Fatal(err)
			}
			n, err := diff.ManifestSide(tc.new)
			if err != nil {
				t.Fatal(err)
			}
			r := diff.Compare(o, n, diff.Options{})
			if d := cmp.Diff(tc.want, got(r)); d != "" {
				t.Errorf("findings (-want +got):\n%s", d)
			}
			if tc.says != nil {
				checkSays(t, r, map[string][]string{"content-tier-lost": tc.says})
			}
		})
	}
	// From specs, validation refuses the new side and names the field.
	_, err := diff.Specs(tiers, spec(t, hotWarm, func(c *esspec.Cluster) { c.Spec.NodeSets[1].Roles = []esspec.Role{esspec.RoleDataHot} }), diff.Options{})
	var invalid *esspec.InvalidError
	if !errors.As(err, &invalid) || !strings.Contains(err.Error(), "spec.nodeSets: Required value: nodeSets hot, warm hold data tiers, but no nodeSet with nodes has the data or data_content role") {
		t.Errorf("want the new spec refused for its missing content tier, got %v", err)
	}
}

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
				// Held for a whole roll, allocation.enable: primaries turns
				// a yellow cluster red; esgen rollout sets it per pod.
				for _, wrong := range []string{"allocation.enable", "kubectl apply -l", "one nodeSet at a time"} {
					if strings.Contains(f.Summary+f.Action, wrong) {
						t.Errorf("%s: advises %q: %+v", f.Rule, wrong, f)
					}
				}
			}
			checkSays(t, r, tc.says)
		})
	}
}

// checkSays checks that every finding of each rule in says says each of
// its phrases, in its summary or its action.
func checkSays(t *testing.T, r *diff.Report, says map[string][]string) {
	t.Helper()
	for rule, phrases := range says {
		n := 0
		for _, f := range r.Findings {
			if f.Rule != rule {
				continue
			}
			n++
			for _, p := range phrases {
				if !strings.Contains(f.Summary+"\n"+f.Action, p) {
					t.Errorf("%s does not say %q:\n  summary: %s\n  action: %s", rule, p, f.Summary, f.Action)
				}
			}
		}
		if n == 0 {
			t.Errorf("no %s finding to check", rule)
		}
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
