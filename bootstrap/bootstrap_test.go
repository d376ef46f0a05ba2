package bootstrap_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"sigs.k8s.io/yaml"

	"github.com/esgen/esgen/bootstrap"
	"github.com/esgen/esgen/esspec"
)

// spec returns a defaulted spec of one version with the given nodeSets.
func spec(t *testing.T, version string, mutate func(*esspec.Cluster), nodeSets ...esspec.NodeSet) *esspec.Resolved {
	t.Helper()
	c := &esspec.Cluster{
		APIVersion: esspec.APIVersion, Kind: esspec.Kind,
		Metadata: esspec.Metadata{Name: "logs"},
		Spec:     esspec.Spec{Version: version, NodeSets: nodeSets, Security: esspec.Security{Enabled: new(false)}},
	}
	if mutate != nil {
		mutate(c)
	}
	// Development, unless mutate says otherwise: production needs memory
	// limits and volume sizes that most of these tests do not care about.
	if c.Spec.Profile == "" {
		c.Spec.Profile = esspec.ProfileDevelopment
	}
	esspec.SetDefaults(c)
	r, err := esspec.Resolve(c)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func nodeSet(name string, count int32, roles ...esspec.Role) esspec.NodeSet {
	if roles == nil {
		roles = []esspec.Role{}
	}
	return esspec.NodeSet{Name: name, Count: &count, Roles: roles}
}

// settingsYAML renders settings as elasticsearch.yml does, for readable diffs.
func settingsYAML(t *testing.T, s esspec.Settings) string {
	t.Helper()
	out, err := yaml.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

func TestNodeSettings(t *testing.T) {
	masters := []string{"logs-es-master-0", "logs-es-master-1", "logs-es-master-2"}
	for _, tc := range []struct {
		name    string
		version string
		mutate  func(*esspec.Cluster)
		roles   []esspec.Role
		want    string
	}{
		{
			name: "7.8 writes one boolean per role the version has; memory lock when asked", version: "7.8.1",
			mutate: func(c *esspec.Cluster) { c.Spec.System.MemoryLock = new(true) },
			roles:  []esspec.Role{"data", "ingest"},
			want: `bootstrap.memory_lock: true
cluster.name: logs
discovery.seed_hosts:
- logs-es-discovery
network.host: 0.0.0.0
network.publish_host: ${POD_IP}
node.data: true
node.ingest: true
node.master: false
node.ml: false
node.name: ${POD_NAME}
node.remote_cluster_client: false
node.transform: false
node.voting_only: false
xpack.security.enabled: false
`,
		},
		{
			name: "7.2 has no voting_only, transform or remote_cluster_client", version: "7.2.1",
			roles: []esspec.Role{"master"},
			want: `cluster.name: logs
discovery.seed_hosts:
- logs-es-discovery
network.host: 0.0.0.0
network.publish_host: ${POD_IP}
node.data: false
node.ingest: false
node.master: true
node.ml: false
node.name: ${POD_NAME}
xpack.security.enabled: false
`,
		},
		{
			name: "7.9 writes node.roles in canonical order, with the system call filter off", version: "7.9.3",
			mutate: func(c *esspec.Cluster) { c.Spec.System.SystemCallFilter = new(false) },
			roles:  []esspec.Role{"ingest", "data", "master"},
			want: `bootstrap.system_call_filter: false
cluster.name: logs
discovery.seed_hosts:
- logs-es-discovery
network.host: 0.0.0.0
network.publish_host: ${POD_IP}
node.name: ${POD_NAME}
node.roles:
- master
- data
- ingest
xpack.security.enabled: false
`,
		},
		{
			// Security without TLS is valid on one node only, and golden/quickstart.yaml
			// renders it; the 5-node table here turns security off.
			name: "8.5 has no TCP readiness port on every address", version: "8.5.3",
			mutate: func(c *esspec.Cluster) { c.Spec.System.MemoryLock = new(false) },
			roles:  []esspec.Role{},
			want: `cluster.name: logs
discovery.seed_hosts:
- logs-es-discovery
network.host: 0.0.0.0
network.publish_host: ${POD_IP}
node.name: ${POD_NAME}
node.roles: []
xpack.security.enabled: false
`,
		},
		{
			name: "8.6 opens the readiness port; TLS from a Secret", version: "8.6.0",
			mutate: func(c *esspec.Cluster) {
				c.Spec.Security = esspec.Security{Enabled: new(true), TLS: esspec.TLS{SecretName: "certs"}}
				c.Spec.System.MemoryLock = new(false)
			},
			// Written in canonical order, whatever the spec's order.
			roles: []esspec.Role{"data_content", "data_hot"},
			want: `cluster.name: logs
discovery.seed_hosts:
- logs-es-discovery
network.host: 0.0.0.0
network.publish_host: ${POD_IP}
node.name: ${POD_NAME}
node.roles:
- data_hot
- data_content
readiness.port: 9400
xpack.security.enabled: true
xpack.security.http.ssl.certificate: certs/tls.crt
xpack.security.http.ssl.certificate_authorities:
- certs/ca.crt
xpack.security.http.ssl.enabled: true
xpack.security.http.ssl.key: certs/tls.key
xpack.security.transport.ssl.certificate: certs/tls.crt
xpack.security.transport.ssl.certificate_authorities:
- certs/ca.crt
xpack.security.transport.ssl.enabled: true
xpack.security.transport.ssl.key: certs/tls.key
xpack.security.transport.ssl.verification_mode: certificate
`,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := spec(t, tc.version, tc.mutate, nodeSet("master", 3, "master"), nodeSet("other", 2, tc.roles...))
			f := bootstrap.ClusterFormation(c, masters, 5)
			got := settingsYAML(t, bootstrap.NodeSettings(c, c.NodeSets[1], f))
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("elasticsearch.yml (-want +got):\n%s", diff)
			}
		})
	}
}

