package esspec

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
)

// APIVersion and Kind identify an esgen spec document; both are required so
// that a spec is never mistaken for, or applied as, a Kubernetes object.
const (
	APIVersion = "esgen.dev/v1alpha1"
	Kind       = "ElasticsearchCluster"
)

// Cluster is one Elasticsearch cluster spec: the document SPEC.md describes.
// Field names follow the YAML keys, which are a contract with users.
type Cluster struct {
	// APIVersion must be esgen.dev/v1alpha1.
	APIVersion string `json:"apiVersion" jsonschema:"required,enum=esgen.dev/v1alpha1"`
	// Kind must be ElasticsearchCluster.
	Kind string `json:"kind" jsonschema:"required,enum=ElasticsearchCluster"`
	// Metadata names the cluster and carries labels and annotations for every rendered object.
	Metadata Metadata `json:"metadata" jsonschema:"required"`
	// Spec describes the cluster.
	Spec Spec `json:"spec" jsonschema:"required"`

	// source remembers where each field came from, for error messages.
	source sourceMap
}

// Metadata names the cluster. Name is the Elasticsearch cluster.name and the
// prefix of every generated object name.
type Metadata struct {
	// Name of the cluster: a DNS-1035 label; every generated name must fit 63 characters.
	Name string `json:"name" jsonschema:"required"`
	// Namespace of every rendered object; when empty, rendered objects carry no namespace.
	Namespace string `json:"namespace,omitempty"`
	// Labels added to every rendered object and pod.
	Labels map[string]string `json:"labels,omitempty"`
	// Annotations added to every rendered object.
	Annotations map[string]string `json:"annotations,omitempty"`
}

// Profile selects defaults suited to production or development.
type Profile string

// Profiles.
const (
	// ProfileProduction requires memory limits, keeps pods on distinct servers
	// and stores data in PersistentVolumeClaims by default.
	ProfileProduction Profile = "production"
	// ProfileDevelopment prefers (but does not require) distinct servers,
	// keeps data in emptyDir volumes by default and allows single-node clusters.
	ProfileDevelopment Profile = "development"
)

// UpdateStrategy is how the StatefulSets replace pods whose template changed.
type UpdateStrategy string

// Update strategies.
const (
	// UpdateOnDelete renders updateStrategy OnDelete: kubectl apply
	// changes templates and restarts nothing; a pod takes the new
	// template when it is deleted (esgen rollout, a drain).
	UpdateOnDelete UpdateStrategy = "onDelete"
	// UpdateRollingUpdate renders updateStrategy RollingUpdate: each
	// StatefulSet replaces its pods one at a time, highest ordinal first,
	// as soon as the previous one is Ready; StatefulSets roll together.
	UpdateRollingUpdate UpdateStrategy = "rollingUpdate"
)

// PodSecurityLevel is a Kubernetes Pod Security Standard level.
type PodSecurityLevel string

// Pod Security Standard levels.
const (
	PodSecurityPrivileged PodSecurityLevel = "privileged"
	PodSecurityBaseline   PodSecurityLevel = "baseline"
	PodSecurityRestricted PodSecurityLevel = "restricted"
)

// AntiAffinity says how strictly pods of one nodeSet are kept apart.
type AntiAffinity string

// Anti-affinity modes.
const (
	// AntiAffinityRequired renders requiredDuringScheduling terms: a pod stays
	// Pending rather than share a server or rack with its nodeSet's other pods.
	AntiAffinityRequired AntiAffinity = "required"
	// AntiAffinityPreferred renders preferredDuringScheduling terms of weight 100.
	AntiAffinityPreferred AntiAffinity = "preferred"
	// AntiAffinityNone renders no anti-affinity term.
	AntiAffinityNone AntiAffinity = "none"
)

