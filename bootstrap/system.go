package bootstrap

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/utils/ptr"

	"github.com/esgen/esgen/esspec"
)

// SysctlContainerName names the init container that raises vm.max_map_count.
const SysctlContainerName = "sysctl"

// initResources keep the init containers small, with requests equal to
// limits so that they do not lower the pod's QoS class.
func initResources() corev1.ResourceRequirements {
	rl := corev1.ResourceList{
		corev1.ResourceCPU:    resource.MustParse("100m"),
		corev1.ResourceMemory: resource.MustParse("64Mi"),
	}
	return corev1.ResourceRequirements{Requests: rl, Limits: rl.DeepCopy()}
}

// SysctlInitContainer returns the privileged init container that raises
// vm.max_map_count to spec.system.maxMapCount for the max map count
// bootstrap check, or nil when the spec says the nodes are tuned already.
// vm.* sysctls are not namespaced, so a pod's securityContext.sysctls
// cannot set them; only a privileged container can. It only ever raises
// the value: a node tuned higher for another workload keeps its setting.
func SysctlInitContainer(c *esspec.Resolved) *corev1.Container {
	sys := c.Spec.System
	if !ptr.Deref(sys.SysctlInitContainer, false) {
		return nil
	}
	script := fmt.Sprintf(`if [ "$(sysctl -n vm.max_map_count)" -lt %[1]d ]; then sysctl -w vm.max_map_count=%[1]d; fi`, sys.MaxMapCount)
	return &corev1.Container{
		Name:            SysctlContainerName,
		Image:           sys.InitImage,
		ImagePullPolicy: c.Spec.ImagePullPolicy,
		Command:         []string{"sh", "-c", script},
		Resources:       initResources(),
		SecurityContext: &corev1.SecurityContext{
			Privileged:   new(true),
			RunAsUser:    new(int64(0)),
			RunAsNonRoot: new(false),
		},
	}
}

// DataPermissionsContainer returns the init container that hands a
// hostPath data directory, which the kubelet creates as root, to the
// elasticsearch user; nil for other storage, where fsGroup does this, and
// for images that start as root.
func DataPermissionsContainer(c *esspec.Resolved, ns *esspec.ResolvedNodeSet, dataMount corev1.VolumeMount) *corev1.Container {
	// An image that starts as root chowns the data directory itself.
	if ns.Storage.HostPath == "" || c.Version.ImageRunsAsRoot() {
		return nil
	}
	return &corev1.Container{
		Name:            "data-permissions",
		Image:           c.Spec.System.InitImage,
		ImagePullPolicy: c.Spec.ImagePullPolicy,
		Command:         []string{"chown", fmt.Sprintf("%d:%d", UID, GID), DataDir},
		Env:             []corev1.EnvVar{fieldEnv("POD_NAME", "metadata.name"), fieldEnv("POD_NAMESPACE", "metadata.namespace")},
		Resources:       initResources(),
		VolumeMounts:    []corev1.VolumeMount{dataMount},
		SecurityContext: &corev1.SecurityContext{
			RunAsUser:                new(int64(0)),
			RunAsNonRoot:             new(false),
			AllowPrivilegeEscalation: new(false),
			Capabilities: &corev1.Capabilities{
				Drop: []corev1.Capability{"ALL"},
				Add:  []corev1.Capability{"CHOWN"},
			},
		},
	}
}

// Capabilities returns the capabilities the Elasticsearch container adds
// after dropping all: IPC_LOCK and SYS_RESOURCE when memory is locked, as
// the seed design asks. They take effect only for a process that runs as
// root: Kubernetes sets no ambient capabilities, so for the uid-1000
// elasticsearch user mlockall succeeds only when the node's container
// runtime gives an unlimited memlock limit (Kubernetes has no per-pod
// ulimit). esgen check reports that as a node requirement.
func Capabilities(c *esspec.Resolved) []corev1.Capability {
	v := c.Version
	caps := rootCapabilities(v)
	if ptr.Deref(c.Spec.System.MemoryLock, false) {
		caps = append(caps, "IPC_LOCK", "SYS_RESOURCE")
	}
	return caps
}

// rootCapabilities are what an image that starts as root (2.x) keeps:
// its entrypoint hands the data directory to the elasticsearch user and
// switches to it with gosu.
func rootCapabilities(v esspec.Version) []corev1.Capability {
	if v.ImageRunsAsRoot() {
		return []corev1.Capability{"CHOWN", "SETGID", "SETUID"}
	}
	return nil
}

// SecurityContext is the context of every container that runs the
// Elasticsearch (or Kibana) image: all capabilities dropped but those
// added back, no privilege gained; the pod's context sets the user.
func SecurityContext(v esspec.Version, add []corev1.Capability) *corev1.SecurityContext {
	return &corev1.SecurityContext{
		AllowPrivilegeEscalation: new(false),
		RunAsNonRoot:             new(!v.ImageRunsAsRoot()),
		Capabilities:             &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}, Add: add},
	}
}

// Config copying at pod start: see ConfigContainer.
const (
	// ConfigContainerName copies elasticsearch.yml at each pod start.
	ConfigContainerName = "config"
	// ConfigMapMount is where the group's ConfigMap is mounted whole.
	ConfigMapMount = "/mnt/esgen-config"
	// PodConfigMount holds the pod's copy of elasticsearch.yml.
	PodConfigMount = "/mnt/esgen-pod-config"
)

// ConfigContainer returns the init container that copies the group's
// elasticsearch.yml from its ConfigMap into a volume of the pod's own,
// which the Elasticsearch container reads. A pod thus runs the config of
// the moment it was created, with the template it was created from: under
// OnDelete a ConfigMap changes on apply long before esgen rollout restarts
// the pods, and a container that restarts in an older pod (a crash, an
// out-of-memory kill) would otherwise read the newer file through its
// subPath mount (kubernetes/kubernetes#68211): settings its version does
// not know (node.roles before 7.9, discovery.seed_hosts before 7.0), or
// transport TLS its peers do not speak.
// The caller mounts the ConfigMap at ConfigMapMount and the pod's volume
// at PodConfigMount.
func ConfigContainer(c *esspec.Resolved) *corev1.Container {
	v := c.Version
	return &corev1.Container{
		Name:            ConfigContainerName,
		Image:           c.Spec.Image,
		ImagePullPolicy: c.Spec.ImagePullPolicy,
		Command:         []string{"cp", ConfigMapMount + "/" + ConfigFile, PodConfigMount + "/" + ConfigFile},
		Resources:       initResources(),
		SecurityContext: SecurityContext(v, rootCapabilities(v)),
	}
}