func TestClusterFormation(t *testing.T) {
	c := spec(t, "8.19.20", nil, nodeSet("master", 3, "master"), nodeSet("data", 2, "data"))
	f := bootstrap.ClusterFormation(c, []string{"logs-es-master-2", "logs-es-master-0", "logs-es-master-1"}, 5)
	want := bootstrap.Formation{
		SeedHosts:          []string{"logs-es-discovery"},
		InitialMasterNodes: []string{"logs-es-master-0", "logs-es-master-1", "logs-es-master-2"},
	}
	if diff := cmp.Diff(want, f); diff != "" {
		t.Errorf("formation (-want +got):\n%s", diff)
	}
	if s := bootstrap.InitialMasterNodesSettings(c.NodeSets[0], f); len(s) != 1 {
		t.Errorf("master nodeSet gets %v, want cluster.initial_master_nodes", s)
	}
	if s := bootstrap.InitialMasterNodesSettings(c.NodeSets[1], f); s != nil {
		t.Errorf("data nodeSet gets %v, want nothing", s)
	}

	*c.Spec.Bootstrap.InitialMasterNodes = false
	if f := bootstrap.ClusterFormation(c, []string{"logs-es-master-0"}, 3); len(f.InitialMasterNodes) != 0 {
		t.Errorf("bootstrap off still lists %v", f.InitialMasterNodes)
	}

	single := bootstrap.ClusterFormation(c, []string{"logs-es-master-0"}, 1)
	if diff := cmp.Diff(bootstrap.Formation{SingleNode: true}, single); diff != "" {
		t.Errorf("single node (-want +got):\n%s", diff)
	}
	s := bootstrap.NodeSettings(c, c.NodeSets[0], single)
	if s["discovery.type"] != "single-node" || s["discovery.seed_hosts"] != nil {
		t.Errorf("single node settings: %v", s)
	}
	// A lone coordinating node next to the master is two nodes: no single-node discovery.
	if f := bootstrap.ClusterFormation(c, []string{"logs-es-master-0"}, 2); f.SingleNode {
		t.Error("two nodes formed as single-node")
	}
}

func TestSysctlInitContainer(t *testing.T) {
	c := spec(t, "8.19.20", func(c *esspec.Cluster) { c.Spec.System.MaxMapCount = 1048576 }, nodeSet("a", 1, "master", "data"))
	init := bootstrap.SysctlInitContainer(c)
	if init == nil {
		t.Fatal("no sysctl init container under privileged")
	}
	script := init.Command[len(init.Command)-1]
	// Only ever raises the value: the write is guarded by a comparison.
	if !strings.Contains(script, `"$(sysctl -n vm.max_map_count)" -lt 1048576 ]; then sysctl -w vm.max_map_count=1048576`) {
		t.Errorf("script %q does not raise-only to 1048576", script)
	}
	if sc := init.SecurityContext; sc == nil || sc.Privileged == nil || !*sc.Privileged || *sc.RunAsUser != 0 {
		t.Errorf("security context %+v: want privileged root", sc)
	}
	if init.Image != "busybox:1.36" {
		t.Errorf("image %s", init.Image)
	}
	c = spec(t, "8.19.20", func(c *esspec.Cluster) { c.Spec.PodSecurity = esspec.PodSecurityBaseline }, nodeSet("a", 1, "master", "data"))
	if bootstrap.SysctlInitContainer(c) != nil {
		t.Error("sysctl init container under baseline")
	}
}

func TestEnvAndCapabilities(t *testing.T) {
	c := spec(t, "8.19.20", func(c *esspec.Cluster) {
		c.Spec.Security = esspec.Security{Enabled: new(true), ElasticPasswordSecret: "pw"}
		c.Spec.System.MemoryLock = new(true)
	}, nodeSet("a", 1, "master"))
	c.Spec.NodeSets[0].Heap = "4g"
	var names []string
	for _, e := range bootstrap.Env(c, c.NodeSets[0]) {
		names = append(names, e.Name)
		if e.Name == "ES_JAVA_OPTS" && e.Value != "-Xms4g -Xmx4g" {
			t.Errorf("ES_JAVA_OPTS = %q, want -Xms equal to -Xmx", e.Value)
		}
		if e.Name == "ELASTIC_PASSWORD" && (e.ValueFrom == nil || e.ValueFrom.SecretKeyRef.Name != "pw" || e.ValueFrom.SecretKeyRef.Key != "password") {
			t.Errorf("ELASTIC_PASSWORD from %+v", e.ValueFrom)
		}
	}
	if diff := cmp.Diff([]string{"POD_NAME", "POD_IP", "ES_JAVA_OPTS", "ELASTIC_PASSWORD"}, names); diff != "" {
		t.Errorf("env (-want +got):\n%s", diff)
	}
	if got := bootstrap.Capabilities(c); len(got) != 2 || got[0] != "IPC_LOCK" || got[1] != "SYS_RESOURCE" {
		t.Errorf("capabilities %v with memory lock", got)
	}
	*c.Spec.System.MemoryLock = false
	if got := bootstrap.Capabilities(c); got != nil {
		t.Errorf("capabilities %v without memory lock", got)
	}
}
