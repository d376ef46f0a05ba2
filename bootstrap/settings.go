package bootstrap

import (
	"k8s.io/utils/ptr"
	"slices"

	"github.com/esgen/esgen/esspec"
)

// NodeSettings returns the elasticsearch.yml settings esgen owns for the
// nodes of ns: identity, network, roles, discovery, memory lock, system
// call filter, readiness and security. It leaves out
// cluster.initial_master_nodes (see InitialMasterNodesSettings), which must
// not count towards the config hash. The spec must be defaulted and valid.
func NodeSettings(c *esspec.Resolved, ns *esspec.ResolvedNodeSet, f Formation) esspec.Settings {
	v := c.Version
	s := esspec.Settings{
		SettingClusterName: c.Metadata.Name,
		// The image expands ${VAR} from the environment; POD_NAME and
		// POD_IP come from the downward API (see Env).
		SettingNodeName:           "${POD_NAME}",
		SettingNetworkHost:        "0.0.0.0",
		SettingNetworkPublishHost: "${POD_IP}",
	}
	roleSettings(s, v, ns.Roles)
	discoverySettings(s, v, f)
	sys := c.Spec.System
	if ptr.Deref(sys.MemoryLock, false) {
		s[MemoryLockSetting(v)] = true
	}
	if !ptr.Deref(sys.SystemCallFilter, true) && v.SystemCallFilterSetting() {
		s[SettingSystemCallFilter] = false
	}
	if TCPReadiness(v) {
		s[SettingReadinessPort] = ReadinessPort
	}
	if v.XPack() {
		securitySettings(s, c)
	}
	return s
}

// MemoryLockSetting names the memory lock setting: bootstrap.mlockall
// before 2.4, which renamed it bootstrap.memory_lock.
func MemoryLockSetting(v esspec.Version) string {
	if !v.AtLeast(2, 4, 0) {
		return "bootstrap.mlockall"
	}
	return SettingMemoryLock
}

// TCPReadiness reports whether the nodes open the TCP readiness port on
// every address, so that the kubelet can probe it. readiness.port exists
// from 8.2 but bound to loopback only until 8.6 (elastic/elasticsearch#91329).
func TCPReadiness(v esspec.Version) bool {
	return v.AtLeast(8, 6, 0)
}

// roleSettings writes the roles, in canonical order (see
// esspec.ResolvedNodeSet), in the version's form: the node.roles list from
// 7.9, else one boolean per role the version has. The order keeps a
// reordering of the spec's roles from changing the output or restarting
// pods.
func roleSettings(s esspec.Settings, v esspec.Version, roles []esspec.Role) {
	if v.NodeRolesList() {
		// [] (not null) for a coordinating-only node.
		s[SettingNodeRoles] = append([]string{}, esspec.RoleNames(roles)...)
		return
	}
	for _, r := range []esspec.Role{
		esspec.RoleMaster, esspec.RoleData, esspec.RoleIngest, esspec.RoleML,
		esspec.RoleVotingOnly, esspec.RoleTransform, esspec.RoleRemoteClusterClient,
	} {
		if v.HasRole(r) {
			s["node."+string(r)] = slices.Contains(roles, r)
		}
	}
}

// Merge copies every setting of each layer into s, later layers winning.
func Merge(s esspec.Settings, layers ...esspec.Settings) {
	for _, l := range layers {
		for k, v := range l {
			s[k] = v
		}
	}
}
