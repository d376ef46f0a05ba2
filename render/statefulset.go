package render

import (
	"fmt"
	"maps"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/esgen/esgen/bootstrap"
	"github.com/esgen/esgen/esspec"
	"github.com/esgen/esgen/topology"
)

// DisposableAnnotation is "true" on the StatefulSets of a cluster the
// spec marks disposable (spec.disposable), so that rendered manifests say
// it too: esgen diff then treats lost emptyDir data as expected.
const DisposableAnnotation = "esgen.dev/disposable"

// ConfigHashAnnotation on a pod template holds the sha256 of the pods'
// elasticsearch.yml (without cluster.initial_master_nodes), so that a
// config change rolls the pods.
const ConfigHashAnnotation = "esgen.dev/config-hash"

// SecureSettingsRevisionAnnotation on a pod template lists the revision
// of each secure-settings Secret that has one
// (spec.security.secureSettings[].revision), as <secret>=<revision>
// joined by commas. The keystore init container builds each pod's
// keystore from the Secrets when the pod starts, and nothing a running
// node holds follows a changed Secret: Elasticsearch reads its keystore
// at start, and _nodes/reload_secure_settings (6.4+) re-reads the
// pod's keystore file, which the init container wrote. A new revision
// changes the template, so that the pods are stale: esgen rollout
// restarts them one at a time (under RollingUpdate, apply does), each
// onto a keystore built from the Secret as it is then.
const SecureSettingsRevisionAnnotation = "esgen.dev/secure-settings-revision"

// secureSettingsRevision is the value of SecureSettingsRevisionAnnotation,
// in spec order; "" when no source names a revision.
func secureSettingsRevision(c *esspec.Resolved) string {
	var revs []string
	for _, s := range c.Spec.Security.SecureSettings {
		if s.Revision != "" {
			revs = append(revs, s.SecretName+"="+s.Revision)
		}
	}
	return strings.Join(revs, ",")
}

// terminationGracePeriod leaves a stopping node time to finish in-flight
// requests and close its shards cleanly after the preStop delay.
const terminationGracePeriod = 180

// statefulSet runs a placement group's pods. Parallel pod management
// starts every pod at once, which a new cluster needs: its masters must
// all be up to elect the first master. Under OnDelete (production master
// and data nodeSets) kubectl apply changes the template and restarts
// nothing: a pod takes the new template when esgen rollout, or a drain,
// deletes it. Under RollingUpdate the StatefulSet replaces one pod at a
// time, each once the previous one is Ready.
func statefulSet(c *esspec.Resolved, g *topology.Group, cfg nodeConfig) *appsv1.StatefulSet {
	return &appsv1.StatefulSet{
		TypeMeta:   metav1.TypeMeta{APIVersion: "apps/v1", Kind: "StatefulSet"},
		ObjectMeta: objectMeta(c, g.Name, groupLabels(c, g), disposable(c)),
		Spec: appsv1.StatefulSetSpec{
			Replicas:             new(g.Replicas),
			ServiceName:          g.Name,
			PodManagementPolicy:  appsv1.ParallelPodManagement,
			UpdateStrategy:       appsv1.StatefulSetUpdateStrategy{Type: updateStrategyType(g.NodeSet.UpdateStrategy)},
			Selector:             &metav1.LabelSelector{MatchLabels: maps.Clone(g.Selector)},
			Template:             podTemplate(c, g, cfg),
			VolumeClaimTemplates: volumeClaimTemplates(c, g),
		},
	}
}

func disposable(c *esspec.Resolved) map[string]string {
	if !c.Spec.Disposable {
		return nil
	}
	return map[string]string{DisposableAnnotation: "true"}
}

func updateStrategyType(s esspec.UpdateStrategy) appsv1.StatefulSetUpdateStrategyType {
	if s == esspec.UpdateOnDelete {
		return appsv1.OnDeleteStatefulSetStrategyType
	}
	return appsv1.RollingUpdateStatefulSetStrategyType
}

