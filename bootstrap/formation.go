package bootstrap

import (
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
	// pod while the spec says the cluster is being bootstrapped; empty
	// otherwise.
	InitialMasterNodes []string
}

// ClusterFormation returns the formation of a defaulted, valid spec whose
// master-eligible pods are masterPods and which has totalPods pods in all.
func ClusterFormation(c *esspec.Cluster, masterPods []string, totalPods int) Formation {
	v, _ := esspec.ParseVersion(c.Spec.Version)
	if totalPods == 1 && len(masterPods) == 1 && v.SingleNodeDiscovery() {
		return Formation{SingleNode: true}
	}
	f := Formation{SeedHosts: []string{esspec.DiscoveryServiceName(c.Metadata.Name)}}
	if ims := c.Spec.Bootstrap.InitialMasterNodes; ims != nil && *ims {
		f.InitialMasterNodes = slices.Sorted(slices.Values(masterPods))
	}
	return f
}

func discoverySettings(s esspec.Settings, f Formation) {
	if f.SingleNode {
		s[SettingDiscoveryType] = "single-node"
		return
	}
	s[SettingSeedHosts] = f.SeedHosts
}

// InitialMasterNodesSettings returns cluster.initial_master_nodes for a
// master-eligible nodeSet while the cluster is being bootstrapped, and
// nothing otherwise. Every master-eligible node gets the same list, as
// Elasticsearch requires. It is kept apart from NodeSettings so that the
// config hash leaves it out: turning bootstrap off then changes the
// ConfigMap but restarts no pod.
func InitialMasterNodesSettings(ns *esspec.NodeSet, f Formation) esspec.Settings {
	if !ns.MasterEligible() || len(f.InitialMasterNodes) == 0 {
		return nil
	}
	return esspec.Settings{SettingInitialMasterNodes: f.InitialMasterNodes}
}