// Spec describes the Elasticsearch cluster.
type Spec struct {
	// Version of Elasticsearch, full x.y.z.
	Version string `json:"version" jsonschema:"required"`
	// Image of Elasticsearch; default: the official image for the version.
	Image string `json:"image,omitempty"`
	// ImagePullPolicy of every container.
	ImagePullPolicy corev1.PullPolicy `json:"imagePullPolicy,omitempty" jsonschema:"enum=Always,enum=IfNotPresent,enum=Never,default=IfNotPresent"`
	// ImagePullSecrets names existing Secrets used to pull images.
	ImagePullSecrets []string `json:"imagePullSecrets,omitempty"`
	// Profile is production or development.
	Profile Profile `json:"profile,omitempty" jsonschema:"enum=production,enum=development,default=production"`
	// UpdateStrategy says what kubectl apply does to pods whose template
	// changed: onDelete restarts nothing (esgen rollout restarts them
	// safely), rollingUpdate lets each StatefulSet replace them one at a
	// time. Empty: onDelete for master-eligible and data nodeSets in
	// production, rollingUpdate for the others and in development.
	UpdateStrategy UpdateStrategy `json:"updateStrategy,omitempty" jsonschema:"enum=onDelete,enum=rollingUpdate"`
	// Disposable marks a development cluster whose data may be lost: esgen
	// diff then reports restarts of nodes on emptyDir as disruptive, not unsafe.
	Disposable bool `json:"disposable,omitempty"`
	// Topology places pods on servers and racks.
	Topology Topology `json:"topology,omitzero"`
	// System holds what nodes and pods need for Elasticsearch's bootstrap checks.
	System System `json:"system,omitzero"`
	// Bootstrap controls the formation of a new cluster.
	Bootstrap Bootstrap `json:"bootstrap,omitzero"`
	// NodeSets are groups of identical Elasticsearch nodes; at least one.
	NodeSets []NodeSet `json:"nodeSets" jsonschema:"required,minItems=1"`
	// Plugins installed on every node.
	Plugins Plugins `json:"plugins,omitzero"`
	// Security configures authentication and TLS.
	Security Security `json:"security,omitzero"`
	// HTTP configures the client Service.
	HTTP HTTP `json:"http,omitzero"`
	// Transport configures node-to-node traffic on port 9300.
	Transport Transport `json:"transport,omitzero"`
	// NetworkPolicy renders a NetworkPolicy that admits transport traffic
	// from the cluster's own pods and HTTP from the namespace only.
	NetworkPolicy bool `json:"networkPolicy,omitempty"`
	// Kibana wired to the cluster.
	Kibana Kibana `json:"kibana,omitzero"`
	// Monitoring renders a Prometheus exporter for the cluster, and the
	// Prometheus Operator's ServiceMonitor and PrometheusRule for it.
	Monitoring Monitoring `json:"monitoring,omitzero"`
	// PodSecurity is the Pod Security Standard level every rendered pod must pass.
	PodSecurity PodSecurityLevel `json:"podSecurity,omitempty" jsonschema:"enum=privileged,enum=baseline,enum=restricted,default=privileged"`
	// Patches are kustomize patches applied to the rendered objects, last.
	Patches []Patch `json:"patches,omitempty"`
}

// Topology places a nodeSet's pods on distinct servers and racks.
type Topology struct {
	// RackLabel is the node label key whose value is a server's rack id, e.g. esaas.hosts.rack.
	RackLabel string `json:"rackLabel,omitempty"`
	// Racks lists rack ids to spread every nodeSet over, one StatefulSet per rack.
	Racks []string `json:"racks,omitempty"`
	// RackCount states how many racks the servers span (distinct values of
	// the rackLabel node label) when racks are not listed. esgen cannot
	// see the servers: with it, validation checks that required rack
	// anti-affinity, which gives every pod of a nodeSet a rack of its
	// own, has racks enough for every nodeSet; without it, validation can
	// only warn. Nothing is rendered from it.
	RackCount int32 `json:"rackCount,omitempty" jsonschema:"minimum=1,maximum=1000"`
	// RackAntiAffinity keeps a nodeSet's pods on distinct racks.
	RackAntiAffinity AntiAffinity `json:"rackAntiAffinity,omitempty" jsonschema:"enum=required,enum=preferred,enum=none"`
	// HostAntiAffinity keeps a nodeSet's pods on distinct servers.
	HostAntiAffinity AntiAffinity `json:"hostAntiAffinity,omitempty" jsonschema:"enum=required,enum=preferred,enum=none"`
	// ZoneSpread adds topologySpreadConstraints on topology.kubernetes.io/zone.
	// Elasticsearch does not learn the zones, so a shard's copies may share
	// one: to keep them apart, list the zones as racks with rackLabel
	// topology.kubernetes.io/zone instead.
	ZoneSpread bool `json:"zoneSpread,omitempty"`
}

