package esspec_test

import (
	"encoding/json"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/esgen/esgen/esspec"
)

// baseSpec is a valid production spec that each case changes in one way.
const baseSpec = `
apiVersion: esgen.dev/v1alpha1
kind: ElasticsearchCluster
metadata:
  name: logs
spec:
  version: 8.19.20
  security:
    enabled: true
    elasticPasswordSecret: logs-es-elastic-password
    tls:
      secretName: logs-es-certs
  nodeSets:
  - name: master
    count: 3
    roles: [master]
    resources: {cpu: "1", memory: 4Gi}
    storage: {size: 20Gi}
  - name: data
    count: 3
    roles: [data, ingest]
    resources: {cpu: "4", memory: 16Gi}
    storage: {size: 500Gi}
`

func parse(t *testing.T, spec string) *esspec.Cluster {
	t.Helper()
	c, err := esspec.Parse([]byte(spec))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return c
}

func quantity(s string) *resource.Quantity {
	q := resource.MustParse(s)
	return &q
}

var (
	monitoring = field.NewPath("spec", "monitoring")
	nodeSet0   = field.NewPath("spec", "nodeSets").Index(0)
	nodeSet1   = field.NewPath("spec", "nodeSets").Index(1)
)

func TestValidateErrors(t *testing.T) {
	matcher := field.ErrorMatcher{}.ByType().ByField().ByDetailSubstring()
	for _, tc := range []struct {
		name   string
		mutate func(c *esspec.Cluster)
		want   field.ErrorList
	}{
		{"valid", func(*esspec.Cluster) {}, nil},
		{"missing apiVersion and kind", func(c *esspec.Cluster) { c.APIVersion, c.Kind = "", "" }, field.ErrorList{
			field.Required(field.NewPath("apiVersion"), ""),
			field.Required(field.NewPath("kind"), ""),
		}},
		{"wrong kind", func(c *esspec.Cluster) { c.Kind = "Elasticsearch" }, field.ErrorList{
			field.NotSupported[string](field.NewPath("kind"), "Elasticsearch", nil),
		}},
		{"missing name", func(c *esspec.Cluster) { c.Metadata.Name = "" }, field.ErrorList{
			field.Required(field.NewPath("metadata", "name"), ""),
		}},
		{"name not a DNS-1035 label", func(c *esspec.Cluster) { c.Metadata.Name = "1logs" }, field.ErrorList{
			field.Invalid(field.NewPath("metadata", "name"), "1logs", "a DNS-1035 label"),
		}},
		{"name too long for any StatefulSet", func(c *esspec.Cluster) { c.Metadata.Name = strings.Repeat("a", 48) }, field.ErrorList{
			field.Invalid(field.NewPath("metadata", "name"), nil, "is 48 characters, above 47"),
		}},
		{"longest name", func(c *esspec.Cluster) {
			c.Metadata.Name = strings.Repeat("a", 47)
			c.Spec.NodeSets[0].Name, c.Spec.NodeSets[1].Name = "m", "d"
		}, nil},
		{"StatefulSet name too long", func(c *esspec.Cluster) { c.Spec.NodeSets[1].Name = strings.Repeat("d", 45) }, field.ErrorList{
			field.Invalid(nodeSet1.Child("name"), nil, "is 53 characters"),
		}},
		{"bad namespace", func(c *esspec.Cluster) { c.Metadata.Namespace = "Search" }, field.ErrorList{
			field.Invalid(field.NewPath("metadata", "namespace"), "Search", ""),
		}},
		{"reserved label", func(c *esspec.Cluster) { c.Metadata.Labels = map[string]string{"esgen.dev/cluster": "x"} }, field.ErrorList{
			field.Forbidden(field.NewPath("metadata", "labels").Key("esgen.dev/cluster"), "set by esgen"),
		}},
		{"bad label value", func(c *esspec.Cluster) { c.Metadata.Labels = map[string]string{"team": "a b"} }, field.ErrorList{
			field.Invalid(field.NewPath("metadata", "labels").Key("team"), "a b", ""),
		}},
		{"missing version", func(c *esspec.Cluster) { c.Spec.Version = "" }, field.ErrorList{
			field.Required(field.NewPath("spec", "version"), ""),
		}},
		{"malformed version", func(c *esspec.Cluster) { c.Spec.Version = "8.x" }, field.ErrorList{
			field.Invalid(field.NewPath("spec", "version"), "8.x", "full version x.y.z"),
		}},
		{"two-part version", func(c *esspec.Cluster) { c.Spec.Version = "8.19" }, field.ErrorList{
			field.Invalid(field.NewPath("spec", "version"), "8.19", "full version x.y.z"),
		}},
		{"unknown major", func(c *esspec.Cluster) { c.Spec.Version = "10.0.0" }, field.ErrorList{
			field.Invalid(field.NewPath("spec", "version"), "10.0.0", "unknown Elasticsearch major 10"),
		}},
		{"unknown minor", func(c *esspec.Cluster) { c.Spec.Version = "7.18.0" }, field.ErrorList{
			field.Invalid(field.NewPath("spec", "version"), "7.18.0", "ends at 7.17"),
		}},
		{"leading zeros in the version", func(c *esspec.Cluster) { c.Spec.Version = "08.19.20" }, field.ErrorList{
			field.Invalid(field.NewPath("spec", "version"), "08.19.20", "full version x.y.z"),
		}},
		{"security and a 5.x role on 2.x", func(c *esspec.Cluster) { c.Spec.Version = "2.4.6" }, field.ErrorList{
			field.Invalid(nodeSet1.Child("roles").Index(1), nil, "Elasticsearch 2.4.6 has no ingest role (it exists from 5.0)"),
			field.Forbidden(field.NewPath("spec", "security", "enabled"), "2.x has no built-in security"),
		}},
		{"security on 5.x", func(c *esspec.Cluster) { c.Spec.Version = "5.6.16" }, field.ErrorList{
			field.Forbidden(field.NewPath("spec", "security", "enabled"), "X-Pack security from 6.0"),
		}},
		{"security on 6.7", func(c *esspec.Cluster) { c.Spec.Version = "6.7.2" }, field.ErrorList{
			field.Forbidden(field.NewPath("spec", "security", "enabled"),
				"the free basic license of Elasticsearch 6.7.2 has no security (it has from 6.8 and 7.1): once the 30-day trial ends, the cluster answers every request without credentials; use 6.8 or later, name the paid license this cluster runs under in spec.security.license (gold or platinum), or set spec.security.enabled: false"),
		}},
		{"security on 6.0", func(c *esspec.Cluster) { c.Spec.Version = "6.0.1" }, field.ErrorList{
			field.Forbidden(field.NewPath("spec", "security", "enabled"), "the free basic license of Elasticsearch 6.0.1 has no security (it has from 6.8 and 7.1)"),
		}},
		{"security on 7.0", func(c *esspec.Cluster) { c.Spec.Version = "7.0.1" }, field.ErrorList{
			field.Forbidden(field.NewPath("spec", "security", "enabled"),
				"the free basic license of Elasticsearch 7.0.1 has no security (it has from 6.8 and 7.1): once the 30-day trial ends, the cluster answers every request without credentials; use 7.1 or later, name the paid license this cluster runs under in spec.security.license (gold or platinum), or set spec.security.enabled: false"),
		}},
		{"security on 6.8", func(c *esspec.Cluster) { c.Spec.Version = "6.8.0" }, nil},
		{"security on 7.1", func(c *esspec.Cluster) { c.Spec.Version = "7.1.0" }, nil},
		{"security on 6.7 under a gold license", func(c *esspec.Cluster) {
			c.Spec.Version = "6.7.2"
			c.Spec.Security.License = esspec.LicenseGold
		}, nil},
		{"security on 7.0 under a platinum license", func(c *esspec.Cluster) {
			c.Spec.Version = "7.0.1"
			c.Spec.Security.License = esspec.LicensePlatinum
		}, nil},
		{"a license on a version whose basic license has security", func(c *esspec.Cluster) { c.Spec.Security.License = esspec.LicenseGold }, nil},
		{"a license with security off", func(c *esspec.Cluster) {
			c.Spec.Version = "6.7.2"
			c.Spec.Security = esspec.Security{Enabled: new(false), License: esspec.LicenseGold}
		}, nil},
		{"security off on 7.0", func(c *esspec.Cluster) {
			c.Spec.Version = "7.0.1"
			c.Spec.Security = esspec.Security{Enabled: new(false)}
		}, nil},
		{"unknown license", func(c *esspec.Cluster) {
			c.Spec.Version = "6.7.2"
			c.Spec.Security.License = "enterprise"
		}, field.ErrorList{
			field.NotSupported[string](field.NewPath("spec", "security", "license"), "enterprise", []string{"gold", "platinum"}),
		}},
		{"restricted Pod Security on 2.x", func(c *esspec.Cluster) {
			c.Spec.Version = "2.4.6"
			c.Spec.Security = esspec.Security{Enabled: new(false)}
			c.Spec.PodSecurity = esspec.PodSecurityRestricted
			c.Spec.NodeSets[1].Roles = []esspec.Role{esspec.RoleData}
		}, field.ErrorList{
			field.Forbidden(field.NewPath("spec", "podSecurity"), "image starts as root"),
		}},
		{"image with white space", func(c *esspec.Cluster) { c.Spec.Image = " my image" }, field.ErrorList{
			field.Invalid(field.NewPath("spec", "image"), nil, "no white space"),
		}},
		{"official image of another version", func(c *esspec.Cluster) {
			c.Spec.Image = "docker.elastic.co/elasticsearch/elasticsearch:8.19.19"
		}, field.ErrorList{
			field.Invalid(field.NewPath("spec", "image"), "docker.elastic.co/elasticsearch/elasticsearch:8.19.19",
				"the tag must be spec.version (8.19.20): the tag names Elasticsearch 8.19.19, and esgen renders the settings of spec.version, which a node of another version may refuse; use docker.elastic.co/elasticsearch/elasticsearch:8.19.20, or set spec.version: 8.19.19"),
		}},
		{"Docker Hub image of another version", func(c *esspec.Cluster) { c.Spec.Image = "elasticsearch:8.18.8" }, field.ErrorList{
			field.Invalid(field.NewPath("spec", "image"), "elasticsearch:8.18.8",
				"the tag must be spec.version (8.19.20): the tag names Elasticsearch 8.18.8, and esgen renders the settings of spec.version, which a node of another version may refuse; use elasticsearch:8.19.20, or set spec.version: 8.18.8"),
		}},
		{"Docker Hub image by its full name, of another version", func(c *esspec.Cluster) {
			c.Spec.Image = "docker.io/library/elasticsearch:9.5.2"
		}, field.ErrorList{
			field.Invalid(field.NewPath("spec", "image"), nil, "the tag must be spec.version (8.19.20): the tag names Elasticsearch 9.5.2"),
		}},
		{"Elastic's Docker Hub repository, of another version", func(c *esspec.Cluster) {
			c.Spec.Image = "index.docker.io/elastic/elasticsearch:8.19.2"
		}, field.ErrorList{
			field.Invalid(field.NewPath("spec", "image"), nil, "use elastic/elasticsearch:8.19.20, or set spec.version: 8.19.2"),
		}},
		{"official image with a moving tag", func(c *esspec.Cluster) {
			c.Spec.Image = "docker.elastic.co/elasticsearch/elasticsearch:8.19"
		}, field.ErrorList{
			field.Invalid(field.NewPath("spec", "image"), "docker.elastic.co/elasticsearch/elasticsearch:8.19",
				"the tag must be spec.version (8.19.20), not a tag that moves to other versions: esgen renders the settings of spec.version; use docker.elastic.co/elasticsearch/elasticsearch:8.19.20"),
		}},
		{"official image without a tag", func(c *esspec.Cluster) { c.Spec.Image = "elasticsearch" }, field.ErrorList{
			field.Invalid(field.NewPath("spec", "image"), "elasticsearch", "not a tag that moves to other versions"),
		}},
		{"official image by digest alone", func(c *esspec.Cluster) {
			c.Spec.Image = "docker.elastic.co/elasticsearch/elasticsearch@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
		}, field.ErrorList{
			field.Invalid(field.NewPath("spec", "image"), nil,
				"the tag must be spec.version (8.19.20): a digest alone does not say which version the image holds; write docker.elastic.co/elasticsearch/elasticsearch:8.19.20@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"),
		}},
		{"official image with its tag and a digest", func(c *esspec.Cluster) {
			c.Spec.Image = "docker.elastic.co/elasticsearch/elasticsearch:8.19.20@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
		}, nil},
		{"official image with an architecture suffix", func(c *esspec.Cluster) {
			c.Spec.Image = "docker.elastic.co/elasticsearch/elasticsearch:8.19.20-arm64"
		}, nil},
		{"mirror with the same path and tag", func(c *esspec.Cluster) { c.Spec.Image = "registry.internal/elastic/elasticsearch:8.19.20" }, nil},
		{"mirror with a suffix after the version", func(c *esspec.Cluster) {
			c.Spec.Image = "registry.internal:5000/elasticsearch/elasticsearch:8.19.20-amd64"
		}, nil},
		{"mirror of another version", func(c *esspec.Cluster) {
			c.Spec.Image = "registry.internal:5000/elastic/elasticsearch:8.19.19-amd64"
		}, field.ErrorList{
			field.Invalid(field.NewPath("spec", "image"), "registry.internal:5000/elastic/elasticsearch:8.19.19-amd64",
				"the tag must be spec.version (8.19.20): the tag names Elasticsearch 8.19.19, and esgen renders the settings of spec.version, which a node of another version may refuse; use registry.internal:5000/elastic/elasticsearch:8.19.20, or set spec.version: 8.19.19"),
		}},
		{"mirror of a version that only starts like spec.version", func(c *esspec.Cluster) {
			c.Spec.Version = "8.19.2"
			c.Spec.Image = "localhost:5000/elasticsearch:v8.19.20"
		}, field.ErrorList{
			field.Invalid(field.NewPath("spec", "image"), nil, "the tag must be spec.version (8.19.2): the tag names Elasticsearch 8.19.20"),
		}},
		{"mirror with a tag of its own", func(c *esspec.Cluster) { c.Spec.Image = "registry.internal/elastic/elasticsearch:production" }, nil},
		{"mirror by digest", func(c *esspec.Cluster) {
			c.Spec.Image = "registry.internal/elastic/elasticsearch@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
		}, nil},
		{"custom image of another name", func(c *esspec.Cluster) { c.Spec.Image = "registry.internal/search/es-icu:1.4.0" }, nil},
		{"Elastic's registry on 2.x", func(c *esspec.Cluster) {
			c.Spec.Version = "2.4.6"
			c.Spec.Security = esspec.Security{Enabled: new(false)}
			c.Spec.NodeSets[1].Roles = []esspec.Role{esspec.RoleData}
			c.Spec.Image = "docker.elastic.co/elasticsearch/elasticsearch:2.4.6"
		}, field.ErrorList{
			field.Invalid(field.NewPath("spec", "image"), "docker.elastic.co/elasticsearch/elasticsearch:2.4.6",
				"Elastic's registry starts at 5.0: use Docker Hub's elasticsearch:2.4.6"),
		}},
		{"Docker Hub's alpine variant on 2.x", func(c *esspec.Cluster) {
			c.Spec.Version = "2.4.6"
			c.Spec.Security = esspec.Security{Enabled: new(false)}
			c.Spec.NodeSets[1].Roles = []esspec.Role{esspec.RoleData}
			c.Spec.Image = "elasticsearch:2.4.6-alpine"
		}, nil},
		{"OSS image", func(c *esspec.Cluster) {
			c.Spec.Version = "7.10.2"
			c.Spec.Image = "docker.elastic.co/elasticsearch/elasticsearch-oss:7.10.2"
		}, field.ErrorList{
			field.Invalid(field.NewPath("spec", "image"), "docker.elastic.co/elasticsearch/elasticsearch-oss:7.10.2",
				"the OSS distribution has no X-Pack, and esgen writes X-Pack settings on every node from 5.0 (xpack.security.enabled, the machine learning and other X-Pack roles), which an OSS node refuses as unknown settings: use the default distribution, docker.elastic.co/elasticsearch/elasticsearch:7.10.2 (free under the Basic license; security stays off unless spec.security.enabled)"),
		}},
		{"OSS image on a mirror, of another version", func(c *esspec.Cluster) {
			c.Spec.Version = "6.8.23"
			c.Spec.Security = esspec.Security{Enabled: new(false)}
			c.Spec.Image = "registry.internal/elastic/elasticsearch-oss:6.8.22"
		}, field.ErrorList{
			field.Invalid(field.NewPath("spec", "image"), "registry.internal/elastic/elasticsearch-oss:6.8.22",
				"the OSS distribution has no X-Pack"),
		}},
		{"Docker Hub's 5.x image", func(c *esspec.Cluster) {
			c.Spec.Version = "5.6.16"
			c.Spec.Security = esspec.Security{Enabled: new(false)}
			c.Spec.Image = "elasticsearch:5.6.16"
		}, field.ErrorList{
			field.Invalid(field.NewPath("spec", "image"), "elasticsearch:5.6.16",
				"Docker Hub's elasticsearch 5.x images are built from the Debian package, without X-Pack, and start as root; esgen renders Elastic's image for 5.x: use docker.elastic.co/elasticsearch/elasticsearch:5.6.16"),
		}},
		{"Docker Hub's 6.x image, Elastic's rebundled", func(c *esspec.Cluster) {
			c.Spec.Version = "6.8.23"
			c.Spec.Image = "elasticsearch:6.8.23"
		}, nil},
		{"too many master-eligible nodes", func(c *esspec.Cluster) {
			c.Spec.NodeSets[1].Roles = []esspec.Role{esspec.RoleMaster, esspec.RoleData}
			c.Spec.NodeSets[1].Count = new(int32(101))
		}, field.ErrorList{
			field.Invalid(field.NewPath("spec", "nodeSets"), nil, "104 master-eligible nodes: at most 100"),
		}},
		{"role the version lacks", func(c *esspec.Cluster) {
			c.Spec.Version = "7.11.2"
			c.Spec.NodeSets[1].Roles = []esspec.Role{esspec.RoleDataFrozen}
		}, field.ErrorList{
			field.Invalid(nodeSet1.Child("roles").Index(0), nil, "has no data_frozen role (it exists from 7.12)"),
		}},
		{"unknown role", func(c *esspec.Cluster) { c.Spec.NodeSets[1].Roles = []esspec.Role{"client"} }, field.ErrorList{
			field.NotSupported[string](nodeSet1.Child("roles").Index(0), "client", nil),
		}},
		{"duplicate role", func(c *esspec.Cluster) { c.Spec.NodeSets[1].Roles = []esspec.Role{"data", "data"} }, field.ErrorList{
			field.Duplicate(nodeSet1.Child("roles").Index(1), nil),
		}},
		{"voting_only without master", func(c *esspec.Cluster) { c.Spec.NodeSets[1].Roles = []esspec.Role{"data", "voting_only"} }, field.ErrorList{
			field.Invalid(nodeSet1.Child("roles"), nil, "must also have the master role"),
		}},
		{"missing nodeSets", func(c *esspec.Cluster) { c.Spec.NodeSets = nil }, field.ErrorList{
			field.Required(field.NewPath("spec", "nodeSets"), ""),
		}},
		{"duplicate nodeSet names", func(c *esspec.Cluster) { c.Spec.NodeSets[1].Name = "master" }, field.ErrorList{
			field.Duplicate(nodeSet1.Child("name"), nil),
		}},
		{"reserved nodeSet name", func(c *esspec.Cluster) { c.Spec.NodeSets[1].Name = "discovery" }, field.ErrorList{
			field.Invalid(nodeSet1.Child("name"), "discovery", "reserved"),
		}},
		{"missing count", func(c *esspec.Cluster) { c.Spec.NodeSets[1].Count = nil }, field.ErrorList{
			field.Required(nodeSet1.Child("count"), ""),
		}},
		{"negative count", func(c *esspec.Cluster) { c.Spec.NodeSets[1].Count = new(int32(-1)) }, field.ErrorList{
			field.Invalid(nodeSet1.Child("count"), nil, "must be 0 or more"),
		}},
		{"count too large", func(c *esspec.Cluster) { c.Spec.NodeSets[1].Count = new(int32(5000)) }, field.ErrorList{
			field.Invalid(nodeSet1.Child("count"), nil, "at most 1000"),
		}},
		{"no master-eligible node", func(c *esspec.Cluster) { c.Spec.NodeSets[0].Roles = []esspec.Role{esspec.RoleData} }, field.ErrorList{
			field.Required(field.NewPath("spec", "nodeSets"), "no master-eligible node"),
		}},
		{"masters scaled to zero", func(c *esspec.Cluster) { c.Spec.NodeSets[0].Count = new(int32(0)) }, field.ErrorList{
			field.Required(field.NewPath("spec", "nodeSets"), "no master-eligible node"),
		}},
		{"only voting_only masters", func(c *esspec.Cluster) {
			c.Spec.NodeSets[0].Roles = []esspec.Role{esspec.RoleMaster, esspec.RoleVotingOnly}
		}, field.ErrorList{
			field.Required(field.NewPath("spec", "nodeSets"), "voting_only nodes cannot be elected"),
		}},
		{"heap above 32g", func(c *esspec.Cluster) {
			c.Spec.NodeSets[1].Resources.Memory = quantity("128Gi")
			c.Spec.NodeSets[1].Heap = "40g"
		}, field.ErrorList{
			field.Invalid(nodeSet1.Child("heap"), "40g", "must not exceed 32g"),
		}},
		{"heap above the memory limit", func(c *esspec.Cluster) { c.Spec.NodeSets[1].Heap = "20g" }, field.ErrorList{
			field.Invalid(nodeSet1.Child("heap"), "20g", "must be below the memory limit 16Gi"),
		}},
		{"heap equal to the memory limit", func(c *esspec.Cluster) { c.Spec.NodeSets[1].Heap = "16g" }, field.ErrorList{
			field.Invalid(nodeSet1.Child("heap"), "16g", "must be below the memory limit 16Gi"),
		}},
		{"heap too small", func(c *esspec.Cluster) { c.Spec.NodeSets[1].Heap = "128m" }, field.ErrorList{
			field.Invalid(nodeSet1.Child("heap"), "128m", "at least 256m"),
		}},
		{"memory too small for the default heap", func(c *esspec.Cluster) { c.Spec.NodeSets[1].Resources.Memory = quantity("256Mi") }, field.ErrorList{
			field.Invalid(nodeSet1.Child("resources", "memory"), "256Mi", "give at least 512Mi"),
		}},
		{"resource name typo", func(c *esspec.Cluster) {
			c.Spec.NodeSets[1].Resources.Requests = corev1.ResourceList{"memroy": resource.MustParse("1Gi")}
		}, field.ErrorList{
			field.Invalid(nodeSet1.Child("resources", "requests").Key("memroy"), "memroy", "not a resource name"),
		}},
		{"heap without unit", func(c *esspec.Cluster) { c.Spec.NodeSets[1].Heap = "4096" }, field.ErrorList{
			field.Invalid(nodeSet1.Child("heap"), "4096", "unit k, m or g"),
		}},
		{"memory too small for a heap", func(c *esspec.Cluster) { c.Spec.NodeSets[1].Resources.Memory = quantity("1Ki") }, field.ErrorList{
			field.Invalid(nodeSet1.Child("resources", "memory"), nil, "too small"),
		}},
		{"production without memory", func(c *esspec.Cluster) { c.Spec.NodeSets[1].Resources.Memory = nil }, field.ErrorList{
			field.Required(nodeSet1.Child("resources", "memory"), "production profile"),
		}},
		{"request above limit", func(c *esspec.Cluster) {
			c.Spec.NodeSets[1].Resources.Requests = corev1.ResourceList{corev1.ResourceCPU: resource.MustParse("8")}
		}, field.ErrorList{
			field.Invalid(nodeSet1.Child("resources", "requests").Key("cpu"), nil, "must not exceed the limit 4"),
		}},
		{"sysctl init container under baseline", func(c *esspec.Cluster) {
			c.Spec.PodSecurity = esspec.PodSecurityBaseline
			c.Spec.System.SysctlInitContainer = new(true)
		}, field.ErrorList{
			field.Forbidden(field.NewPath("spec", "system", "sysctlInitContainer"), `level "baseline" forbids`),
		}},
		{"memory lock under restricted", func(c *esspec.Cluster) {
			c.Spec.PodSecurity = esspec.PodSecurityRestricted
			c.Spec.System.MemoryLock = new(true)
		}, field.ErrorList{
			field.Forbidden(field.NewPath("spec", "system", "memoryLock"), `level "restricted" forbids`),
		}},
		{"hostPath under baseline", func(c *esspec.Cluster) {
			c.Spec.PodSecurity = esspec.PodSecurityBaseline
			c.Spec.NodeSets[1].Storage = esspec.Storage{HostPath: "/data/es"}
		}, field.ErrorList{
			field.Forbidden(nodeSet1.Child("storage", "hostPath"), "forbids hostPath volumes"),
		}},
		{"unconfined AppArmor under baseline", func(c *esspec.Cluster) {
			c.Spec.PodSecurity = esspec.PodSecurityBaseline
			c.Spec.NodeSets[1].PodAnnotations = map[string]string{"container.apparmor.security.beta.kubernetes.io/elasticsearch": "unconfined"}
		}, field.ErrorList{
			field.Forbidden(nodeSet1.Child("podAnnotations").Key("container.apparmor.security.beta.kubernetes.io/elasticsearch"), "AppArmor"),
		}},
		{"two storage kinds", func(c *esspec.Cluster) {
			c.Spec.NodeSets[1].Storage = esspec.Storage{Size: quantity("1Ti"), HostPath: "/data/es"}
		}, field.ErrorList{
			field.Invalid(nodeSet1.Child("storage"), "size+hostPath", "choose one"),
		}},
		{"relative hostPath", func(c *esspec.Cluster) { c.Spec.NodeSets[1].Storage = esspec.Storage{HostPath: "data"} }, field.ErrorList{
			field.Invalid(nodeSet1.Child("storage", "hostPath"), "data", "absolute path"),
		}},
		{"emptyDir for data in production", func(c *esspec.Cluster) { c.Spec.NodeSets[1].Storage = esspec.Storage{EmptyDir: new(true)} }, field.ErrorList{
			field.Forbidden(nodeSet1.Child("storage", "emptyDir"), "persistent storage"),
		}},
		// Production: master and data volumes need an explicit size.
		{"production data nodeSet without storage", func(c *esspec.Cluster) { c.Spec.NodeSets[1].Storage = esspec.Storage{} }, field.ErrorList{
			field.Required(nodeSet1.Child("storage", "size"),
				"the production profile needs the size of every master and data node's volume: esgen cannot guess how much data it holds, and a full volume makes Elasticsearch block writes; e.g. size: 100Gi, or a hostPath"),
		}},
		{"production master nodeSet with a storage class only", func(c *esspec.Cluster) {
			c.Spec.NodeSets[0].Storage = esspec.Storage{StorageClassName: "local-ssd"}
		}, field.ErrorList{
			field.Required(nodeSet0.Child("storage", "size"), "the production profile needs the size of every master and data node's volume"),
		}},
		{"production master nodeSet with emptyDir false", func(c *esspec.Cluster) {
			c.Spec.NodeSets[0].Storage = esspec.Storage{EmptyDir: new(false)}
		}, field.ErrorList{
			field.Required(nodeSet0.Child("storage", "size"), "the production profile needs the size of every master and data node's volume"),
		}},
		{"production data nodeSet on a hostPath", func(c *esspec.Cluster) { c.Spec.NodeSets[1].Storage = esspec.Storage{HostPath: "/data/es"} }, nil},
		{"production coordinating nodeSet without storage", func(c *esspec.Cluster) {
			c.Spec.NodeSets = append(c.Spec.NodeSets, esspec.NodeSet{Name: "coordinating", Count: new(int32(2)), Roles: []esspec.Role{},
				Resources: esspec.Resources{Memory: quantity("4Gi")}})
		}, nil},
		{"development without storage", func(c *esspec.Cluster) {
			c.Spec.Profile = esspec.ProfileDevelopment
			c.Spec.NodeSets[0].Storage, c.Spec.NodeSets[1].Storage = esspec.Storage{}, esspec.Storage{StorageClassName: "local-ssd"}
		}, nil},
		{"system call filter off on 8.x", func(c *esspec.Cluster) { c.Spec.System.SystemCallFilter = new(false) }, field.ErrorList{
			field.Forbidden(field.NewPath("spec", "system", "systemCallFilter"), "8.0 removed"),
		}},
		{"max map count too low", func(c *esspec.Cluster) { c.Spec.System.MaxMapCount = 65530 }, field.ErrorList{
			field.Invalid(field.NewPath("spec", "system", "maxMapCount"), nil, "at least 262144"),
		}},
		{"security without TLS on a multi-node cluster", func(c *esspec.Cluster) { c.Spec.Security.TLS.SecretName = "" }, field.ErrorList{
			field.Required(field.NewPath("spec", "security", "tls", "secretName"), "requires TLS between nodes"),
		}},
		{"TLS with security off", func(c *esspec.Cluster) {
			c.Spec.Security.Enabled = new(false)
			c.Spec.Security.ElasticPasswordSecret = ""
		}, field.ErrorList{
			field.Invalid(field.NewPath("spec", "security", "tls", "secretName"), nil, "TLS is part of Elasticsearch security"),
		}},
		{"owned setting in config", func(c *esspec.Cluster) {
			c.Spec.NodeSets[1].Config = esspec.Settings{"node.roles": []any{"data"}, "node.attr.zone": "a"}
		}, field.ErrorList{
			field.Forbidden(nodeSet1.Child("config").Key("node.roles"), "from spec.nodeSets[1].roles"),
		}},
		{"owned setting in nested config", func(c *esspec.Cluster) {
			c.Spec.NodeSets[1].Config = esspec.Settings{"xpack": map[string]any{"security": map[string]any{"enabled": false}}}
		}, field.ErrorList{
			field.Forbidden(nodeSet1.Child("config").Key("xpack.security.enabled"), "spec.security.enabled"),
		}},
		{"zen settings on 8.x", func(c *esspec.Cluster) {
			c.Spec.NodeSets[1].Config = esspec.Settings{"discovery.zen.ping_timeout": "10s", "discovery.zen.minimum_master_nodes": json.Number("2")}
		}, field.ErrorList{
			field.Invalid(nodeSet1.Child("config").Key("discovery.zen.minimum_master_nodes"), nil, "Elasticsearch 8.19.20 has no setting discovery.zen.minimum_master_nodes (removed in 8.0)"),
			field.Invalid(nodeSet1.Child("config").Key("discovery.zen.ping_timeout"), nil, "Elasticsearch 8.19.20 has no setting discovery.zen.ping_timeout (removed in 8.0): zen discovery was replaced in 7.0"),
		}},
		{"Go numbers in settings", func(c *esspec.Cluster) {
			c.Spec.NodeSets[1].Config = esspec.Settings{"search.max_buckets": 20000, "x.ratio": float32(0.5), "x.list": []any{1, "a"}}
		}, nil},
		{"zen settings on 7.x are still accepted", func(c *esspec.Cluster) {
			c.Spec.Version = "7.17.29"
			c.Spec.NodeSets[1].Config = esspec.Settings{"discovery.zen.ping_timeout": "10s"}
		}, nil},
		{"a setting from 7.0 on 6.x", func(c *esspec.Cluster) {
			c.Spec.Version = "6.8.23"
			c.Spec.NodeSets[1].Config = esspec.Settings{"node.store.allow_mmap": false, "node.store.allow_mmapfs": false}
		}, field.ErrorList{
			field.Invalid(nodeSet1.Child("config").Key("node.store.allow_mmap"), nil, "Elasticsearch 6.8.23 has no setting node.store.allow_mmap (it exists from 7.0)"),
		}},
		{"node.attr on 2.x", func(c *esspec.Cluster) {
			c.Spec.Version = "2.4.6"
			c.Spec.Security = esspec.Security{Enabled: new(false)}
			c.Spec.NodeSets[1].Roles = []esspec.Role{esspec.RoleData}
			c.Spec.NodeSets[1].Config = esspec.Settings{"node.attr.zone": "a", "node.zone": "a"}
		}, field.ErrorList{
			field.Invalid(nodeSet1.Child("config").Key("node.attr.zone"), nil, "2.x names node attributes node.<name>"),
		}},
		{"null setting", func(c *esspec.Cluster) { c.Spec.NodeSets[1].Config = esspec.Settings{"node.attr.zone": nil} }, field.ErrorList{
			field.Invalid(nodeSet1.Child("config").Key("node.attr.zone"), nil, "refuses null settings"),
		}},
		{"owned env vars", func(c *esspec.Cluster) {
			c.Spec.NodeSets[1].Env = []corev1.EnvVar{{Name: "ES_HEAP_SIZE", Value: "1g"}, {Name: "POD_NAME", Value: "x"}}
		}, field.ErrorList{
			field.Forbidden(nodeSet1.Child("env").Index(0).Child("name"), "heap"),
			field.Forbidden(nodeSet1.Child("env").Index(1).Child("name"), "downward API"),
		}},
		{"env that the image turns into settings", func(c *esspec.Cluster) {
			c.Spec.NodeSets[1].Env = []corev1.EnvVar{{Name: "node.roles", Value: "master"}, {Name: "ES_SETTING_NODE_ROLES", Value: "master"}}
		}, field.ErrorList{
			field.Forbidden(nodeSet1.Child("env").Index(0).Child("name"), "into an Elasticsearch setting"),
			field.Forbidden(nodeSet1.Child("env").Index(1).Child("name"), "into an Elasticsearch setting"),
		}},
		{"ES_JAVA_OPTS from a Secret", func(c *esspec.Cluster) {
			c.Spec.NodeSets[1].Env = []corev1.EnvVar{{Name: "ES_JAVA_OPTS", ValueFrom: &corev1.EnvVarSource{
				SecretKeyRef: &corev1.SecretKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: "s"}, Key: "k"}}}}
		}, field.ErrorList{
			field.Forbidden(nodeSet1.Child("env").Index(0).Child("valueFrom"), "needs a value"),
		}},
		{"incomplete env source", func(c *esspec.Cluster) {
			c.Spec.NodeSets[1].Env = []corev1.EnvVar{
				{Name: "A", ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: "s"}}}},
				{Name: "B", ValueFrom: &corev1.EnvVarSource{}},
			}
		}, field.ErrorList{
			field.Required(nodeSet1.Child("env").Index(0).Child("valueFrom", "secretKeyRef", "key"), ""),
			field.Invalid(nodeSet1.Child("env").Index(1).Child("valueFrom"), nil, "exactly one of"),
		}},
		{"rack anti-affinity without a rack label", func(c *esspec.Cluster) { c.Spec.Topology.RackAntiAffinity = "required" }, field.ErrorList{
			field.Required(field.NewPath("spec", "topology", "rackLabel"), "esaas.hosts.rack"),
		}},
		{"rack label with a value", func(c *esspec.Cluster) { c.Spec.Topology.RackLabel = "esaas.hosts.rack=r1" }, field.ErrorList{
			field.Invalid(field.NewPath("spec", "topology", "rackLabel"), nil, ""),
		}},
		{"unknown anti-affinity mode", func(c *esspec.Cluster) { c.Spec.Topology.HostAntiAffinity = "soft" }, field.ErrorList{
			field.NotSupported[string](field.NewPath("spec", "topology", "hostAntiAffinity"), "soft", nil),
		}},
		{"unknown profile", func(c *esspec.Cluster) { c.Spec.Profile = "staging" }, field.ErrorList{
			field.NotSupported[string](field.NewPath("spec", "profile"), "staging", nil),
		}},
		{"racks without a rack label", func(c *esspec.Cluster) { c.Spec.Topology.Racks = []string{"r1", "r2", "r3"} }, field.ErrorList{
			field.Required(field.NewPath("spec", "topology", "rackLabel"), "racks are listed"),
		}},
		{"duplicate and invalid racks", func(c *esspec.Cluster) {
			c.Spec.Topology.RackLabel = "esaas.hosts.rack"
			c.Spec.Topology.Racks = []string{"r1", "R_2", "r1"}
		}, field.ErrorList{
			field.Invalid(field.NewPath("spec", "topology", "racks").Index(1), "R_2", "a rack id names the rack's StatefulSets"),
			field.Duplicate(field.NewPath("spec", "topology", "racks").Index(2), "r1"),
		}},
		{"rackCount below a nodeSet's count", func(c *esspec.Cluster) {
			c.Spec.Topology.RackLabel = "esaas.hosts.rack"
			c.Spec.Topology.RackCount = 2
			c.Spec.NodeSets[1].Count = new(int32(5))
		}, field.ErrorList{
			field.Invalid(nodeSet0.Child("count"), nil,
				"nodeSet master has 3 nodes and required rack anti-affinity gives each a rack of its own, but the servers span 2 racks (spec.topology.rackCount): 1 pod(s) would stay Pending; use at most 2 nodes, add racks and raise rackCount, or set spec.topology.rackAntiAffinity: preferred"),
			field.Invalid(nodeSet1.Child("count"), nil,
				"nodeSet data has 5 nodes and required rack anti-affinity gives each a rack of its own, but the servers span 2 racks (spec.topology.rackCount): 3 pod(s) would stay Pending; use at most 2 nodes"),
		}},
		{"rackCount that fits every nodeSet", func(c *esspec.Cluster) {
			c.Spec.Topology.RackLabel = "esaas.hosts.rack"
			c.Spec.Topology.RackCount = 3
		}, nil},
		{"rackCount below a nodeSet's count, preferred rack anti-affinity", func(c *esspec.Cluster) {
			c.Spec.Topology.RackLabel = "esaas.hosts.rack"
			c.Spec.Topology.RackAntiAffinity = esspec.AntiAffinityPreferred
			c.Spec.Topology.RackCount = 2
		}, nil},
		{"rackCount beside listed racks", func(c *esspec.Cluster) {
			c.Spec.Topology.RackLabel = "esaas.hosts.rack"
			c.Spec.Topology.Racks = []string{"r1", "r2", "r3"}
			c.Spec.Topology.RackCount = 3
		}, field.ErrorList{
			field.Invalid(field.NewPath("spec", "topology", "rackCount"), nil, "racks are listed, and esgen counts them: remove rackCount"),
		}},
		{"rackCount without a rack label", func(c *esspec.Cluster) { c.Spec.Topology.RackCount = 3 }, field.ErrorList{
			field.Invalid(field.NewPath("spec", "topology", "rackCount"), nil,
				"counts the racks that spec.topology.rackLabel tells apart: name that node label too, e.g. esaas.hosts.rack"),
		}},
		{"negative rackCount", func(c *esspec.Cluster) {
			c.Spec.Topology.RackLabel = "esaas.hosts.rack"
			c.Spec.Topology.RackCount = -3
		}, field.ErrorList{
			field.Invalid(field.NewPath("spec", "topology", "rackCount"), nil, "must be 1 or more"),
		}},
		// From 7.10, indices outside data streams need a content tier.
		{"hot and warm tiers without content", func(c *esspec.Cluster) {
			c.Spec.NodeSets[1].Roles = []esspec.Role{esspec.RoleDataHot, esspec.RoleIngest}
			c.Spec.NodeSets = append(c.Spec.NodeSets, esspec.NodeSet{Name: "warm", Count: new(int32(2)), Roles: []esspec.Role{esspec.RoleDataWarm},
				Resources: esspec.Resources{Memory: quantity("8Gi")}, Storage: esspec.Storage{Size: quantity("2Ti")}})
		}, field.ErrorList{
			field.Required(field.NewPath("spec", "nodeSets"),
				"nodeSets data, warm hold data tiers, but no nodeSet with nodes has the data or data_content role: indices outside data streams, the system indices among them, go to the content tier only, so they stay unassigned, the cluster is red and Kibana cannot start; add data_content to the roles of nodeSet data (Elastic puts it beside data_hot)"),
		}},
		{"a cold tier alone on 7.10", func(c *esspec.Cluster) {
			c.Spec.Version = "7.10.2"
			c.Spec.NodeSets[1].Roles = []esspec.Role{esspec.RoleDataCold}
		}, field.ErrorList{
			field.Required(field.NewPath("spec", "nodeSets"),
				"nodeSet data holds a data tier, but no nodeSet with nodes has the data or data_content role: indices outside data streams, the system indices among them, go to the content tier only, so they stay unassigned, the cluster is red and Kibana cannot start; add data_content to the roles of a nodeSet with nodes"),
		}},
		{"the content tier scaled to zero", func(c *esspec.Cluster) {
			c.Spec.NodeSets[1].Roles = []esspec.Role{esspec.RoleDataHot}
			c.Spec.NodeSets = append(c.Spec.NodeSets, esspec.NodeSet{Name: "content", Count: new(int32(0)), Roles: []esspec.Role{esspec.RoleDataContent},
				Resources: esspec.Resources{Memory: quantity("8Gi")}, Storage: esspec.Storage{Size: quantity("1Ti")}})
		}, field.ErrorList{
			field.Required(field.NewPath("spec", "nodeSets"), "nodeSet data holds a data tier, but no nodeSet with nodes has the data or data_content role"),
		}},
		{"a content tier of its own", func(c *esspec.Cluster) {
			c.Spec.NodeSets[1].Roles = []esspec.Role{esspec.RoleDataHot}
			c.Spec.NodeSets = append(c.Spec.NodeSets, esspec.NodeSet{Name: "content", Count: new(int32(2)), Roles: []esspec.Role{esspec.RoleDataContent},
				Resources: esspec.Resources{Memory: quantity("8Gi")}, Storage: esspec.Storage{Size: quantity("1Ti")}})
		}, nil},
		{"a warm tier beside generic data nodes", func(c *esspec.Cluster) {
			c.Spec.NodeSets = append(c.Spec.NodeSets, esspec.NodeSet{Name: "warm", Count: new(int32(2)), Roles: []esspec.Role{esspec.RoleDataWarm},
				Resources: esspec.Resources{Memory: quantity("8Gi")}, Storage: esspec.Storage{Size: quantity("2Ti")}})
		}, nil},
		{"no data node at all", func(c *esspec.Cluster) { c.Spec.NodeSets = c.Spec.NodeSets[:1] }, nil},
		{"StatefulSet name too long with a rack", func(c *esspec.Cluster) {
			c.Spec.Topology.RackLabel = "esaas.hosts.rack"
			c.Spec.Topology.Racks = []string{"r1", "a-rack-id-that-is-really-far-too-long1"}
		}, field.ErrorList{
			field.Invalid(nodeSet0.Child("name"), nil, `"logs-es-master-a-rack-id-that-is-really-far-too-long1" is 53 characters; with the pods' controller revision hash it must be at most 52: shorten this nodeSet name, metadata.name or rack id a-rack-id-that-is-really-far-too-long1`),
		}},
		{"rack settings in config", func(c *esspec.Cluster) {
			c.Spec.Topology.RackLabel = "esaas.hosts.rack"
			c.Spec.Topology.Racks = []string{"r1", "r2", "r3"}
			c.Spec.NodeSets[1].Config = esspec.Settings{"node.attr.rack_id": "r9", "cluster.routing.allocation.awareness.attributes": "zone"}
		}, field.ErrorList{
			field.Forbidden(nodeSet1.Child("config").Key("cluster.routing.allocation.awareness.attributes"), "spec.topology.racks"),
			field.Forbidden(nodeSet1.Child("config").Key("node.attr.rack_id"), "spec.topology.racks"),
		}},
		{"kibana 8.x without a service account token", func(c *esspec.Cluster) { c.Spec.Kibana.Count = 1 }, field.ErrorList{
			field.Required(field.NewPath("spec", "kibana", "serviceAccountTokenSecret"), "refuses the elastic superuser"),
		}},
		{"kibana 8.x with a password", func(c *esspec.Cluster) {
			c.Spec.Kibana = esspec.Kibana{Count: 1, ServiceAccountTokenSecret: "kb-token", PasswordSecret: "kb-pw"}
		}, field.ErrorList{
			field.Invalid(field.NewPath("spec", "kibana", "passwordSecret"), "kb-pw", "serviceAccountTokenSecret, not a password"),
		}},
		{"kibana 7.x without a password", func(c *esspec.Cluster) {
			c.Spec.Version = "7.17.29"
			c.Spec.Kibana.Count = 1
		}, field.ErrorList{
			field.Required(field.NewPath("spec", "kibana", "passwordSecret"), "kibana_system"),
		}},
		{"kibana image of another minor", func(c *esspec.Cluster) {
			c.Spec.Kibana = esspec.Kibana{Count: 1, ServiceAccountTokenSecret: "kb-token", Image: "docker.elastic.co/kibana/kibana:8.18.8"}
		}, field.ErrorList{
			field.Invalid(field.NewPath("spec", "kibana", "image"), "docker.elastic.co/kibana/kibana:8.18.8",
				"the tag must be a Kibana 8.19 release (8.19.20 for Elasticsearch 8.19.20): Kibana refuses an Elasticsearch of another major and is not supported on another minor; use docker.elastic.co/kibana/kibana:8.19.20"),
		}},
		{"kibana image of another patch", func(c *esspec.Cluster) {
			c.Spec.Kibana = esspec.Kibana{Count: 1, ServiceAccountTokenSecret: "kb-token", Image: "docker.elastic.co/kibana/kibana:8.19.19"}
		}, nil},
		{"kibana mirror of another minor", func(c *esspec.Cluster) {
			c.Spec.Kibana = esspec.Kibana{Count: 1, ServiceAccountTokenSecret: "kb-token", Image: "registry.internal/elastic/kibana:9.0.8-amd64"}
		}, field.ErrorList{
			field.Invalid(field.NewPath("spec", "kibana", "image"), nil, "the tag must be a Kibana 8.19 release"),
		}},
		{"kibana mirror with its own tag", func(c *esspec.Cluster) {
			c.Spec.Kibana = esspec.Kibana{Count: 1, ServiceAccountTokenSecret: "kb-token", Image: "registry.internal/elastic/kibana:stable"}
		}, nil},
		{"kibana official image with a moving tag", func(c *esspec.Cluster) {
			c.Spec.Kibana = esspec.Kibana{Count: 1, ServiceAccountTokenSecret: "kb-token", Image: "elastic/kibana:8"}
		}, field.ErrorList{
			field.Invalid(field.NewPath("spec", "kibana", "image"), "elastic/kibana:8",
				"the tag must be the Kibana version (8.19.20 for Elasticsearch 8.19.20), not a tag that moves to other versions: use elastic/kibana:8.19.20"),
		}},
		{"kibana image with white space", func(c *esspec.Cluster) {
			c.Spec.Kibana = esspec.Kibana{Count: 1, ServiceAccountTokenSecret: "kb-token", Image: "kibana 8.19.20"}
		}, field.ErrorList{
			field.Invalid(field.NewPath("spec", "kibana", "image"), "kibana 8.19.20", "no white space"),
		}},
		{"kibana on 2.x", func(c *esspec.Cluster) {
			c.Spec.Version = "2.4.6"
			c.Spec.Security = esspec.Security{Enabled: new(false)}
			c.Spec.NodeSets[1].Roles = []esspec.Role{esspec.RoleData}
			c.Spec.Kibana.Count = 1
		}, nil},
		{"kibana on 2.x under restricted Pod Security", func(c *esspec.Cluster) {
			c.Spec.Version = "2.4.6"
			c.Spec.Security = esspec.Security{Enabled: new(false)}
			c.Spec.NodeSets[1].Roles = []esspec.Role{esspec.RoleData}
			c.Spec.Kibana.Count = 2
			c.Spec.PodSecurity = esspec.PodSecurityRestricted
		}, field.ErrorList{
			field.Forbidden(field.NewPath("spec", "podSecurity"), "image starts as root"),
			field.Forbidden(field.NewPath("spec", "kibana", "count"),
				`the Kibana 4.6.6 image starts as root to write its kibana.yml and steps down to the kibana user with gosu, which Pod Security level "restricted" forbids: use baseline, or set spec.kibana.count: 0`),
		}},
		{"kibana 4.x from Elastic's registry", func(c *esspec.Cluster) {
			c.Spec.Version = "2.3.5"
			c.Spec.Security = esspec.Security{Enabled: new(false)}
			c.Spec.NodeSets[1].Roles = []esspec.Role{esspec.RoleData}
			c.Spec.Kibana = esspec.Kibana{Count: 1, Image: "docker.elastic.co/kibana/kibana:4.5.4"}
		}, field.ErrorList{
			field.Invalid(field.NewPath("spec", "kibana", "image"), "docker.elastic.co/kibana/kibana:4.5.4",
				"Elastic's registry starts at 5.0: Elasticsearch 2.3.5 takes Kibana 4.5.4, use Docker Hub's kibana:4.5.4"),
		}},
		{"kibana 4.x of another minor on 2.x", func(c *esspec.Cluster) {
			c.Spec.Version = "2.4.6"
			c.Spec.Security = esspec.Security{Enabled: new(false)}
			c.Spec.NodeSets[1].Roles = []esspec.Role{esspec.RoleData}
			c.Spec.Kibana = esspec.Kibana{Count: 1, Image: "kibana:4.5.4"}
		}, field.ErrorList{
			field.Invalid(field.NewPath("spec", "kibana", "image"), "kibana:4.5.4",
				"the tag must be a Kibana 4.6 release (4.6.6 for Elasticsearch 2.4.6)"),
		}},
		{"kibana 5.x on 2.x", func(c *esspec.Cluster) {
			c.Spec.Version = "2.4.6"
			c.Spec.Security = esspec.Security{Enabled: new(false)}
			c.Spec.NodeSets[1].Roles = []esspec.Role{esspec.RoleData}
			c.Spec.Kibana = esspec.Kibana{Count: 1, Image: "kibana:5.6.16"}
		}, field.ErrorList{
			field.Invalid(field.NewPath("spec", "kibana", "image"), nil, "the tag must be a Kibana 4.6 release (4.6.6 for Elasticsearch 2.4.6): Kibana refuses an Elasticsearch of another major and is not supported on another minor; use kibana:4.6.6"),
		}},
		{"bad plugins", func(c *esspec.Cluster) {
			c.Spec.Plugins = esspec.Plugins{Repository: "ftp://mirror", Install: []string{"analysis-icu", "Bad Name", "x@notaurl"}}
			c.Spec.NodeSets[0].Plugins = []string{"analysis-icu"}
		}, field.ErrorList{
			field.Invalid(field.NewPath("spec", "plugins", "repository"), "ftp://mirror", "http, https or file URL"),
			field.Invalid(field.NewPath("spec", "plugins", "install").Index(1), "Bad Name", "plugin name"),
			field.Invalid(field.NewPath("spec", "plugins", "install").Index(2), "x@notaurl", "the URL after @"),
			field.Duplicate(nodeSet0.Child("plugins").Index(0), nil),
		}},
		{"issuer and secret both", func(c *esspec.Cluster) {
			c.Spec.Security.TLS.IssuerRef = &esspec.IssuerRef{Name: "ca", Kind: "Cluster"}
		}, field.ErrorList{
			field.NotSupported[string](field.NewPath("spec", "security", "tls", "issuerRef", "kind"), "Cluster", nil),
			field.Invalid(field.NewPath("spec", "security", "tls", "issuerRef"), nil, "not both"),
			field.Required(field.NewPath("metadata", "namespace"), "set metadata.namespace"),
		}},
		{"issuer with security off", func(c *esspec.Cluster) {
			c.Metadata.Namespace = "search"
			c.Spec.Security = esspec.Security{Enabled: new(false), TLS: esspec.TLS{IssuerRef: &esspec.IssuerRef{Name: "ca"}}}
		}, field.ErrorList{
			field.Invalid(field.NewPath("spec", "security", "tls", "issuerRef"), "ca", "TLS is part of Elasticsearch security"),
		}},
		{"memory limit too small, from limits", func(c *esspec.Cluster) {
			c.Spec.NodeSets[1].Resources = esspec.Resources{Limits: corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("300Mi")}}
		}, field.ErrorList{
			field.Invalid(nodeSet1.Child("resources", "limits").Key("memory"), "300Mi", "too small"),
		}},
		{"keystore on 5.2", func(c *esspec.Cluster) {
			c.Spec.Version = "5.2.2"
			c.Spec.Security = esspec.Security{Enabled: new(false), SecureSettings: []esspec.SecureSettingsSource{{SecretName: "s3"}, {SecretName: "s3"}}}
		}, field.ErrorList{
			field.Duplicate(field.NewPath("spec", "security", "secureSettings").Index(1).Child("secretName"), nil),
			field.Forbidden(field.NewPath("spec", "security", "secureSettings"), "has no keystore (it exists from 5.3)"),
		}},
		{"keystore revisions", func(c *esspec.Cluster) {
			c.Spec.Security.SecureSettings = []esspec.SecureSettingsSource{{SecretName: "s3", Revision: "2026-12-02"}, {SecretName: "gcs"}}
		}, nil},
		{"keystore revision that is not a label value", func(c *esspec.Cluster) {
			c.Spec.Security.SecureSettings = []esspec.SecureSettingsSource{
				{SecretName: "s3", Revision: "2026-12-02T10:00Z"}, {SecretName: "gcs", Revision: strings.Repeat("1", 64)},
			}
		}, field.ErrorList{
			field.Invalid(field.NewPath("spec", "security", "secureSettings").Index(0).Child("revision"), "2026-12-02T10:00Z",
				"names the Secret's contents in the pods' template: a valid label must be an empty string or consist of alphanumeric characters"),
			field.Invalid(field.NewPath("spec", "security", "secureSettings").Index(1).Child("revision"), nil,
				"names the Secret's contents in the pods' template: must be no more than 63 bytes"),
		}},
		{"empty patch", func(c *esspec.Cluster) { c.Spec.Patches = []esspec.Patch{{Patch: " "}} }, field.ErrorList{
			field.Required(field.NewPath("spec", "patches").Index(0).Child("patch"), "strategic-merge"),
		}},
		{"unknown update strategy", func(c *esspec.Cluster) { c.Spec.UpdateStrategy = "OnDelete" }, field.ErrorList{
			field.NotSupported[string](field.NewPath("spec", "updateStrategy"), "OnDelete", nil),
		}},
		{"update strategies", func(c *esspec.Cluster) { c.Spec.UpdateStrategy = esspec.UpdateRollingUpdate }, nil},
		{"disposable production cluster", func(c *esspec.Cluster) { c.Spec.Disposable = true }, field.ErrorList{
			field.Forbidden(field.NewPath("spec", "disposable"), "only a development cluster may be marked disposable"),
		}},
		{"disposable development cluster", func(c *esspec.Cluster) {
			c.Spec.Profile, c.Spec.Disposable = esspec.ProfileDevelopment, true
		}, nil},
		{"7.x realms without a file realm", func(c *esspec.Cluster) {
			c.Spec.Version = "7.17.29"
			c.Spec.NodeSets[1].Config = esspec.Settings{"xpack.security.authc.realms.ldap.ldap1.order": 0, "xpack.security.authc.realms.native.native1.order": 1}
		}, field.ErrorList{
			field.Invalid(nodeSet1.Child("config").Key("xpack.security.authc.realms.ldap.ldap1.order"), nil,
				"add xpack.security.authc.realms.file.file1.order: -100"),
		}},
		{"7.x realms with a file realm", func(c *esspec.Cluster) {
			c.Spec.Version = "7.17.29"
			c.Spec.NodeSets[1].Config = esspec.Settings{"xpack.security.authc.realms.ldap.ldap1.order": 0, "xpack.security.authc.realms.file.file1.order": -100}
		}, nil},
		{"6.x realms without a file realm", func(c *esspec.Cluster) {
			c.Spec.Version = "6.8.23"
			c.Spec.NodeSets[1].Config = esspec.Settings{"xpack.security.authc.realms.ldap1.type": "ldap"}
		}, field.ErrorList{
			field.Invalid(nodeSet1.Child("config").Key("xpack.security.authc.realms.ldap1.type"), nil,
				"add xpack.security.authc.realms.file1.type: file"),
		}},
		{"6.x realms with a file realm", func(c *esspec.Cluster) {
			c.Spec.Version = "6.8.23"
			c.Spec.NodeSets[1].Config = esspec.Settings{"xpack.security.authc.realms.ldap1.type": "ldap", "xpack.security.authc.realms.f.type": "file"}
		}, nil},
		{"8.x keeps the file realm on beside others", func(c *esspec.Cluster) {
			c.Spec.NodeSets[1].Config = esspec.Settings{"xpack.security.authc.realms.ldap.ldap1.order": 0}
		}, nil},
		{"monitoring", func(c *esspec.Cluster) {
			c.Spec.Monitoring = esspec.Monitoring{Enabled: true, CredentialsSecret: "logs-es-monitoring", Labels: map[string]string{"release": "prom"}}
		}, nil},
		{"monitoring without credentials under security", func(c *esspec.Cluster) {
			c.Spec.Monitoring.Enabled = true
		}, field.ErrorList{
			field.Required(monitoring.Child("credentialsSecret"), `name an existing Secret with keys "username" and "password"`),
		}},
		{"monitoring credentials without security", func(c *esspec.Cluster) {
			c.Spec.Security = esspec.Security{Enabled: new(false)}
			c.Spec.Monitoring = esspec.Monitoring{Enabled: true, CredentialsSecret: "mon"}
		}, field.ErrorList{
			field.Invalid(monitoring.Child("credentialsSecret"), "mon", "has no effect while security is disabled"),
		}},
		{"monitoring of 2.x", func(c *esspec.Cluster) {
			c.Spec.Version, c.Spec.Security = "2.4.6", esspec.Security{}
			c.Spec.NodeSets[0].Roles, c.Spec.NodeSets[1].Roles = nil, nil
			c.Spec.Monitoring.Enabled = true
		}, field.ErrorList{
			field.Forbidden(monitoring.Child("enabled"), "the elasticsearch_exporter supports Elasticsearch 5.0 and later, not 2.4.6"),
		}},
		{"monitoring of 5.0", func(c *esspec.Cluster) {
			c.Spec.Version, c.Spec.Security = "5.0.0", esspec.Security{}
			c.Spec.NodeSets[0].Roles, c.Spec.NodeSets[1].Roles = nil, nil
			c.Spec.Monitoring.Enabled = true
		}, nil},
		{"monitoring fields while off", func(c *esspec.Cluster) {
			c.Spec.Monitoring.CredentialsSecret = "mon"
		}, field.ErrorList{
			field.Invalid(monitoring.Child("enabled"), false, "set enabled: true, or remove them"),
		}},
		{"monitoring thresholds", func(c *esspec.Cluster) {
			c.Spec.Monitoring = esspec.Monitoring{Enabled: true, CredentialsSecret: "mon", Image: "exporter latest", Interval: "30 s",
				Labels: map[string]string{"esgen.dev/x": "y"},
				Alerts: esspec.Alerts{RedFor: "1 minute", YellowFor: "0", HeapPercent: 101, DiskWatermark: "95"}}
		}, field.ErrorList{
			field.Invalid(monitoring.Child("image"), "exporter latest", "no white space"),
			field.Invalid(monitoring.Child("interval"), "30 s", "a Prometheus duration"),
			field.Forbidden(monitoring.Child("labels").Key("esgen.dev/x"), "set by esgen"),
			field.Invalid(monitoring.Child("alerts", "redFor"), "1 minute", "a Prometheus duration"),
			field.Invalid(monitoring.Child("alerts", "yellowFor"), "0", "above 0"),
			field.Invalid(monitoring.Child("alerts", "heapPercent"), int32(101), "between 1 and 100"),
			field.Invalid(monitoring.Child("alerts", "diskWatermark"), "95", "a ratio must be above 0 and at most 1"),
		}},
		{"monitoring disk watermark", func(c *esspec.Cluster) {
			c.Spec.Monitoring = esspec.Monitoring{Enabled: true, CredentialsSecret: "mon", Alerts: esspec.Alerts{DiskWatermark: "99 percent"}}
		}, field.ErrorList{
			field.Invalid(monitoring.Child("alerts", "diskWatermark"), "99 percent", "must be a percentage (90%), a ratio (0.9) or a free space (50gb)"),
		}},
		{"monitoring with an unreadable watermark in the masters' config", func(c *esspec.Cluster) {
			c.Spec.NodeSets[0].Config = esspec.Settings{esspec.DiskWatermarkSetting: "99 percent"}
			c.Spec.Monitoring = esspec.Monitoring{Enabled: true, CredentialsSecret: "mon"}
		}, nil},
		{"bad toleration", func(c *esspec.Cluster) {
			c.Spec.NodeSets[1].Tolerations = []corev1.Toleration{{Key: "dedicated", Operator: "Exists", Value: "es"}}
		}, field.ErrorList{
			field.Invalid(nodeSet1.Child("tolerations").Index(0).Child("value"), nil, "must be empty"),
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := parse(t, baseSpec)
			tc.mutate(c)
			esspec.SetDefaults(c)
			errs, _ := esspec.Validate(c)
			matcher.Test(t, tc.want, errs)
		})
	}
}

