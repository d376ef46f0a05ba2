package esspec

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
)

// Replicas returns the nodeSet's count, 0 when unset.
func (ns *NodeSet) Replicas() int32 {
	if ns.Count == nil {
		return 0
	}
	return *ns.Count
}

// HasRole reports whether the nodeSet lists role.
func (ns *NodeSet) HasRole(role Role) bool {
	return slices.Contains(ns.Roles, role)
}

// MasterEligible reports whether the nodes can be elected master or vote
// in elections (voting_only nodes have the master role too).
func (ns *NodeSet) MasterEligible() bool {
	return ns.HasRole(RoleMaster)
}

// CoordinatingOnly reports whether the nodes have no role: they only route
// requests and merge results.
func (ns *NodeSet) CoordinatingOnly() bool {
	return len(ns.Roles) == 0
}

// DedicatedMaster reports whether the nodes only take part in master
// elections: every role is master or voting_only.
func (ns *NodeSet) DedicatedMaster() bool {
	if !ns.MasterEligible() {
		return false
	}
	for _, r := range ns.Roles {
		if r != RoleMaster && r != RoleVotingOnly {
			return false
		}
	}
	return true
}

// Stateful reports whether the nodes hold state the cluster cannot lose
// two copies of at once: master-eligible nodes (the cluster state and the
// quorum) and data nodes (shards). At most one such pod of a cluster may be
// disrupted at a time.
func (ns *NodeSet) Stateful() bool {
	return ns.MasterEligible() || ns.HoldsData()
}

// UpdateStrategyOf returns the update strategy of a nodeSet's
// StatefulSets: spec.updateStrategy when set, else onDelete for
// master-eligible and data nodeSets in production and rollingUpdate
// otherwise.
func (c *Cluster) UpdateStrategyOf(ns *NodeSet) UpdateStrategy {
	if s := c.Spec.UpdateStrategy; s != "" {
		return s
	}
	if c.Spec.Profile == ProfileProduction && ns.Stateful() {
		return UpdateOnDelete
	}
	return UpdateRollingUpdate
}

// HoldsData reports whether the nodes hold shards: the generic data role or any tier.
func (ns *NodeSet) HoldsData() bool {
	return RolesHoldData(ns.Roles)
}

// RolesHoldData reports whether roles include the generic data role or a
// data tier.
func RolesHoldData(roles []Role) bool {
	for _, r := range roles {
		if r == RoleData || strings.HasPrefix(string(r), "data_") {
			return true
		}
	}
	return false
}

// CanonicalRoles returns the known roles among roles in AllRoles' order,
// the order esgen writes them in, so that reordering a spec's roles
// changes nothing rendered.
func CanonicalRoles(roles []Role) []Role {
	var out []Role
	for _, r := range AllRoles {
		if slices.Contains(roles, r) {
			out = append(out, r)
		}
	}
	return out
}

// RoleNames returns roles as strings.
func RoleNames(roles []Role) []string {
	s := make([]string, len(roles))
	for i, r := range roles {
		s[i] = string(r)
	}
	return s
}

// MemoryLimit returns the memory limit of the Elasticsearch container, or nil.
func (r *Resources) MemoryLimit() *resource.Quantity {
	q, _ := r.memoryLimit()
	return q
}

// memoryLimit returns the memory limit and the field it comes from:
// limits[memory] when set, else the memory shorthand.
func (r *Resources) memoryLimit() (*resource.Quantity, string) {
	if q, ok := r.Limits[corev1.ResourceMemory]; ok {
		return &q, "limits[memory]"
	}
	return r.Memory, "memory"
}

// ContainerRequests returns the container's requests: Requests, plus CPU
// and Memory where Requests does not name them.
func (r *Resources) ContainerRequests() corev1.ResourceList {
	return withShorthand(r.Requests, r.CPU, r.Memory)
}

// ContainerLimits returns the container's limits: Limits, plus CPU and
// Memory where Limits does not name them.
func (r *Resources) ContainerLimits() corev1.ResourceList {
	return withShorthand(r.Limits, r.CPU, r.Memory)
}