// System holds the node and pod settings Elasticsearch's bootstrap checks need.
type System struct {
	// MaxMapCount is the vm.max_map_count the nodes need.
	MaxMapCount int64 `json:"maxMapCount,omitempty" jsonschema:"default=262144"`
	// SysctlInitContainer adds a privileged init container that raises vm.max_map_count;
	// false means the nodes are tuned already (required below the privileged level).
	SysctlInitContainer *bool `json:"sysctlInitContainer,omitempty"`
	// MemoryLock sets bootstrap.memory_lock and adds the IPC_LOCK and SYS_RESOURCE capabilities.
	MemoryLock *bool `json:"memoryLock,omitempty"`
	// FileDescriptors is the open-files limit the nodes' container runtime must give.
	FileDescriptors int64 `json:"fileDescriptors,omitempty" jsonschema:"default=65536"`
	// SystemCallFilter false renders bootstrap.system_call_filter: false (5.2 to 7.x only).
	SystemCallFilter *bool `json:"systemCallFilter,omitempty" jsonschema:"default=true"`
	// InitImage is the image of the sysctl init container.
	InitImage string `json:"initImage,omitempty" jsonschema:"default=busybox:1.36"`
}

// Bootstrap controls the formation of a brand-new cluster.
type Bootstrap struct {
	// InitialMasterNodes renders cluster.initial_master_nodes (7.x+) for a new cluster;
	// set it to false once the cluster has formed.
	InitialMasterNodes *bool `json:"initialMasterNodes,omitempty" jsonschema:"default=true"`
}

// Role is a version-neutral Elasticsearch node role.
type Role string

// Node roles. Render writes them in the form the version understands.
const (
	RoleMaster              Role = "master"
	RoleData                Role = "data"
	RoleIngest              Role = "ingest"
	RoleML                  Role = "ml"
	RoleDataHot             Role = "data_hot"
	RoleDataWarm            Role = "data_warm"
	RoleDataCold            Role = "data_cold"
	RoleDataFrozen          Role = "data_frozen"
	RoleDataContent         Role = "data_content"
	RoleTransform           Role = "transform"
	RoleRemoteClusterClient Role = "remote_cluster_client"
	RoleVotingOnly          Role = "voting_only"
)

// NodeSet is a group of identical Elasticsearch nodes: one StatefulSet.
type NodeSet struct {
	// Name of the nodeSet: a DNS-1123 label, unique in the cluster.
	Name string `json:"name" jsonschema:"required"`
	// Count is the number of nodes, 0 or more.
	Count *int32 `json:"count" jsonschema:"required,minimum=0,maximum=1000"`
	// Roles of the nodes; [] is a coordinating-only node. Default: the version's default roles.
	Roles []Role `json:"roles" jsonschema:"enum=master,enum=data,enum=ingest,enum=ml,enum=data_hot,enum=data_warm,enum=data_cold,enum=data_frozen,enum=data_content,enum=transform,enum=remote_cluster_client,enum=voting_only"`
	// Resources of the Elasticsearch container.
	Resources Resources `json:"resources,omitzero"`
	// Heap in JVM notation (4g, 4096m); default min(memory limit / 2, 31g); never above 32g.
	Heap string `json:"heap,omitempty"`
	// Storage of the data directory.
	Storage Storage `json:"storage,omitzero"`
	// Config holds extra elasticsearch.yml settings, dotted keys; settings esgen owns are rejected.
	Config Settings `json:"config,omitempty"`
	// Plugins installed on this nodeSet only.
	Plugins []string `json:"plugins,omitempty"`
	// Env holds extra environment variables of the Elasticsearch container.
	Env []corev1.EnvVar `json:"env,omitempty"`
	// NodeSelector of the pods.
	NodeSelector map[string]string `json:"nodeSelector,omitempty"`
	// Tolerations of the pods.
	Tolerations []corev1.Toleration `json:"tolerations,omitempty"`
	// PriorityClassName of the pods.
	PriorityClassName string `json:"priorityClassName,omitempty"`
	// PodLabels are added to the pods.
	PodLabels map[string]string `json:"podLabels,omitempty"`
	// PodAnnotations are added to the pods.
	PodAnnotations map[string]string `json:"podAnnotations,omitempty"`
}

