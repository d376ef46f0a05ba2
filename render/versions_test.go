package render_test

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	"sigs.k8s.io/yaml"
)

// versionSpec is a cluster of 3 masters, 2 data nodes and one
// coordinating node of a version.
func versionSpec(version string, security bool) string {
	return fmt.Sprintf(`apiVersion: esgen.dev/v1alpha1
kind: ElasticsearchCluster
metadata: {name: es}
spec:
  version: %s
  security: {enabled: %v, elasticPasswordSecret: %s, tls: {secretName: %s}}
  nodeSets:
  - {name: master, count: 3, roles: [master], resources: {memory: 2Gi}, storage: {size: 10Gi}}
  - {name: data, count: 2, roles: [data], resources: {memory: 8Gi}, heap: 3g, storage: {size: 10Gi}}
  - {name: coord, count: 1, roles: [], resources: {memory: 1Gi}}
`, version, security, secretOrNull(security, "pw"), secretOrNull(security, "certs"))
}

func secretOrNull(on bool, name string) string {
	if on {
		return name
	}
	return "null"
}

// TestSettingsPerMajor pins, for one spec per major, the role, discovery,
// memory-lock and heap settings of every nodeSet. Memory lock is on by
// default on 2.x only, whose image starts as root. Before 6.6, which
// bounds its DNS cache itself, ES_JAVA_OPTS also bounds it
// (bootstrap.DNSCacheOpts).
func TestSettingsPerMajor(t *testing.T) {
	// Each value is the nodeSet's role, discovery and memory-lock settings
	// (keys that start with node. other than node.name, discovery.,
	// cluster.initial_master_nodes and bootstrap.), then its heap and JVM
	// options variables.
	for _, tc := range []struct {
		version  string
		security bool
		want     map[string]string
	}{
		{"2.3.5", false, map[string]string{
			"master": "bootstrap.mlockall=true discovery.zen.minimum_master_nodes=2 discovery.zen.ping.unicast.hosts=[es-es-discovery] node.data=false node.master=true | ES_HEAP_SIZE=1g | ES_JAVA_OPTS=-Dsun.net.inetaddr.ttl=60",
			"data":   "bootstrap.mlockall=true discovery.zen.minimum_master_nodes=2 discovery.zen.ping.unicast.hosts=[es-es-discovery] node.data=true node.master=false | ES_HEAP_SIZE=3g | ES_JAVA_OPTS=-Dsun.net.inetaddr.ttl=60",
			"coord":  "bootstrap.mlockall=true discovery.zen.minimum_master_nodes=2 discovery.zen.ping.unicast.hosts=[es-es-discovery] node.data=false node.master=false | ES_HEAP_SIZE=512m | ES_JAVA_OPTS=-Dsun.net.inetaddr.ttl=60",
		}},
		{"2.4.6", false, map[string]string{
			"master": "bootstrap.memory_lock=true discovery.zen.minimum_master_nodes=2 discovery.zen.ping.unicast.hosts=[es-es-discovery] node.data=false node.master=true | ES_HEAP_SIZE=1g | ES_JAVA_OPTS=-Dsun.net.inetaddr.ttl=60",
			"data":   "bootstrap.memory_lock=true discovery.zen.minimum_master_nodes=2 discovery.zen.ping.unicast.hosts=[es-es-discovery] node.data=true node.master=false | ES_HEAP_SIZE=3g | ES_JAVA_OPTS=-Dsun.net.inetaddr.ttl=60",
			"coord":  "bootstrap.memory_lock=true discovery.zen.minimum_master_nodes=2 discovery.zen.ping.unicast.hosts=[es-es-discovery] node.data=false node.master=false | ES_HEAP_SIZE=512m | ES_JAVA_OPTS=-Dsun.net.inetaddr.ttl=60",
		}},
		{"5.6.16", false, map[string]string{
			"master": "discovery.zen.minimum_master_nodes=2 discovery.zen.ping.unicast.hosts=[es-es-discovery] node.data=false node.ingest=false node.master=true node.ml=false | ES_JAVA_OPTS=-Xms1g -Xmx1g -Dsun.net.inetaddr.ttl=60",
			"data":   "discovery.zen.minimum_master_nodes=2 discovery.zen.ping.unicast.hosts=[es-es-discovery] node.data=true node.ingest=false node.master=false node.ml=false | ES_JAVA_OPTS=-Xms3g -Xmx3g -Dsun.net.inetaddr.ttl=60",
			"coord":  "discovery.zen.minimum_master_nodes=2 discovery.zen.ping.unicast.hosts=[es-es-discovery] node.data=false node.ingest=false node.master=false node.ml=false | ES_JAVA_OPTS=-Xms512m -Xmx512m -Dsun.net.inetaddr.ttl=60",
		}},
		{"6.8.23", true, map[string]string{
			"master": "discovery.zen.minimum_master_nodes=2 discovery.zen.ping.unicast.hosts=[es-es-discovery] node.data=false node.ingest=false node.master=true node.ml=false | ES_JAVA_OPTS=-Xms1g -Xmx1g",
			"data":   "discovery.zen.minimum_master_nodes=2 discovery.zen.ping.unicast.hosts=[es-es-discovery] node.data=true node.ingest=false node.master=false node.ml=false | ES_JAVA_OPTS=-Xms3g -Xmx3g",
			"coord":  "discovery.zen.minimum_master_nodes=2 discovery.zen.ping.unicast.hosts=[es-es-discovery] node.data=false node.ingest=false node.master=false node.ml=false | ES_JAVA_OPTS=-Xms512m -Xmx512m",
		}},
		{"7.8.1", true, map[string]string{
			"master": "cluster.initial_master_nodes=[es-es-master-0 es-es-master-1 es-es-master-2] discovery.seed_hosts=[es-es-discovery] node.data=false node.ingest=false node.master=true node.ml=false node.remote_cluster_client=false node.transform=false node.voting_only=false | ES_JAVA_OPTS=-Xms1g -Xmx1g",
			"data":   "discovery.seed_hosts=[es-es-discovery] node.data=true node.ingest=false node.master=false node.ml=false node.remote_cluster_client=false node.transform=false node.voting_only=false | ES_JAVA_OPTS=-Xms3g -Xmx3g",
			"coord":  "discovery.seed_hosts=[es-es-discovery] node.data=false node.ingest=false node.master=false node.ml=false node.remote_cluster_client=false node.transform=false node.voting_only=false | ES_JAVA_OPTS=-Xms512m -Xmx512m",
		}},
		{"7.17.29", true, map[string]string{
			"master": "cluster.initial_master_nodes=[es-es-master-0 es-es-master-1 es-es-master-2] discovery.seed_hosts=[es-es-discovery] node.roles=[master] | ES_JAVA_OPTS=-Xms1g -Xmx1g",
			"data":   "discovery.seed_hosts=[es-es-discovery] node.roles=[data] | ES_JAVA_OPTS=-Xms3g -Xmx3g",
			"coord":  "discovery.seed_hosts=[es-es-discovery] node.roles=[] | ES_JAVA_OPTS=-Xms512m -Xmx512m",
		}},
		{"8.19.20", true, map[string]string{
			"master": "cluster.initial_master_nodes=[es-es-master-0 es-es-master-1 es-es-master-2] discovery.seed_hosts=[es-es-discovery] node.roles=[master] | ES_JAVA_OPTS=-Xms1g -Xmx1g",
			"data":   "discovery.seed_hosts=[es-es-discovery] node.roles=[data] | ES_JAVA_OPTS=-Xms3g -Xmx3g",
			"coord":  "discovery.seed_hosts=[es-es-discovery] node.roles=[] | ES_JAVA_OPTS=-Xms512m -Xmx512m",
		}},
		{"9.5.2", true, map[string]string{
			"master": "cluster.initial_master_nodes=[es-es-master-0 es-es-master-1 es-es-master-2] discovery.seed_hosts=[es-es-discovery] node.roles=[master] | ES_JAVA_OPTS=-Xms1g -Xmx1g",
			"data":   "discovery.seed_hosts=[es-es-discovery] node.roles=[data] | ES_JAVA_OPTS=-Xms3g -Xmx3g",
			"coord":  "discovery.seed_hosts=[es-es-discovery] node.roles=[] | ES_JAVA_OPTS=-Xms512m -Xmx512m",
		}},
	} {
		t.Run(tc.version, func(t *testing.T) {
			_, m, _ := renderSpec(t, versionSpec(tc.version, tc.security))
			got := map[string]string{}
			for i, cm := range m.configMaps {
				var settings map[string]any
				if err := yaml.Unmarshal([]byte(cm.Data["elasticsearch.yml"]), &settings); err != nil {
					t.Fatal(err)
				}
				var parts []string
				for _, k := range slices.Sorted(maps.Keys(settings)) {
					if (strings.HasPrefix(k, "node.") && k != "node.name") || strings.HasPrefix(k, "discovery.") ||
						k == "cluster.initial_master_nodes" || strings.HasPrefix(k, "bootstrap.") {
						parts = append(parts, fmt.Sprintf("%s=%v", k, settings[k]))
					}
				}
				sts := m.statefulSets[slices.IndexFunc(m.statefulSets, func(s appsv1.StatefulSet) bool {
					return s.Name+"-config" == m.configMaps[i].Name
				})]
				for _, e := range sts.Spec.Template.Spec.Containers[0].Env {
					if e.Name == "ES_HEAP_SIZE" || e.Name == "ES_JAVA_OPTS" {
						parts = append(parts, "|", e.Name+"="+e.Value)
					}
				}
				got[strings.TrimPrefix(sts.Name, "es-es-")] = strings.Join(parts, " ")
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("settings (-want +got):\n%s", diff)
			}
		})
	}
}

// TestMinimumMasterNodesFollowsMasters: zen discovery needs the quorum of
// all master-eligible nodes, across nodeSets and racks.
func TestMinimumMasterNodesFollowsMasters(t *testing.T) {
	_, m, _ := renderSpec(t, `apiVersion: esgen.dev/v1alpha1
kind: ElasticsearchCluster
metadata: {name: es}
spec:
  version: 6.8.23
  security: {enabled: false}
  topology: {rackLabel: rack, racks: [a, b, c]}
  nodeSets:
  - {name: master, count: 3, roles: [master], resources: {memory: 2Gi}, storage: {size: 10Gi}}
  - {name: mixed, count: 2, roles: [master, data], resources: {memory: 2Gi}, storage: {size: 10Gi}}
`)
	for _, cm := range m.configMaps {
		if !strings.Contains(cm.Data["elasticsearch.yml"], "discovery.zen.minimum_master_nodes: 3\n") {
			t.Errorf("%s: 5 master-eligible nodes need minimum_master_nodes 3:\n%s", cm.Name, cm.Data["elasticsearch.yml"])
		}
	}
}
