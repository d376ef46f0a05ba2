package esspec_test

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
	"sigs.k8s.io/yaml"

	"github.com/esgen/esgen/esspec"
)

func marshal(t *testing.T, c *esspec.Cluster) string {
	t.Helper()
	out, err := yaml.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

func TestSetDefaults(t *testing.T) {
	for _, tc := range []struct {
		name string
		spec string
		want string // the defaulted spec, as validate -o yaml prints it
	}{
		{
			// Production gives master and data nodeSets no storage size:
			// validation asks for one. Other nodeSets get 10Gi.
			name: "production",
			spec: `
apiVersion: esgen.dev/v1alpha1
kind: ElasticsearchCluster
metadata: {name: logs}
spec:
  version: 8.19.20
  nodeSets:
  - {name: all, count: 3, resources: {memory: 5Gi}}
  - {name: big, count: 1, roles: [], resources: {limits: {memory: 128Gi}}}
`,
			want: `apiVersion: esgen.dev/v1alpha1
kind: ElasticsearchCluster
metadata:
  name: logs
spec:
  bootstrap:
    initialMasterNodes: true
  http:
    serviceType: ClusterIP
  image: docker.elastic.co/elasticsearch/elasticsearch:8.19.20
  imagePullPolicy: IfNotPresent
  nodeSets:
  - count: 3
    heap: 2560m
    name: all
    resources:
      memory: 5Gi
    roles:
    - master
    - data
    - ingest
    - ml
    - remote_cluster_client
    - transform
  - count: 1
    heap: 31g
    name: big
    resources:
      limits:
        memory: 128Gi
    roles: []
    storage:
      size: 10Gi
  podSecurity: privileged
  profile: production
  security:
    enabled: true
  system:
    fileDescriptors: 65536
    initImage: busybox:1.36
    maxMapCount: 262144
    memoryLock: false
    sysctlInitContainer: true
    systemCallFilter: true
  topology:
    hostAntiAffinity: required
    rackAntiAffinity: none
  version: 8.19.20
`,
		},
		{
			name: "development, baseline, 7.x with a rack label",
			spec: `
apiVersion: esgen.dev/v1alpha1
kind: ElasticsearchCluster
metadata: {name: dev}
spec:
  version: 7.8.1
  profile: development
  podSecurity: baseline
  topology: {rackLabel: esaas.hosts.rack}
  nodeSets:
  - {name: one, count: 1}
`,
			want: `apiVersion: esgen.dev/v1alpha1
kind: ElasticsearchCluster
metadata:
  name: dev
spec:
  bootstrap:
    initialMasterNodes: true
  http:
    serviceType: ClusterIP
  image: docker.elastic.co/elasticsearch/elasticsearch:7.8.1
  imagePullPolicy: IfNotPresent
  nodeSets:
  - count: 1
    name: one
    roles:
    - master
    - data
    - ingest
    - ml
    - remote_cluster_client
    - transform
    storage:
      emptyDir: true
  podSecurity: baseline
  profile: development
  security:
    enabled: false
  system:
    fileDescriptors: 65536
    initImage: busybox:1.36
    maxMapCount: 262144
    memoryLock: false
    sysctlInitContainer: false
    systemCallFilter: true
  topology:
    hostAntiAffinity: preferred
    rackAntiAffinity: required
    rackLabel: esaas.hosts.rack
  version: 7.8.1
`,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := parse(t, tc.spec)
			esspec.SetDefaults(c)
			got := marshal(t, c)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("defaulted spec (-want +got):\n%s", diff)
			}
			esspec.SetDefaults(c)
			if again := marshal(t, c); again != got {
				t.Errorf("SetDefaults is not idempotent:\n%s", cmp.Diff(got, again))
			}
		})
	}
}

// TestMemoryLockDefault: memory lock is on by default only where it
// works without the node's help: 2.x starts as root, under privileged.
func TestMemoryLockDefault(t *testing.T) {
	for _, tc := range []struct {
		version string
		level   esspec.PodSecurityLevel
		want    *bool
	}{
		{"2.4.6", esspec.PodSecurityPrivileged, new(true)},
		{"2.4.6", esspec.PodSecurityBaseline, new(false)},
		{"5.6.16", esspec.PodSecurityPrivileged, new(false)},
		{"6.8.23", esspec.PodSecurityPrivileged, new(false)},
		{"8.19.20", esspec.PodSecurityPrivileged, new(false)},
		{"9.2.4", esspec.PodSecurityRestricted, new(false)},
		{"8.x", esspec.PodSecurityPrivileged, nil}, // no version: validation reports it
	} {
		c := &esspec.Cluster{Spec: esspec.Spec{Version: tc.version, PodSecurity: tc.level}}
		esspec.SetDefaults(c)
		if diff := cmp.Diff(tc.want, c.Spec.System.MemoryLock); diff != "" {
			t.Errorf("%s under %s: memoryLock (-want +got):\n%s", tc.version, tc.level, diff)
		}
	}
}