// Resources of a container. CPU and Memory set both request and limit,
// unless Requests or Limits name that resource explicitly.
type Resources struct {
	// CPU request and limit.
	CPU *resource.Quantity `json:"cpu,omitempty"`
	// Memory request and limit; required in production, the heap is derived from it.
	Memory *resource.Quantity `json:"memory,omitempty"`
	// Requests are explicit container requests.
	Requests corev1.ResourceList `json:"requests,omitempty"`
	// Limits are explicit container limits.
	Limits corev1.ResourceList `json:"limits,omitempty"`
}

// Storage of a nodeSet's data directory: a PersistentVolumeClaim template
// (the default), a host directory, or an emptyDir.
type Storage struct {
	// Size of the PersistentVolumeClaim. Required in production for
	// master-eligible and data nodeSets that use no hostPath: esgen cannot
	// guess how much data they hold. Default otherwise: 10Gi (development
	// keeps data in an emptyDir unless emptyDir is false or a
	// storageClassName is named).
	Size *resource.Quantity `json:"size,omitempty"`
	// StorageClassName of the PersistentVolumeClaim; empty: the default StorageClass.
	StorageClassName string `json:"storageClassName,omitempty"`
	// HostPath is a host directory; each pod uses its own subdirectory.
	HostPath string `json:"hostPath,omitempty"`
	// EmptyDir keeps data in an ephemeral emptyDir volume.
	EmptyDir *bool `json:"emptyDir,omitempty"`
}

// Settings are elasticsearch.yml settings keyed by dotted setting name.
// Values are strings, numbers, booleans or lists of them.
type Settings map[string]any

// Plugins installed on every node.
type Plugins struct {
	// Repository is the base URL of an internal plugin mirror.
	Repository string `json:"repository,omitempty"`
	// Install lists plugins for every node (name, or name@URL).
	Install []string `json:"install,omitempty"`
}

// Security configures authentication and TLS.
type Security struct {
	// Enabled turns on Elasticsearch security; default true from 8.0, false before.
	Enabled *bool `json:"enabled,omitempty"`
	// ElasticPasswordSecret names an existing Secret with key "password" for the elastic user.
	ElasticPasswordSecret string `json:"elasticPasswordSecret,omitempty"`
	// TLS for transport and HTTP.
	TLS TLS `json:"tls,omitzero"`
	// SecureSettings are existing Secrets whose keys go into the keystore.
	SecureSettings []SecureSettingsSource `json:"secureSettings,omitempty"`
	// License states that the cluster runs under a paid license, gold or
	// platinum, which esgen cannot see. Only 6.0 to 6.7 and 7.0.x need it:
	// their free basic license has no security, so once a trial ends
	// Elasticsearch answers without credentials, and validation refuses
	// security on them unless the license is named (or the version is
	// 6.8+ or 7.1+). Nothing is rendered from it: install the license with
	// the license API.
	License License `json:"license,omitempty" jsonschema:"enum=gold,enum=platinum"`
}

// License is a paid Elasticsearch license level.
type License string

