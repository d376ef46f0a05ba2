package bootstrap

import (
	"k8s.io/utils/ptr"
	"slices"

	"github.com/esgen/esgen/esspec"
)

// Formation says how the nodes of a cluster find each other and, for a
// new cluster, which nodes elect the first master.
type Formation struct {
	// SingleNode is true for a cluster of one master-eligible node and
	// nothing else, on versions with single-node discovery: the node elects
	// itself and never looks for others.
	SingleNode bool
	// SeedHosts lists the addresses nodes ask for the cluster: the
	// discovery Service, whose DNS name resolves to every master-eligible pod.
	SeedHosts []string
	// InitialMasterNodes lists the node names of every master-eligible
	// pod while the spec says the cluster is being bootstrapped (7.x+);
	// empty otherwise.
	InitialMasterNodes []string
	// MinimumMasterNodes is the quorum of master-eligible nodes that zen
	// discovery (before 7.0) needs to elect a master; 0 from 7.0, where
	// the voting configuration takes care of it.
	MinimumMasterNodes int
}

// ClusterFormation returns the formation of a defaulted, valid spec whose
// master-eligible pods are masterPods and which has totalPods pods in all.
func ClusterFormation(c *esspec.Resolved, masterPods []string, totalPods int) Formation {
	v := c.Version
	var f Formation
	if v.ZenDiscovery() {
		// The quorum is always written: the 5.x and 6.x images ship 1,
		// which lets two halves of a cluster each elect a master.
		f.MinimumMasterNodes = len(masterPods)/2 + 1
	}
	if totalPods == 1 && len(masterPods) == 1 && v.SingleNodeDiscovery() {
		f.SingleNode = true
		return f
	}
	f.SeedHosts = []string{esspec.DiscoveryServiceName(c.Metadata.Name)}
	if ptr.Deref(c.Spec.Bootstrap.InitialMasterNodes, false) && !v.ZenDiscovery() {
		f.InitialMasterNodes = slices.Sorted(slices.Values(masterPods))
	}
	return f
}

// Discovery settings of zen discovery, before 7.0.
const (
	SettingZenUnicastHosts       = "discovery.zen.ping.unicast.hosts"
	SettingZenMinimumMasterNodes = "discovery.zen.minimum_master_nodes"
)

func discoverySettings(s esspec.Settings, v esspec.Version, f Formation) {
	if f.MinimumMasterNodes > 0 {
		s[SettingZenMinimumMasterNodes] = f.MinimumMasterNodes
	}
	switch {
	case f.SingleNode:
		s[SettingDiscoveryType] = "single-node"
	case v.ZenDiscovery():
		s[SettingZenUnicastHosts] = f.SeedHosts
	default:
		s[SettingSeedHosts] = f.SeedHosts
	}
}

// InitialMasterNodesSettings returns cluster.initial_master_nodes for a
// master-eligible nodeSet while the cluster is being bootstrapped, and
// nothing otherwise. Every master-eligible node gets the same list, as
// Elasticsearch requires. It is kept apart from NodeSettings so that the
// config hash leaves it out: turning bootstrap off then changes the
// ConfigMap but restarts no pod.
func InitialMasterNodesSettings(ns *esspec.ResolvedNodeSet, f Formation) esspec.Settings {
	if !ns.MasterEligible() || len(f.InitialMasterNodes) == 0 {
		return nil
	}
	return esspec.Settings{SettingInitialMasterNodes: f.InitialMasterNodes}
}
