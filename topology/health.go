package topology

// Health is an Elasticsearch cluster health status.
type Health string

// Health statuses a restarted node can wait for.
const (
	// Green: every shard copy is assigned.
	Green Health = "green"
	// Yellow: every primary is assigned, some replicas are not.
	Yellow Health = "yellow"
)

// HealthTarget returns the health a restarted master or data pod waits
// for before it counts as ready, and why when that is yellow: green,
// except in a cluster of one data node, where no replica is ever
// assigned and green never comes. A cluster with more data nodes that
// stays yellow for good (a tier of one node whose indices keep replicas;
// esspec.Validate warns about it) keeps restarted pods waiting: esgen
// cannot tell which replicas can never be assigned from those a down
// node leaves behind, and letting the next node go while a replica is
// missing can take a shard's last copy.
func HealthTarget(groups []Group) (Health, string) {
	var data int32
	for i := range groups {
		if groups[i].NodeSet.HoldsData() {
			data += groups[i].Replicas
		}
	}
	if data == 1 {
		return Yellow, "the cluster has one data node, and a replica is never assigned beside its primary"
	}
	return Green, ""
}