// Paid licenses with security on every version esgen renders security
// for. (The enterprise license type came in 7.6, after every version
// that needs License.)
const (
	LicenseGold     License = "gold"
	LicensePlatinum License = "platinum"
)

// TLS names where certificates come from.
type TLS struct {
	// SecretName names an existing Secret with tls.crt, tls.key and ca.crt.
	SecretName string `json:"secretName,omitempty"`
	// IssuerRef names a cert-manager issuer that signs the certificates.
	IssuerRef *IssuerRef `json:"issuerRef,omitempty"`
}

// IssuerRef refers to a cert-manager Issuer or ClusterIssuer.
type IssuerRef struct {
	// Name of the issuer.
	Name string `json:"name,omitempty"`
	// Kind is Issuer or ClusterIssuer.
	Kind string `json:"kind,omitempty"`
	// Group is the issuer's API group, cert-manager.io by default.
	Group string `json:"group,omitempty"`
}

// SecureSettingsSource names an existing Secret whose keys go into the keystore.
type SecureSettingsSource struct {
	// SecretName of the existing Secret.
	SecretName string `json:"secretName" jsonschema:"required"`
	// Revision names the Secret's contents, e.g. the date of its last
	// rotation. Each pod builds its keystore from the Secret when it
	// starts, so a changed Secret reaches no running node: change the
	// revision with the Secret, and the pods' template changes (annotation
	// esgen.dev/secure-settings-revision), so that esgen rollout restarts
	// them onto the new values (under rollingUpdate, apply does). A label
	// value: at most 63 letters, digits, '-', '_' or '.'.
	Revision string `json:"revision,omitempty"`
}

// HTTP configures the <cluster>-es-http Service.
type HTTP struct {
	// ServiceType of the client Service.
	ServiceType corev1.ServiceType `json:"serviceType,omitempty" jsonschema:"enum=ClusterIP,enum=NodePort,enum=LoadBalancer,default=ClusterIP"`
	// ServiceAnnotations are added to the client Service.
	ServiceAnnotations map[string]string `json:"serviceAnnotations,omitempty"`
}

// Transport configures node-to-node traffic.
type Transport struct {
	// MeshExclude keeps port 9300 out of an Istio sidecar (inbound and
	// outbound), so that nodes talk to each other directly.
	MeshExclude bool `json:"meshExclude,omitempty"`
}

// Kibana wired to the cluster.
type Kibana struct {
	// Count of Kibana instances; 0 renders no Kibana. With more than one,
	// a PodDisruptionBudget lets a drain take one at a time.
	Count int32 `json:"count,omitempty"`
	// Image of Kibana; default: the official image of the Kibana release
	// that goes with spec.version (Kibana 4.x from Docker Hub for 2.x), or,
	// when spec.image is a mirror, the kibana image beside it on the mirror
	// (registry.internal/elastic/elasticsearch:8.19.20 gives
	// registry.internal/elastic/kibana:8.19.20).
	Image string `json:"image,omitempty"`
	// Resources of the Kibana container.
	Resources Resources `json:"resources,omitzero"`
	// ServiceAccountTokenSecret (8.x+ with security) names an existing Secret with key "token".
	ServiceAccountTokenSecret string `json:"serviceAccountTokenSecret,omitempty"`
	// PasswordSecret (before 8.x with security) names an existing Secret with key "password" for kibana_system.
	PasswordSecret string `json:"passwordSecret,omitempty"`
}