func withShorthand(explicit corev1.ResourceList, cpu, memory *resource.Quantity) corev1.ResourceList {
	out := corev1.ResourceList{}
	for k, v := range explicit {
		out[k] = v.DeepCopy()
	}
	if _, ok := out[corev1.ResourceCPU]; !ok && cpu != nil {
		out[corev1.ResourceCPU] = cpu.DeepCopy()
	}
	if _, ok := out[corev1.ResourceMemory]; !ok && memory != nil {
		out[corev1.ResourceMemory] = memory.DeepCopy()
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// Heap sizes in bytes.
const (
	mib = int64(1) << 20
	gib = int64(1) << 30
	// MaxHeap is the largest heap esgen accepts: at 32g the JVM can no
	// longer use compressed object pointers.
	MaxHeap = 32 * gib
	// DefaultHeapCap is the largest default heap, Elasticsearch's own
	// automatic sizing cap, safely below the compressed-oops cut-off.
	DefaultHeapCap = 31 * gib
)

// ParseHeap parses a JVM heap size (4g, 4096m, 4194304k) into bytes. A
// unit is required: a bare number is bytes to the JVM and almost always a
// mistake.
func ParseHeap(s string) (int64, error) {
	if len(s) < 2 {
		return 0, fmt.Errorf("must be a number with unit k, m or g, e.g. 4g or 4096m")
	}
	var unit int64
	switch s[len(s)-1] {
	case 'k', 'K':
		unit = 1 << 10
	case 'm', 'M':
		unit = mib
	case 'g', 'G':
		unit = gib
	default:
		return 0, fmt.Errorf("must be a number with unit k, m or g, e.g. 4g or 4096m")
	}
	digits := s[:len(s)-1]
	if strings.TrimLeft(digits, "0123456789") != "" {
		return 0, fmt.Errorf("must be a number with unit k, m or g, e.g. 4g or 4096m")
	}
	n, err := strconv.ParseInt(digits, 10, 64)
	if err != nil || n > (1<<62)/unit {
		return 0, fmt.Errorf("is out of range")
	}
	if n == 0 {
		return 0, fmt.Errorf("must be greater than zero")
	}
	return n * unit, nil
}

// FormatHeap writes a heap size in JVM notation: whole gibibytes as g,
// else whole mebibytes as m, else kibibytes.
func FormatHeap(bytes int64) string {
	switch {
	case bytes%gib == 0:
		return strconv.FormatInt(bytes/gib, 10) + "g"
	case bytes%mib == 0:
		return strconv.FormatInt(bytes/mib, 10) + "m"
	default:
		return strconv.FormatInt(bytes/1024, 10) + "k"
	}
}

// DefaultHeap returns min(memory / 2, 31g) rounded down to whole MiB, the
// heap of a nodeSet that names none.
func DefaultHeap(memory resource.Quantity) int64 {
	h := memory.Value() / 2
	h -= h % mib
	return min(h, DefaultHeapCap)
}

// On reports whether security is enabled; false while not defaulted.
func (s *Security) On() bool {
	return s.Enabled != nil && *s.Enabled
}

// HasIssuer reports whether a cert-manager issuer is named.
func (t *TLS) HasIssuer() bool {
	return t.IssuerRef != nil && t.IssuerRef.Name != ""
}

// StorageKind is where a nodeSet keeps its data.
type StorageKind string

// Storage kinds.
const (
	StorageClaim    StorageKind = "claim"
	StorageHostPath StorageKind = "hostPath"
	StorageEmptyDir StorageKind = "emptyDir"
	StorageNone     StorageKind = ""
)

// Kind says where a defaulted, valid nodeSet keeps its data.
func (st *Storage) Kind() StorageKind {
	switch {
	case st.HostPath != "":
		return StorageHostPath
	case st.EmptyDir != nil && *st.EmptyDir:
		return StorageEmptyDir
	case st.Size != nil:
		return StorageClaim
	}
	return StorageNone
}
