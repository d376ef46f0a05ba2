package diff

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/esgen/esgen/bootstrap"
	"github.com/esgen/esgen/esspec"
	"github.com/esgen/esgen/render"
	"github.com/esgen/esgen/topology"
)

// Names esgen's render uses that the rendered objects carry.
const (
	labelVersion  = render.LabelVersion
	volumeData    = render.DataVolume
	configHashKey = render.ConfigHashAnnotation
	disposableKey = render.DisposableAnnotation
	healthKey     = render.HealthTargetKey
)

// ref names what causes a finding: a spec field path (object empty), or
// an object and a field of it, for rendered input.
type ref struct {
	object string // Kind/name
	path   string
}

func (r ref) String() string {
	switch {
	case r.object == "":
		return r.path
	case r.path == "":
		return r.object
	}
	return r.object + " " + r.path
}

func specRef(path string) ref            { return ref{path: path} }
func objRef(kind, name, path string) ref { return ref{object: kind + "/" + name, path: path} }
func stsRef(name, path string) ref       { return objRef("StatefulSet", name, path) }
func configMapRef(name, setting string) ref {
	return objRef("ConfigMap", name, "data["+bootstrap.ConfigFile+"]["+setting+"]")
}

// joinRefs writes refs once each, in order, separated by commas.
func joinRefs(refs []ref) string {
	var out []string
	for _, r := range refs {
		if s := r.String(); s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return strings.Join(out, ", ")
}

// storage is where a group keeps its data.
type storage struct {
	kind     esspec.StorageKind
	size     *resource.Quantity
	class    string
	hostPath string
}

// group is one StatefulSet of Elasticsearch nodes, with the facts the
// findings need and the fields that set them.
type group struct {
	key       string // namespace/name: the StatefulSet's identity
	sts       string
	namespace string
	nodeSet   string
	rack      string
	replicas  int32
	roles     []esspec.Role
	storage   storage
	version   esspec.Version
	versionOK bool
	// configMap names the ConfigMap with the nodes' elasticsearch.yml and
	// settings holds it parsed; nil when there is none. health is the
	// health its restarted pods wait for (render.HealthTargetKey), empty
	// for groups that wait for none.
	configMap string
	settings  map[string]any
	health    string
	// onDelete: the StatefulSet's updateStrategy is OnDelete, so kubectl
	// apply restarts none of its pods.
	onDelete bool
	// disposable: the cluster's data may be lost (spec.disposable, which
	// render writes as an annotation on every StatefulSet).
	disposable bool
	obj        *appsv1.StatefulSet

	// Fields that set the facts, in the spec or in the object.
	countRef, rolesRef, sizeRef, classRef, storageRef, nameRef, versionRef ref
}

func (g *group) holdsData() bool { return esspec.RolesHoldData(g.roles) }

func (g *group) masterEligible() bool { return slices.Contains(g.roles, esspec.RoleMaster) }

// stateful reports whether the group's nodes hold state: shards or the
// cluster state.
func (g *group) stateful() bool { return g.holdsData() || g.masterEligible() }

// strategy names the StatefulSet's update strategy as Kubernetes does.
func (g *group) strategy() string {
	if g.onDelete {
		return string(appsv1.OnDeleteStatefulSetStrategyType)
	}
	return string(appsv1.RollingUpdateStatefulSetStrategyType)
}

// podNames returns the names of the group's pods from ordinal from on.
func (g *group) podNames(from, to int32) []string {
	var names []string
	for i := from; i < to; i++ {
		names = append(names, g.sts+"-"+strconv.Itoa(int(i)))
	}
	return names
}

// model is what one side of a comparison says about the cluster. The
// facts come from the spec when there is one, else from the rendered
// objects; either way the same spec gives the same facts, and only the
// fields that name their cause differ.
type model struct {
	cluster   string
	namespace string
	spec      *esspec.Resolved // nil for rendered input
	groups    []*group
	objects   render.Objects
	// clusterRef and namespaceRef name where the cluster's name and
	// namespace are set.
	clusterRef, namespaceRef ref
}

func (m *model) group(key string) *group {
	for _, g := range m.groups {
		if g.key == key {
			return g
		}
	}
	return nil
}

// nodeSets lists the nodeSets in the order of their first StatefulSet.
func (m *model) nodeSets() []string {
	var names []string
	for _, g := range m.groups {
		if !slices.Contains(names, g.nodeSet) {
			names = append(names, g.nodeSet)
		}
	}
	return names
}

func (m *model) groupsOf(nodeSet string) []*group {
	var gs []*group
	for _, g := range m.groups {
		if g.nodeSet == nodeSet {
			gs = append(gs, g)
		}
	}
	return gs
}

// versions returns the oldest and newest version the nodes run, and the
// field of the first group that runs the oldest.
func (m *model) versions() (oldest, newest esspec.Version, at ref, ok bool) {
	for _, g := range m.groups {
		if !g.versionOK {
			continue
		}
		if !ok || g.version.Compare(oldest) < 0 {
			oldest, at = g.version, g.versionRef
		}
		if !ok || g.version.Compare(newest) > 0 {
			newest = g.version
		}
		ok = true
	}
	return oldest, newest, at, ok
}

func (m *model) total(keep func(*group) bool) int {
	n := 0
	for _, g := range m.groups {
		if keep(g) {
			n += int(g.replicas)
		}
	}
	return n
}

func allGroups(*group) bool { return true }

// specModel builds the model of a defaulted, valid spec and its render.
func specModel(c *esspec.Resolved, objs render.Objects) *model {
	m := &model{
		cluster:      c.Metadata.Name,
		namespace:    c.Metadata.Namespace,
		spec:         c,
		objects:      objs,
		clusterRef:   specRef("metadata.name"),
		namespaceRef: specRef("metadata.namespace"),
	}
	for _, pg := range topology.Plan(c) {
		ns := pg.NodeSet
		p := fmt.Sprintf("spec.nodeSets[%d]", pg.Index)
		g := &group{
			key:        c.Metadata.Namespace + "/" + pg.Name,
			sts:        pg.Name,
			namespace:  c.Metadata.Namespace,
			nodeSet:    ns.Name,
			rack:       pg.Rack,
			replicas:   pg.Replicas,
			roles:      ns.Roles,
			storage:    specStorage(ns.Storage),
			version:    c.Version,
			versionOK:  true,
			countRef:   specRef(p + ".count"),
			rolesRef:   specRef(p + ".roles"),
			sizeRef:    specRef(p + ".storage.size"),
			classRef:   specRef(p + ".storage.storageClassName"),
			storageRef: specRef(p + ".storage"),
			nameRef:    specRef(p + ".name"),
			versionRef: specRef("spec.version"),
		}
		g.obj = findStatefulSet(objs, g.namespace, g.sts)
		g.configMap, g.settings, g.health = nodeConfig(objs, g.obj)
		g.onDelete, g.disposable = objectStrategy(g.obj)
		m.groups = append(m.groups, g)
	}
	// Findings list nodeSets in the order of their StatefulSets, as they
	// do for rendered input.
	slices.SortStableFunc(m.groups, func(a, b *group) int {
		return cmp.Compare(objectIndex(objs, a.obj), objectIndex(objs, b.obj))
	})
	return m
}

func objectIndex(objs render.Objects, obj *appsv1.StatefulSet) int {
	return slices.IndexFunc(objs, func(o render.Object) bool { return o == render.Object(obj) })
}

// specStorage mirrors how render stores a nodeSet's data.
func specStorage(st esspec.Storage) storage {
	switch st.Kind() {
	case esspec.StorageHostPath:
		return storage{kind: esspec.StorageHostPath, hostPath: st.HostPath}
	case esspec.StorageEmptyDir:
		return storage{kind: esspec.StorageEmptyDir}
	case esspec.StorageClaim:
		size := st.Size.DeepCopy()
		return storage{kind: esspec.StorageClaim, size: &size, class: st.StorageClassName}
	}
	return storage{kind: esspec.StorageNone}
}

// objectModel builds the model of rendered objects: the Elasticsearch
// StatefulSets (those with esgen's cluster label, or any when none has
// it) with their labels, replicas, claim templates and ConfigMaps. The
// objects must belong to one cluster.
func objectModel(objs render.Objects) (*model, error) {
	m := &model{objects: objs}
	var sets []*appsv1.StatefulSet
	labelled := false
	for _, o := range objs {
		if sts, ok := o.(*appsv1.StatefulSet); ok {
			sets = append(sets, sts)
			labelled = labelled || sts.Labels[esspec.LabelCluster] != ""
		}
	}
	for _, sts := range sets {
		cluster := sts.Labels[esspec.LabelCluster]
		if labelled && cluster == "" {
			continue
		}
		if len(m.groups) > 0 && (cluster != m.cluster || sts.Namespace != m.namespace) {
			return nil, fmt.Errorf("StatefulSets %s and %s belong to different clusters (%s): compare one cluster at a time",
				m.groups[0].sts, sts.Name, strings.Join([]string{describeCluster(m.namespace, m.cluster), describeCluster(sts.Namespace, cluster)}, ", "))
		}
		if len(m.groups) == 0 {
			m.cluster, m.namespace = cluster, sts.Namespace
			m.clusterRef = stsRef(sts.Name, "metadata.labels["+esspec.LabelCluster+"]")
			m.namespaceRef = stsRef(sts.Name, "metadata.namespace")
		}
		m.groups = append(m.groups, objectGroup(objs, sts))
	}
	return m, nil
}

func describeCluster(namespace, name string) string {
	if namespace == "" {
		return name
	}
	return namespace + "/" + name
}

// objectGroup reads a StatefulSet's facts from its labels and spec.
func objectGroup(objs render.Objects, sts *appsv1.StatefulSet) *group {
	labels := sts.Spec.Template.Labels
	g := &group{
		key:        sts.Namespace + "/" + sts.Name,
		sts:        sts.Name,
		namespace:  sts.Namespace,
		nodeSet:    firstNonEmpty(labels[esspec.LabelNodeSet], sts.Labels[esspec.LabelNodeSet], sts.Name),
		rack:       firstNonEmpty(labels[esspec.LabelRack], sts.Labels[esspec.LabelRack]),
		replicas:   1, // Kubernetes' default
		obj:        sts,
		countRef:   stsRef(sts.Name, "spec.replicas"),
		rolesRef:   stsRef(sts.Name, "spec.template.metadata.labels"),
		sizeRef:    stsRef(sts.Name, "spec.volumeClaimTemplates[name="+volumeData+"].spec.resources.requests[storage]"),
		classRef:   stsRef(sts.Name, "spec.volumeClaimTemplates[name="+volumeData+"].spec.storageClassName"),
		storageRef: stsRef(sts.Name, "spec.volumeClaimTemplates"),
		nameRef:    stsRef(sts.Name, "metadata.name"),
	}
	if sts.Spec.Replicas != nil {
		g.replicas = *sts.Spec.Replicas
	}
	for _, r := range esspec.AllRoles {
		if labels[esspec.LabelRolePrefix+string(r)] == "true" {
			g.roles = append(g.roles, r)
		}
	}
	g.storage = objectStorage(sts)
	if g.storage.kind != esspec.StorageClaim {
		g.storageRef = stsRef(sts.Name, "spec.template.spec.volumes[name="+volumeData+"]")
	}
	g.version, g.versionRef, g.versionOK = objectVersion(sts)
	g.configMap, g.settings, g.health = nodeConfig(objs, sts)
	g.onDelete, g.disposable = objectStrategy(sts)
	return g
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// objectVersion reads the version from the version label, which esgen
// sets to spec.version, else from the tag of the Elasticsearch image.
func objectVersion(sts *appsv1.StatefulSet) (esspec.Version, ref, bool) {
	if v, err := esspec.ParseVersion(sts.Labels[labelVersion]); err == nil {
		return v, stsRef(sts.Name, "metadata.labels["+labelVersion+"]"), true
	}
	for i, c := range sts.Spec.Template.Spec.Containers {
		if c.Name != render.ContainerName && i > 0 {
			continue
		}
		tag := c.Image[strings.LastIndexByte(c.Image, ':')+1:]
		tag, _, _ = strings.Cut(tag, "-")
		if v, err := esspec.ParseVersion(tag); err == nil {
			return v, stsRef(sts.Name, "spec.template.spec.containers[name="+c.Name+"].image"), true
		}
	}
	return esspec.Version{}, ref{}, false
}

// objectStorage reads where a StatefulSet keeps its data: the claim
// template named elasticsearch-data, or the pod volume of that name.
func objectStorage(sts *appsv1.StatefulSet) storage {
	for _, claim := range sts.Spec.VolumeClaimTemplates {
		if claim.Name != volumeData {
			continue
		}
		st := storage{kind: esspec.StorageClaim}
		if q, ok := claim.Spec.Resources.Requests[corev1.ResourceStorage]; ok {
			st.size = &q
		}
		if claim.Spec.StorageClassName != nil {
			st.class = *claim.Spec.StorageClassName
		}
		return st
	}
	for _, v := range sts.Spec.Template.Spec.Volumes {
		switch {
		case v.Name != volumeData:
		case v.HostPath != nil:
			return storage{kind: esspec.StorageHostPath, hostPath: v.HostPath.Path}
		case v.EmptyDir != nil:
			return storage{kind: esspec.StorageEmptyDir}
		}
	}
	return storage{kind: esspec.StorageNone}
}

func findStatefulSet(objs render.Objects, namespace, name string) *appsv1.StatefulSet {
	for _, o := range objs {
		if sts, ok := o.(*appsv1.StatefulSet); ok && sts.Namespace == namespace && sts.Name == name {
			return sts
		}
	}
	return nil
}

// objectStrategy reads whether a StatefulSet replaces its pods only when
// they are deleted (OnDelete; Kubernetes' default is RollingUpdate), and
// whether it belongs to a disposable cluster.
func objectStrategy(sts *appsv1.StatefulSet) (onDelete, disposable bool) {
	if sts == nil {
		return false, false
	}
	return sts.Spec.UpdateStrategy.Type == appsv1.OnDeleteStatefulSetStrategyType, sts.Annotations[disposableKey] == "true"
}

// nodeConfig returns the ConfigMap a StatefulSet's pods mount their
// elasticsearch.yml from, its settings, and the health its restarted pods
// wait for. Only elasticsearch.yml is parsed as settings.
func nodeConfig(objs render.Objects, sts *appsv1.StatefulSet) (string, map[string]any, string) {
	if sts == nil {
		return "", nil, ""
	}
	for _, v := range sts.Spec.Template.Spec.Volumes {
		if v.ConfigMap == nil {
			continue
		}
		for _, o := range objs {
			cm, ok := o.(*corev1.ConfigMap)
			if !ok || cm.Namespace != sts.Namespace || cm.Name != v.ConfigMap.Name {
				continue
			}
			if text, ok := cm.Data[bootstrap.ConfigFile]; ok {
				return cm.Name, parseSettings(text), strings.TrimSpace(cm.Data[healthKey])
			}
		}
	}
	return "", nil, ""
}