// volumeClaimTemplates returns the data claim of a PVC-backed group. Its
// labels are the selector labels only: claim templates cannot change
// after creation, so nothing that changes on upgrade may be in them.
func volumeClaimTemplates(c *esspec.Resolved, g *topology.Group) []corev1.PersistentVolumeClaim {
	st := g.NodeSet.Storage
	if st.Kind() != esspec.StorageClaim {
		return nil
	}
	claim := corev1.PersistentVolumeClaim{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "PersistentVolumeClaim"},
		ObjectMeta: metav1.ObjectMeta{Name: volumeData, Labels: maps.Clone(g.Selector)},
		Spec: corev1.PersistentVolumeClaimSpec{
			AccessModes: []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
			Resources: corev1.VolumeResourceRequirements{
				Requests: corev1.ResourceList{corev1.ResourceStorage: st.Size.DeepCopy()},
			},
		},
	}
	if st.StorageClassName != "" {
		claim.Spec.StorageClassName = new(st.StorageClassName)
	}
	return []corev1.PersistentVolumeClaim{claim}
}

// podTemplate is the pod of a placement group.
func podTemplate(c *esspec.Resolved, g *topology.Group, cfg nodeConfig) corev1.PodTemplateSpec {
	ns := g.NodeSet
	podAnnotations := maps.Clone(ns.PodAnnotations)
	if podAnnotations == nil {
		podAnnotations = map[string]string{}
	}
	podAnnotations[ConfigHashAnnotation] = cfg.hash
	if rev := secureSettingsRevision(c); rev != "" {
		podAnnotations[SecureSettingsRevisionAnnotation] = rev
	}
	if c.Spec.Transport.MeshExclude {
		// Istio's sidecar must not intercept node-to-node traffic: nodes
		// address each other's pod IPs directly and speak their own TLS.
		podAnnotations["traffic.sidecar.istio.io/excludeInboundPorts"] = fmt.Sprint(bootstrap.TransportPort)
		podAnnotations["traffic.sidecar.istio.io/excludeOutboundPorts"] = fmt.Sprint(bootstrap.TransportPort)
	}
	dataMount := dataVolumeMount(ns)
	var inits []corev1.Container
	config := bootstrap.ConfigContainer(c)
	config.VolumeMounts = configInitMounts()
	for _, init := range []*corev1.Container{
		bootstrap.SysctlInitContainer(c),
		bootstrap.DataPermissionsContainer(c, ns, dataMount),
		config,
		bootstrap.PluginsContainer(c, ns, pluginsInitMounts()),
		bootstrap.KeystoreContainer(c, keystoreInitMounts(c)),
		bootstrap.InternalUserContainer(c, internalUserInitMounts()),
	} {
		if init != nil {
			inits = append(inits, *init)
		}
	}
	return corev1.PodTemplateSpec{
		ObjectMeta: metav1.ObjectMeta{Labels: podLabels(c, g), Annotations: podAnnotations},
		Spec: corev1.PodSpec{
			Affinity:                      g.Affinity,
			TopologySpreadConstraints:     g.TopologySpreadConstraints,
			AutomountServiceAccountToken:  new(false),
			EnableServiceLinks:            new(false),
			ImagePullSecrets:              pullSecrets(c.Spec.ImagePullSecrets),
			InitContainers:                inits,
			Containers:                    []corev1.Container{elasticsearchContainer(c, g, containerMounts(c, ns, dataMount))},
			NodeSelector:                  ns.NodeSelector,
			Tolerations:                   ns.Tolerations,
			PriorityClassName:             ns.PriorityClassName,
			SecurityContext:               podSecurityContext(c),
			TerminationGracePeriodSeconds: new(int64(terminationGracePeriod)),
			Volumes:                       volumes(c, g),
		},
	}
}

func pullSecrets(names []string) []corev1.LocalObjectReference {
	var refs []corev1.LocalObjectReference
	for _, n := range names {
		refs = append(refs, corev1.LocalObjectReference{Name: n})
	}
	return refs
}

// podSecurityContext runs every container as the image's elasticsearch
// user unless it says otherwise, with the runtime's default seccomp
// profile; fsGroup makes volumes writable by that user, and changing
// ownership only on a mismatch keeps large data volumes quick to mount.
// An image that must start as root (2.x) keeps its own user and hands the
// data directory over itself.
func podSecurityContext(c *esspec.Resolved) *corev1.PodSecurityContext {
	runtimeDefault := &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault}
	if c.Version.ImageRunsAsRoot() {
		return &corev1.PodSecurityContext{SeccompProfile: runtimeDefault}
	}
	return &corev1.PodSecurityContext{
		RunAsUser:           new(int64(bootstrap.UID)),
		RunAsNonRoot:        new(true),
		FSGroup:             new(int64(bootstrap.GID)),
		FSGroupChangePolicy: new(corev1.FSGroupChangeOnRootMismatch),
		SeccompProfile:      runtimeDefault,
	}
}