// Monitoring renders prometheus-community's elasticsearch_exporter (a
// Deployment <cluster>-es-exporter and its Service), a ServiceMonitor
// that has the Prometheus Operator scrape it, and a PrometheusRule whose
// alerts know the cluster's rendered layout. It needs Elasticsearch 5.0
// or later and the Prometheus Operator's CustomResourceDefinitions.
type Monitoring struct {
	// Enabled renders the exporter, the ServiceMonitor and the PrometheusRule.
	Enabled bool `json:"enabled,omitempty"`
	// Image of the exporter; default
	// quay.io/prometheuscommunity/elasticsearch-exporter:v1.11.0 (ExporterImage). An air-gapped
	// platform names its copy on its mirror.
	Image string `json:"image,omitempty"`
	// CredentialsSecret names an existing Secret with keys "username" and
	// "password" of a user with the monitor cluster privilege (the
	// built-in remote_monitoring_collector role has it). Required when
	// security is on; never a value in the spec.
	CredentialsSecret string `json:"credentialsSecret,omitempty"`
	// Resources of the exporter container; default requests 50m CPU and
	// 64Mi, limit 128Mi of memory.
	Resources Resources `json:"resources,omitzero"`
	// Interval at which Prometheus scrapes the exporter, a Prometheus
	// duration. Each scrape reads cluster health and every node's stats.
	Interval string `json:"interval,omitempty" jsonschema:"default=30s"`
	// Labels are added to the ServiceMonitor and the PrometheusRule, so
	// that the Prometheus' serviceMonitorSelector and ruleSelector pick
	// them (e.g. release: kube-prometheus-stack).
	Labels map[string]string `json:"labels,omitempty"`
	// Alerts tunes the PrometheusRule's thresholds.
	Alerts Alerts `json:"alerts,omitzero"`
}

// Alerts are the thresholds of the PrometheusRule's alerts. Durations are
// Prometheus durations (30s, 10m, 1h).
type Alerts struct {
	// RedFor is how long the cluster is red (a primary shard unassigned)
	// before ElasticsearchClusterRed fires.
	RedFor string `json:"redFor,omitempty" jsonschema:"default=1m"`
	// YellowFor is how long the cluster is yellow (a replica unassigned)
	// before ElasticsearchClusterYellow fires: longer than a node's
	// restart and recovery, or every rollout pages.
	YellowFor string `json:"yellowFor,omitempty" jsonschema:"default=30m"`
	// NodesMissingFor is how long the cluster has fewer nodes (of any
	// role, or of one) than rendered before ElasticsearchNodesMissing fires.
	NodesMissingFor string `json:"nodesMissingFor,omitempty" jsonschema:"default=10m"`
	// UnassignedShardsFor is how long shards stay unassigned before
	// ElasticsearchUnassignedShards fires.
	UnassignedShardsFor string `json:"unassignedShardsFor,omitempty" jsonschema:"default=30m"`
	// HeapPercent is the JVM heap use, in percent of the maximum, above
	// which (for 15 minutes) ElasticsearchHeapHigh fires.
	HeapPercent int32 `json:"heapPercent,omitempty" jsonschema:"minimum=1,maximum=100,default=90"`
	// DiskWatermark is the disk use at which ElasticsearchDiskHigh fires,
	// in the form of Elasticsearch's
	// cluster.routing.allocation.disk.watermark.high: a percentage of the
	// disk used (90%), a ratio (0.9), or the free space left (50gb).
	// Default: that setting in the config of the spec's first
	// master-eligible nodeSet, else Elasticsearch's default, 90%.
	DiskWatermark string `json:"diskWatermark,omitempty"`
}

// Patch is a kustomize patch (strategic merge or JSON 6902) applied to the rendered objects.
type Patch struct {
	// Patch is the patch document.
	Patch string `json:"patch" jsonschema:"required"`
	// Target selects the objects the patch applies to.
	Target *PatchTarget `json:"target,omitempty"`
}

// PatchTarget selects objects by kind, name, namespace and selectors, as kustomize does.
type PatchTarget struct {
	// Group of the target objects' API.
	Group string `json:"group,omitempty"`
	// Version of the target objects' API.
	Version string `json:"version,omitempty"`
	// Kind of the target objects.
	Kind string `json:"kind,omitempty"`
	// Name (a regular expression) of the target objects.
	Name string `json:"name,omitempty"`
	// Namespace of the target objects.
	Namespace string `json:"namespace,omitempty"`
	// LabelSelector the target objects match.
	LabelSelector string `json:"labelSelector,omitempty"`
	// AnnotationSelector the target objects match.
	AnnotationSelector string `json:"annotationSelector,omitempty"`
}
