// Package bootstrap computes what gets an Elasticsearch node through its
// start: the elasticsearch.yml settings for its roles, discovery, memory
// lock and security; the heap; and the sysctl init container that meets
// the max map count check. Everything here depends on the version; this
// package and esspec are where version differences live.
package bootstrap

// Paths and ports of the official images (5.0 and later).
const (
	Home          = "/usr/share/elasticsearch"
	ConfigDir     = Home + "/config"
	ConfigFile    = "elasticsearch.yml"
	DataDir       = Home + "/data"
	HTTPPort      = 9200
	TransportPort = 9300
	// ReadinessPort is where 8.6+ nodes open the TCP readiness port. It is
	// pod-local; 9400 keeps the common 8080 free for sidecars.
	ReadinessPort = 9400
	// UID and GID of the elasticsearch user in the official images.
	UID = 1000
	GID = 1000
)

// Setting names esgen writes.
const (
	SettingClusterName        = "cluster.name"
	SettingNodeName           = "node.name"
	SettingNodeRoles          = "node.roles"
	SettingNetworkHost        = "network.host"
	SettingNetworkPublishHost = "network.publish_host"
	SettingSeedHosts          = "discovery.seed_hosts"
	SettingDiscoveryType      = "discovery.type"
	SettingInitialMasterNodes = "cluster.initial_master_nodes"
	SettingMemoryLock         = "bootstrap.memory_lock"
	SettingSystemCallFilter   = "bootstrap.system_call_filter"
	SettingReadinessPort      = "readiness.port"
	SettingSecurityEnabled    = "xpack.security.enabled"
)