// TestSetDefaultsKeepsSetFields: explicit values, including explicit
// false, survive defaulting.
func TestSetDefaultsKeepsSetFields(t *testing.T) {
	c := parse(t, `
apiVersion: esgen.dev/v1alpha1
kind: ElasticsearchCluster
metadata: {name: logs}
spec:
  version: 8.19.20
  image: registry.internal/es:8.19.20
  profile: development
  system: {sysctlInitContainer: false, memoryLock: false, maxMapCount: 1048576}
  security: {enabled: false}
  bootstrap: {initialMasterNodes: false}
  topology: {hostAntiAffinity: none}
  nodeSets:
  - {name: a, count: 1, heap: 1g, roles: [master], resources: {memory: 4Gi}, storage: {emptyDir: false}}
`)
	esspec.SetDefaults(c)
	s := c.Spec
	ns := s.NodeSets[0]
	for _, check := range []struct {
		what string
		ok   bool
	}{
		{"image", s.Image == "registry.internal/es:8.19.20"},
		{"sysctlInitContainer", !*s.System.SysctlInitContainer},
		{"memoryLock", !*s.System.MemoryLock},
		{"maxMapCount", s.System.MaxMapCount == 1048576},
		{"security.enabled", !*s.Security.Enabled},
		{"initialMasterNodes", !*s.Bootstrap.InitialMasterNodes},
		{"hostAntiAffinity", s.Topology.HostAntiAffinity == esspec.AntiAffinityNone},
		{"heap", ns.Heap == "1g"},
		{"roles", len(ns.Roles) == 1},
		// emptyDir: false in development asks for a claim of the default size.
		{"storage", ns.Storage.Size != nil && ns.Storage.Size.String() == "10Gi"},
	} {
		if !check.ok {
			t.Errorf("SetDefaults changed %s", check.what)
		}
	}
}

// TestKibanaImageDefault: spec.kibana.image defaults, with Kibana on, to
// the official image of the version, or to the mirror spec.image is on;
// an image set in the spec stays.
func TestKibanaImageDefault(t *testing.T) {
	for _, tc := range []struct {
		name, version, image, kibanaImage string
		count                             int32
		want                              string
	}{
		{"official", "8.19.20", "", "", 1, "docker.elastic.co/kibana/kibana:8.19.20"},
		{"Kibana 4.x for 2.x", "2.3.5", "", "", 2, "kibana:4.5.4"},
		{"mirror", "8.19.20", "registry.internal/elastic/elasticsearch:8.19.20", "", 1, "registry.internal/elastic/kibana:8.19.20"},
		{"mirror of 2.x", "2.4.6", "registry.internal/library/elasticsearch:2.4.6", "", 1, "registry.internal/library/kibana:4.6.6"},
		{"set in the spec", "8.19.20", "registry.internal/elastic/elasticsearch:8.19.20", "kibana.internal/kibana:8.19.20", 1, "kibana.internal/kibana:8.19.20"},
		{"no Kibana", "8.19.20", "registry.internal/elastic/elasticsearch:8.19.20", "", 0, ""},
		{"no version", "8.x", "registry.internal/elastic/elasticsearch:8.19.20", "", 1, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := &esspec.Cluster{Spec: esspec.Spec{Version: tc.version, Image: tc.image,
				Kibana: esspec.Kibana{Count: tc.count, Image: tc.kibanaImage}}}
			esspec.SetDefaults(c)
			if got := c.Spec.Kibana.Image; got != tc.want {
				t.Errorf("spec.kibana.image %q, want %q", got, tc.want)
			}
		})
	}
}

// TestMonitoringDefaults: the disk alert takes the high watermark the
// first master-eligible nodeSet is configured with, when the alert can
// read it, and Elasticsearch's default otherwise.
func TestMonitoringDefaults(t *testing.T) {
	for _, tc := range []struct {
		config map[string]any
		want   string
	}{
		{nil, "90%"},
		{map[string]any{esspec.DiskWatermarkSetting: "85%"}, "85%"},
		{map[string]any{esspec.DiskWatermarkSetting: json.Number("0.8")}, "0.8"},
		{map[string]any{esspec.DiskWatermarkSetting: "100gb"}, "100gb"},
		{map[string]any{esspec.DiskWatermarkSetting: "lots"}, "90%"},
	} {
		c := &esspec.Cluster{Spec: esspec.Spec{Version: "8.19.20", Monitoring: esspec.Monitoring{Enabled: true},
			NodeSets: []esspec.NodeSet{{Name: "data", Roles: []esspec.Role{esspec.RoleData}, Config: esspec.Settings{esspec.DiskWatermarkSetting: "70%"}},
				{Name: "master", Config: tc.config}}}}
		esspec.SetDefaults(c)
		m := c.Spec.Monitoring
		if m.Alerts.DiskWatermark != tc.want {
			t.Errorf("config %v: diskWatermark %q, want %q", tc.config, m.Alerts.DiskWatermark, tc.want)
		}
		if m.Image != esspec.ExporterImage || m.Interval != "30s" || m.Alerts.HeapPercent != 90 || m.Alerts.YellowFor != "30m" || m.Resources.Limits.Memory().String() != "128Mi" {
			t.Errorf("defaults %+v", m)
		}
	}
}
