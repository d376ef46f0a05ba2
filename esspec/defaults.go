package esspec

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
)

// Defaults that SetDefaults fills in.
const (
	DefaultMaxMapCount     = 262144
	DefaultFileDescriptors = 65536
	DefaultInitImage       = "busybox:1.36"
	DefaultStorageSize     = "10Gi"
)

// SetDefaults fills every empty field that has a default (SPEC.md's
// table) and leaves every set field alone, so running it twice changes
// nothing. Defaults that depend on the version are skipped while the
// version does not parse; Validate reports the version.
func SetDefaults(c *Cluster) {
	s := &c.Spec
	if s.Profile == "" {
		s.Profile = ProfileProduction
	}
	if s.PodSecurity == "" {
		s.PodSecurity = PodSecurityPrivileged
	}
	if s.ImagePullPolicy == "" {
		s.ImagePullPolicy = corev1.PullIfNotPresent
	}
	if s.HTTP.ServiceType == "" {
		s.HTTP.ServiceType = corev1.ServiceTypeClusterIP
	}
	version, versionErr := ParseVersion(s.Version)
	if versionErr == nil && s.Image == "" {
		s.Image = version.DefaultImage()
	}
	setTopologyDefaults(&s.Topology, s.Profile)
	setSystemDefaults(&s.System, s.PodSecurity)
	if s.System.MemoryLock == nil && versionErr == nil {
		s.System.MemoryLock = new(memoryLockByDefault(version, s.PodSecurity))
	}
	if s.Bootstrap.InitialMasterNodes == nil {
		s.Bootstrap.InitialMasterNodes = new(true)
	}
	if s.Security.Enabled == nil && versionErr == nil {
		s.Security.Enabled = new(version.SecurityByDefault())
	}
	if s.Kibana.Count > 0 && s.Kibana.Image == "" && versionErr == nil && s.Image != "" {
		s.Kibana.Image = KibanaImage(version, s.Image)
	}
	if k := &s.Kibana.Resources; s.Kibana.Count > 0 && k.CPU == nil && k.Memory == nil && k.Requests == nil && k.Limits == nil {
		cpu, memory := resource.MustParse("1"), resource.MustParse("2Gi")
		k.CPU, k.Memory = &cpu, &memory
	}
	for i := range s.NodeSets {
		ns := &s.NodeSets[i]
		if ns.Roles == nil && versionErr == nil {
			ns.Roles = version.DefaultRoles()
		}
		if memory := ns.Resources.MemoryLimit(); ns.Heap == "" && memory != nil && DefaultHeap(*memory) >= MinHeap {
			ns.Heap = FormatHeap(DefaultHeap(*memory))
		}
		setStorageDefaults(ns, s.Profile)
	}
	// After the roles: the disk watermark comes from a master's config.
	setMonitoringDefaults(s)
}

func setTopologyDefaults(t *Topology, profile Profile) {
	if t.HostAntiAffinity == "" {
		t.HostAntiAffinity = AntiAffinityRequired
		if profile == ProfileDevelopment {
			t.HostAntiAffinity = AntiAffinityPreferred
		}
	}
	// With racks listed, every pod is pinned to its rack, so rack
	// anti-affinity has no meaning and stays unset.
	if t.RackAntiAffinity == "" && len(t.Racks) == 0 {
		t.RackAntiAffinity = AntiAffinityNone
		if t.RackLabel != "" {
			t.RackAntiAffinity = AntiAffinityRequired
		}
	}
}

// memoryLockByDefault: memory lock is on by default only where it works
// without help from the node: 2.x starts as root, which IPC_LOCK lets lock
// the heap, under the privileged level (baseline forbids IPC_LOCK). From
// 5.x the elasticsearch user (uid 1000) gets no ambient capabilities, so
// locking needs the node's runtime to give an unlimited memlock limit;
// without it the memory lock bootstrap check stops every node of a
// multi-node cluster. Users whose nodes give it opt in.
func memoryLockByDefault(v Version, level PodSecurityLevel) bool {
	return v.ImageRunsAsRoot() && level == PodSecurityPrivileged
}

func setSystemDefaults(sys *System, level PodSecurityLevel) {
	// The sysctl init container is privileged, so it defaults to on only
	// where the pod security level allows it.
	privileged := level == PodSecurityPrivileged
	if sys.SysctlInitContainer == nil {
		sys.SysctlInitContainer = new(privileged)
	}
	if sys.MaxMapCount == 0 {
		sys.MaxMapCount = DefaultMaxMapCount
	}
	if sys.FileDescriptors == 0 {
		sys.FileDescriptors = DefaultFileDescriptors
	}
	if sys.SystemCallFilter == nil {
		sys.SystemCallFilter = new(true)
	}
	if sys.InitImage == "" {
		sys.InitImage = DefaultInitImage
	}
}

// setStorageDefaults runs after the nodeSet's roles are defaulted: a
// production master or data nodeSet gets no default size, since esgen
// cannot guess how much data it holds, and a claim too small for it
// fills up: past the flood-stage disk watermark Elasticsearch makes its
// indices read-only. Validation asks for the size instead.
func setStorageDefaults(ns *NodeSet, profile Profile) {
	st := &ns.Storage
	if st.Size != nil || st.HostPath != "" || (st.EmptyDir != nil && *st.EmptyDir) {
		return
	}
	if profile == ProfileDevelopment && st.EmptyDir == nil && st.StorageClassName == "" {
		st.EmptyDir = new(true)
		return
	}
	if profile == ProfileProduction && ns.Stateful() {
		return
	}
	size := resource.MustParse(DefaultStorageSize)
	st.Size = &size
}
