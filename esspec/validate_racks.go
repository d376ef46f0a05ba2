package esspec

import (
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Spread divides count pods over n racks as evenly as possible, the
// remainder going to the first racks: 7 over 3 is 3, 2, 2. Placement and
// validation share it, so that what validation warns about is what
// placement does.
func Spread(count int32, n int) []int32 {
	out := make([]int32, n)
	for i := range out {
		out[i] = count / int32(n)
		if int32(i) < count%int32(n) {
			out[i]++
		}
	}
	return out
}

// warnRacks names layouts that scheduling or a lost rack will break.
func warnRacks(v *checker) field.ErrorList {
	t := v.c.Spec.Topology
	if len(t.Racks) == 0 {
		return warnRackAntiAffinity(v)
	}
	var warnings field.ErrorList
	if t.RackAntiAffinity == AntiAffinityRequired || t.RackAntiAffinity == AntiAffinityPreferred {
		warnings = append(warnings, field.Invalid(specPath.Child("topology", "rackAntiAffinity"), string(t.RackAntiAffinity),
			"has no effect while racks are listed: each rack's StatefulSet is pinned to its rack; remove it"))
	}
	for i := range v.c.Spec.NodeSets {
		ns := &v.c.Spec.NodeSets[i]
		if n := ns.Replicas(); n > 0 && int(n) < len(t.Racks) {
			warnings = append(warnings, field.Invalid(nodeSetsPath.Index(i).Child("count"), n, fmt.Sprintf(
				"%d nodes over %d racks: %d rack(s) hold none of nodeSet %s; a count of at least %d puts one in every rack",
				n, len(t.Racks), len(t.Racks)-int(n), ns.Name, len(t.Racks))))
		}
	}
	return append(warnings, warnRackQuorum(v)...)
}

// validRackCount: with required rack anti-affinity every pod of a
// nodeSet needs a rack of its own, so a nodeSet of more pods than the
// racks spec.topology.rackCount states leaves the rest Pending.
func validRackCount(v *checker) field.ErrorList {
	t := v.c.Spec.Topology
	if t.RackCount <= 0 || len(t.Racks) > 0 || t.RackLabel == "" || t.RackAntiAffinity != AntiAffinityRequired {
		return nil // validTopology reports a rackCount that cannot apply
	}
	var errs field.ErrorList
	for i := range v.c.Spec.NodeSets {
		ns := &v.c.Spec.NodeSets[i]
		if n := ns.Replicas(); n > t.RackCount {
			errs = append(errs, field.Invalid(nodeSetsPath.Index(i).Child("count"), n, fmt.Sprintf(
				"nodeSet %s has %d nodes and required rack anti-affinity gives each a rack of its own, but the servers span %d racks (spec.topology.rackCount): %d pod(s) would stay Pending; use at most %d nodes, add racks and raise rackCount, or set spec.topology.rackAntiAffinity: preferred",
				ns.Name, n, t.RackCount, n-t.RackCount, t.RackCount)))
		}
	}
	return errs
}

// warnRackAntiAffinity: with required rack anti-affinity every pod of a
// nodeSet needs a rack of its own, and esgen cannot count the racks
// unless spec.topology.rackCount says how many there are (then
// validRackCount checks the layout).
func warnRackAntiAffinity(v *checker) field.ErrorList {
	t := v.c.Spec.Topology
	if t.RackLabel == "" || t.RackAntiAffinity != AntiAffinityRequired || t.RackCount > 0 {
		return nil
	}
	largest := -1
	for i := range v.c.Spec.NodeSets {
		if n := v.c.Spec.NodeSets[i].Replicas(); n > 1 && (largest < 0 || n > v.c.Spec.NodeSets[largest].Replicas()) {
			largest = i
		}
	}
	if largest < 0 {
		return nil
	}
	ns := &v.c.Spec.NodeSets[largest]
	return field.ErrorList{field.Invalid(specPath.Child("topology", "rackAntiAffinity"), string(t.RackAntiAffinity), fmt.Sprintf(
		"every pod of a nodeSet needs its own rack: nodeSet %s needs %d racks labelled %s, and with fewer its pods stay Pending; state how many racks there are in spec.topology.rackCount to have esgen check the layout",
		ns.Name, ns.Replicas(), t.RackLabel))}
}

// warnRackQuorum: losing the rack that holds the most master-eligible
// nodes must leave a quorum (a strict majority) of them.
func warnRackQuorum(v *checker) field.ErrorList {
	racks := v.c.Spec.Topology.Racks
	perRack := make([]int64, len(racks))
	var sets []string
	var setIndex []int
	for i := range v.c.Spec.NodeSets {
		ns := &v.c.Spec.NodeSets[i]
		if !ns.MasterEligible() || ns.Replicas() == 0 {
			continue
		}
		sets, setIndex = append(sets, ns.Name), append(setIndex, i)
		for r, n := range Spread(ns.Replicas(), len(racks)) {
			perRack[r] += int64(n)
		}
	}
	var total, worst int64
	worstRack := 0
	for r, n := range perRack {
		total += n
		if n > worst {
			worst, worstRack = n, r
		}
	}
	quorum := total/2 + 1
	if total < 2 || total-worst >= quorum {
		return nil
	}
	path := nodeSetsPath
	if len(setIndex) == 1 {
		path = nodeSetsPath.Index(setIndex[0]).Child("count")
	}
	return field.ErrorList{field.Invalid(path, total, fmt.Sprintf(
		"%d master-eligible nodes of nodeSet %s over %d racks: losing rack %s (%d of them) leaves %d, short of the quorum of %d, and the cluster stops; use at least 3 racks and spread the masters evenly",
		total, strings.Join(sets, ", "), len(racks), racks[worstRack], worst, total-worst, quorum))}
}

// zoneLabel is the node label whose value is a server's zone, which
// spec.topology.zoneSpread spreads pods over.
const zoneLabel = "topology.kubernetes.io/zone"

// warnZoneSpread: zoneSpread balances pods over zones, but no node knows
// its zone, so shard allocation cannot keep a shard's copies apart.
//
// esgen renders node.attr values from the spec alone: it cannot read the
// zone a pod lands in. Kubernetes 1.35 copies the node's zone label onto
// pods at binding (KEP-4742, PodTopologyLabelsAdmission, beta), where the
// downward API could read it, but esgen cannot tell whether a cluster runs
// it, a pod without the label would start without the attribute (and get
// no shards: AwarenessAllocationDecider answers "node does not contain
// the awareness attribute"), and without the list of zones awareness cannot be forced,
// so losing a zone would copy all its shards onto the others. Racks named
// after the zones do it all from the spec: one StatefulSet per nodeSet and
// zone, pinned there, with forced awareness over the listed zones.
func warnZoneSpread(v *checker) field.ErrorList {
	t := v.c.Spec.Topology
	if !t.ZoneSpread || len(t.Racks) > 0 {
		return nil
	}
	var data int32
	for i := range v.c.Spec.NodeSets {
		if ns := &v.c.Spec.NodeSets[i]; ns.HoldsData() {
			data += ns.Replicas()
		}
	}
	if data < 2 {
		return nil
	}
	return field.ErrorList{field.Invalid(specPath.Child("topology", "zoneSpread"), true, fmt.Sprintf(
		"spreads the pods over zones, but Elasticsearch does not know the zones: a shard's primary and replica can sit on two of the %d data nodes in one zone, and losing that zone loses both; "+
			"to keep them apart, name the zones as racks (rackLabel: %s, racks: [each zone]): one StatefulSet per nodeSet and zone, with forced shard allocation awareness; then remove zoneSpread",
		data, zoneLabel))}
}
