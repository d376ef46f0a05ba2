package esspec

// Generated names of the Elasticsearch objects, whose length validation
// checks: built here so that validation checks exactly the names render
// uses. (Kibana's, the NetworkPolicy's and the Certificates' names are the
// cluster name plus a short fixed suffix, within the limits whenever
// these are.)

// NodeSetName returns <cluster>-es-<nodeSet>: the nodeSet's
// PodDisruptionBudget, and its StatefulSet and headless Service when no
// racks are listed.
func NodeSetName(cluster, nodeSet string) string {
	return cluster + "-es-" + nodeSet
}

// StatefulSetName returns the StatefulSet (and headless Service) of a
// nodeSet's pods in one rack, <cluster>-es-<nodeSet>-<rack>, or of all its
// pods, <cluster>-es-<nodeSet>, when rack is empty.
func StatefulSetName(cluster, nodeSet, rack string) string {
	if rack == "" {
		return NodeSetName(cluster, nodeSet)
	}
	return NodeSetName(cluster, nodeSet) + "-" + rack
}

// ConfigMapName returns <statefulSet>-config, the ConfigMap with the
// elasticsearch.yml of a StatefulSet's pods.
func ConfigMapName(statefulSet string) string {
	return statefulSet + "-config"
}

// DiscoveryServiceName returns <cluster>-es-discovery, the headless Service
// of the master-eligible pods that every node uses as its seed host.
func DiscoveryServiceName(cluster string) string {
	return cluster + "-es-discovery"
}

// HTTPServiceName returns <cluster>-es-http, the client Service on port 9200.
func HTTPServiceName(cluster string) string {
	return cluster + "-es-http"
}

// reservedNodeSetNames would make a nodeSet's objects collide with the
// cluster-wide Services.
var reservedNodeSetNames = []string{"discovery", "http"}

// Label keys esgen puts on objects and pods. Selectors use only
// LabelCluster and LabelNodeSet, which never change for a pod.
const (
	LabelCluster = "esgen.dev/cluster"
	LabelNodeSet = "esgen.dev/node-set"
	// LabelRack holds the rack of pods pinned to one (spec.topology.racks).
	LabelRack = "esgen.dev/rack"
	// LabelRolePrefix + role is "true" on pods of a nodeSet with that role.
	LabelRolePrefix = "esgen.dev/role-"
	// LabelCoordinating is "true" on coordinating-only pods (no roles).
	LabelCoordinating = LabelRolePrefix + "coordinating"
	// LabelServesHTTP is "true" on every pod that is not a dedicated
	// master: the client Service's pool when there are no
	// coordinating-only nodes.
	LabelServesHTTP = "esgen.dev/serves-http"
	// LabelStateful is "true" on master-eligible and data pods and
	// "false" on the others: the two PodDisruptionBudgets select on it,
	// so that each pod is under exactly one.
	LabelStateful = "esgen.dev/stateful"
)

// StatefulBudgetName returns <cluster>-es-stateful, the
// PodDisruptionBudget of every master-eligible and data pod of the
// cluster, and StatelessBudgetName <cluster>-es-stateless, that of the
// others.
func StatefulBudgetName(cluster string) string { return cluster + "-es-stateful" }

// StatelessBudgetName: see StatefulBudgetName.
func StatelessBudgetName(cluster string) string { return cluster + "-es-stateless" }

// SelectorLabels returns the labels that select the pods of one nodeSet.
func SelectorLabels(cluster, nodeSet string) map[string]string {
	return map[string]string{LabelCluster: cluster, LabelNodeSet: nodeSet}
}