func TestValidateWarnings(t *testing.T) {
	matcher := field.ErrorMatcher{}.ByType().ByField().ByDetailSubstring()
	for _, tc := range []struct {
		name   string
		mutate func(c *esspec.Cluster)
		want   field.ErrorList
	}{
		{"none", func(*esspec.Cluster) {}, nil},
		{"security without a password Secret", func(c *esspec.Cluster) { c.Spec.Security.ElasticPasswordSecret = "" }, field.ErrorList{
			field.Required(field.NewPath("spec", "security", "elasticPasswordSecret"), "gets no password"),
		}},
		{"even number of masters", func(c *esspec.Cluster) { c.Spec.NodeSets[0].Count = new(int32(4)) }, field.ErrorList{
			field.Invalid(nodeSet0.Child("count"), nil, "4 master-eligible nodes tolerate 1 failed master(s), no more than 3 would"),
		}},
		{"two master nodeSets, even in total", func(c *esspec.Cluster) {
			c.Spec.NodeSets[1].Roles = []esspec.Role{esspec.RoleMaster, esspec.RoleData}
		}, field.ErrorList{
			field.Invalid(field.NewPath("spec", "nodeSets"), nil, "6 master-eligible nodes tolerate 2 failed master(s), no more than 5 would"),
		}},
		{"single master in production", func(c *esspec.Cluster) { c.Spec.NodeSets[0].Count = new(int32(1)) }, field.ErrorList{
			field.Invalid(nodeSet0.Child("count"), nil, "production clusters need 3"),
		}},
		{"single master in development", func(c *esspec.Cluster) {
			c.Spec.Profile = esspec.ProfileDevelopment
			c.Spec.NodeSets[0].Count = new(int32(1))
		}, nil},
		{"heap at 32g", func(c *esspec.Cluster) {
			c.Spec.NodeSets[1].Resources.Memory = quantity("64Gi")
			c.Spec.NodeSets[1].Heap = "32g"
		}, field.ErrorList{
			field.Invalid(nodeSet1.Child("heap"), "32g", "compressed object pointers"),
		}},
		{"heap above 75% of the memory limit", func(c *esspec.Cluster) { c.Spec.NodeSets[1].Heap = "13g" }, field.ErrorList{
			field.Invalid(nodeSet1.Child("heap"), "13g", "above 75% of the memory limit 16Gi"),
		}},
		{"heap at 75% of the memory limit", func(c *esspec.Cluster) { c.Spec.NodeSets[1].Heap = "12g" }, nil},
		{"a LoadBalancer behind the NetworkPolicy", func(c *esspec.Cluster) {
			c.Spec.NetworkPolicy = true
			c.Spec.HTTP.ServiceType = "LoadBalancer"
		}, field.ErrorList{
			field.Invalid(field.NewPath("spec", "http", "serviceType"), "LoadBalancer", "admits port 9200 from the namespace only"),
		}},
		{"required rack anti-affinity without racks", func(c *esspec.Cluster) {
			c.Spec.Topology.RackLabel = "esaas.hosts.rack"
			c.Spec.NodeSets[1].Count = new(int32(5))
		}, field.ErrorList{
			field.Invalid(field.NewPath("spec", "topology", "rackAntiAffinity"), "required",
				"every pod of a nodeSet needs its own rack: nodeSet data needs 5 racks labelled esaas.hosts.rack, and with fewer its pods stay Pending; state how many racks there are in spec.topology.rackCount to have esgen check the layout"),
		}},
		{"required rack anti-affinity with the racks counted", func(c *esspec.Cluster) {
			c.Spec.Topology.RackLabel = "esaas.hosts.rack"
			c.Spec.Topology.RackCount = 5
			c.Spec.NodeSets[1].Count = new(int32(5))
		}, nil},
		{"preferred rack anti-affinity without racks", func(c *esspec.Cluster) {
			c.Spec.Topology.RackLabel = "esaas.hosts.rack"
			c.Spec.Topology.RackAntiAffinity = esspec.AntiAffinityPreferred
		}, nil},
		{"a warm tier of one node", func(c *esspec.Cluster) {
			c.Spec.NodeSets[1].Roles = []esspec.Role{esspec.RoleDataHot, esspec.RoleDataContent}
			c.Spec.NodeSets = append(c.Spec.NodeSets, esspec.NodeSet{Name: "warm", Count: new(int32(1)),
				Roles: []esspec.Role{esspec.RoleDataWarm}, Resources: esspec.Resources{Memory: quantity("8Gi")}, Storage: esspec.Storage{Size: quantity("2Ti")}})
		}, field.ErrorList{
			field.Invalid(field.NewPath("spec", "nodeSets").Index(2).Child("count"), nil,
				"the data_warm tier has one node, where no replica can go beside its primary: its indices' replicas are never assigned"),
		}},
		{"a frozen tier of one node keeps no replicas", func(c *esspec.Cluster) {
			c.Spec.NodeSets[1].Roles = []esspec.Role{esspec.RoleDataHot, esspec.RoleDataContent}
			c.Spec.NodeSets = append(c.Spec.NodeSets, esspec.NodeSet{Name: "frozen", Count: new(int32(1)),
				Roles: []esspec.Role{esspec.RoleDataFrozen}, Resources: esspec.Resources{Memory: quantity("8Gi")}, Storage: esspec.Storage{Size: quantity("2Ti")}})
		}, nil},
		{"one data node in all: its pods wait for yellow", func(c *esspec.Cluster) { c.Spec.NodeSets[1].Count = new(int32(1)) }, nil},
		{"two one-node data nodeSets in the first of three racks", func(c *esspec.Cluster) {
			c.Spec.Topology = esspec.Topology{RackLabel: "rack", Racks: []string{"r1", "r2", "r3"}}
			c.Spec.NodeSets[0].Count = new(int32(3))
			c.Spec.NodeSets[1].Count = new(int32(1))
			c.Spec.NodeSets = append(c.Spec.NodeSets, esspec.NodeSet{Name: "data2", Count: new(int32(1)),
				Roles: []esspec.Role{esspec.RoleData}, Resources: esspec.Resources{Memory: quantity("8Gi")}, Storage: esspec.Storage{Size: quantity("1Ti")}})
		}, field.ErrorList{
			field.Invalid(field.NewPath("spec", "nodeSets").Index(1).Child("count"), nil, "1 nodes over 3 racks"),
			field.Invalid(field.NewPath("spec", "nodeSets").Index(2).Child("count"), nil, "1 nodes over 3 racks"),
			field.Invalid(field.NewPath("spec", "nodeSets"), nil, "the data nodes sit in rack r1 only, and forced rack awareness"),
		}},
		{"zone spread of data nodes: Elasticsearch does not know the zones", func(c *esspec.Cluster) {
			c.Spec.Topology.ZoneSpread = true
		}, field.ErrorList{
			field.Invalid(field.NewPath("spec", "topology", "zoneSpread"), true,
				"spreads the pods over zones, but Elasticsearch does not know the zones: a shard's primary and replica can sit on two of the 3 data nodes in one zone, and losing that zone loses both; "+
					"to keep them apart, name the zones as racks (rackLabel: topology.kubernetes.io/zone, racks: [each zone]): one StatefulSet per nodeSet and zone, with forced shard allocation awareness; then remove zoneSpread"),
		}},
		{"zone spread counts the data nodes of every nodeSet and tier", func(c *esspec.Cluster) {
			c.Spec.Topology.ZoneSpread = true
			c.Spec.NodeSets[1].Count = new(int32(2))
			c.Spec.NodeSets[1].Roles = []esspec.Role{esspec.RoleDataHot, esspec.RoleDataContent}
			c.Spec.NodeSets = append(c.Spec.NodeSets, esspec.NodeSet{Name: "warm", Count: new(int32(2)),
				Roles: []esspec.Role{esspec.RoleDataWarm}, Resources: esspec.Resources{Memory: quantity("8Gi")},
				Storage: esspec.Storage{Size: quantity("100Gi")}})
		}, field.ErrorList{
			field.Invalid(field.NewPath("spec", "topology", "zoneSpread"), true, "can sit on two of the 4 data nodes in one zone"),
		}},
		{"zone spread with one data node: no replica to keep apart", func(c *esspec.Cluster) {
			c.Spec.Topology.ZoneSpread = true
			c.Spec.NodeSets[1].Count = new(int32(1))
		}, nil},
		{"zones named as racks: forced awareness keeps copies apart", func(c *esspec.Cluster) {
			c.Spec.Topology.RackLabel = "topology.kubernetes.io/zone"
			c.Spec.Topology.Racks = []string{"eu-west-1a", "eu-west-1b", "eu-west-1c"}
		}, nil},
		{"zones named as racks, zone spread left on", func(c *esspec.Cluster) {
			c.Spec.Topology.RackLabel = "topology.kubernetes.io/zone"
			c.Spec.Topology.Racks = []string{"eu-west-1a", "eu-west-1b", "eu-west-1c"}
			c.Spec.Topology.ZoneSpread = true
		}, nil},
		{"racks: even layout", func(c *esspec.Cluster) {
			c.Spec.Topology.RackLabel = "esaas.hosts.rack"
			c.Spec.Topology.Racks = []string{"r1", "r2", "r3"}
		}, nil},
		{"racks with rack anti-affinity", func(c *esspec.Cluster) {
			c.Spec.Topology.RackLabel = "esaas.hosts.rack"
			c.Spec.Topology.Racks = []string{"r1", "r2", "r3"}
			c.Spec.Topology.RackAntiAffinity = esspec.AntiAffinityRequired
		}, field.ErrorList{
			field.Invalid(field.NewPath("spec", "topology", "rackAntiAffinity"), "required", "has no effect while racks are listed"),
		}},
		{"racks: fewer nodes than racks", func(c *esspec.Cluster) {
			c.Spec.Topology.RackLabel = "esaas.hosts.rack"
			c.Spec.Topology.Racks = []string{"r1", "r2", "r3"}
			c.Spec.NodeSets[1].Count = new(int32(2))
		}, field.ErrorList{
			field.Invalid(nodeSet1.Child("count"), nil, "2 nodes over 3 racks: 1 rack(s) hold none of nodeSet data"),
		}},
		{"racks: 3 masters over 2 racks lose the quorum with the first rack", func(c *esspec.Cluster) {
			c.Spec.Topology.RackLabel = "esaas.hosts.rack"
			c.Spec.Topology.Racks = []string{"r1", "r2"}
		}, field.ErrorList{
			field.Invalid(nodeSet0.Child("count"), nil, "3 master-eligible nodes of nodeSet master over 2 racks: losing rack r1 (2 of them) leaves 1, short of the quorum of 2"),
		}},
		{"racks: 5 masters over 3 racks keep a quorum", func(c *esspec.Cluster) {
			c.Spec.Topology.RackLabel = "esaas.hosts.rack"
			c.Spec.Topology.Racks = []string{"r1", "r2", "r3"}
			c.Spec.NodeSets[0].Count = new(int32(5))
		}, nil},
		{"racks: masters in two nodeSets", func(c *esspec.Cluster) {
			c.Spec.Topology.RackLabel = "esaas.hosts.rack"
			c.Spec.Topology.Racks = []string{"r1", "r2", "r3"}
			c.Spec.NodeSets[0].Count = new(int32(1))
			c.Spec.NodeSets[1].Count = new(int32(4))
			c.Spec.NodeSets[1].Roles = []esspec.Role{esspec.RoleMaster, esspec.RoleData}
		}, field.ErrorList{
			field.Invalid(nodeSet0.Child("count"), nil, "1 nodes over 3 racks"),
			field.Invalid(field.NewPath("spec", "nodeSets"), nil, "5 master-eligible nodes of nodeSet master, data over 3 racks: losing rack r1 (3 of them) leaves 2, short of the quorum of 3"),
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := parse(t, baseSpec)
			tc.mutate(c)
			esspec.SetDefaults(c)
			errs, warnings := esspec.Validate(c)
			if len(errs) > 0 {
				t.Fatalf("unexpected errors: %v", errs)
			}
			matcher.Test(t, tc.want, warnings)
		})
	}
}

func TestValidateDoesNotMutate(t *testing.T) {
	c := parse(t, baseSpec)
	esspec.SetDefaults(c)
	before := marshal(t, c)
	esspec.Validate(c)
	if after := marshal(t, c); after != before {
		t.Errorf("Validate changed the spec:\n%s\n---\n%s", before, after)
	}
}
