package esspec

import (
	"encoding/json"
	"fmt"
	"maps"
	posixpath "path"
	"reflect"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

func validNodeSets(v *checker) field.ErrorList {
	sets := v.c.Spec.NodeSets
	if len(sets) == 0 {
		return field.ErrorList{field.Required(nodeSetsPath, "at least one nodeSet, e.g. {name: default, count: 3}")}
	}
	var errs field.ErrorList
	seen := map[string]bool{}
	for i := range sets {
		ns := &sets[i]
		p := nodeSetsPath.Index(i)
		if seen[ns.Name] && ns.Name != "" {
			errs = append(errs, field.Duplicate(p.Child("name"), ns.Name))
		}
		seen[ns.Name] = true
		errs = append(errs, slices.Concat(
			v.validNodeSetName(ns, p),
			validCount(ns, p),
			v.validRoles(ns, p),
			v.validResources(ns, p),
			v.validHeap(ns, p),
			v.validStorage(ns, p),
			v.validConfig(ns.Config, p.Child("config"), p),
			validEnv(ns.Env, p.Child("env")),
			validLabelSyntax(ns.NodeSelector, p.Child("nodeSelector")),
			validTolerations(ns.Tolerations, p.Child("tolerations")),
			validLabels(ns.PodLabels, p.Child("podLabels")),
			validAnnotations(ns.PodAnnotations, p.Child("podAnnotations")),
			v.podAnnotationsPassLevel(ns.PodAnnotations, p.Child("podAnnotations")),
		)...)
		if ns.PriorityClassName != "" {
			errs = append(errs, validObjectName(ns.PriorityClassName, p.Child("priorityClassName"))...)
		}
	}
	return errs
}

func (v *checker) validNodeSetName(ns *NodeSet, p *field.Path) field.ErrorList {
	path := p.Child("name")
	if ns.Name == "" {
		return field.ErrorList{field.Required(path, "a DNS-1123 label, e.g. master or data")}
	}
	var errs field.ErrorList
	for _, msg := range validation.IsDNS1123Label(ns.Name) {
		errs = append(errs, field.Invalid(path, ns.Name, msg))
	}
	if slices.Contains(reservedNodeSetNames, ns.Name) {
		errs = append(errs, field.Invalid(path, ns.Name, fmt.Sprintf(
			"is reserved: the nodeSet's objects would collide with the Service %s", NodeSetName(v.c.Metadata.Name, ns.Name))))
	}
	// A cluster name that is too long is reported once, on metadata.name.
	if v.c.Metadata.Name != "" && len(v.c.Metadata.Name) <= MaxClusterName && len(errs) == 0 {
		name, rack := v.longestStatefulSetName(ns.Name)
		if len(name) > MaxStatefulSetName {
			shorten := "this nodeSet name or metadata.name"
			if rack != "" {
				shorten = "this nodeSet name, metadata.name or rack id " + rack
			}
			errs = append(errs, field.Invalid(path, ns.Name, fmt.Sprintf(
				"generated StatefulSet name %q is %d characters; with the pods' controller revision hash it must be at most %d: shorten %s",
				name, len(name), MaxStatefulSetName, shorten)))
		}
	}
	return errs
}

// longestStatefulSetName returns the longest StatefulSet name of a nodeSet
// and the rack it is for ("" without racks).
func (v *checker) longestStatefulSetName(nodeSet string) (name, rack string) {
	name = StatefulSetName(v.c.Metadata.Name, nodeSet, "")
	for _, r := range v.c.Spec.Topology.Racks {
		if n := StatefulSetName(v.c.Metadata.Name, nodeSet, r); len(n) > len(name) {
			name, rack = n, r
		}
	}
	return name, rack
}

// appArmorPrefix is the annotation prefix that sets a container's AppArmor
// profile (before the securityContext field existed); baseline forbids
// any profile but the runtime default and localhost ones.
const appArmorPrefix = "container.apparmor.security.beta.kubernetes.io/"

func (v *checker) podAnnotationsPassLevel(annotations map[string]string, path *field.Path) field.ErrorList {
	level := v.c.Spec.PodSecurity
	if level == PodSecurityPrivileged {
		return nil
	}
	var errs field.ErrorList
	for _, k := range slices.Sorted(maps.Keys(annotations)) {
		value := annotations[k]
		if strings.HasPrefix(k, appArmorPrefix) && value != "runtime/default" && !strings.HasPrefix(value, "localhost/") {
			errs = append(errs, field.Forbidden(path.Key(k), fmt.Sprintf(
				"Pod Security level %q allows only the runtime/default or localhost/* AppArmor profiles", level)))
		}
	}
	return errs
}

func validCount(ns *NodeSet, p *field.Path) field.ErrorList {
	path := p.Child("count")
	switch {
	case ns.Count == nil:
		return field.ErrorList{field.Required(path, "the number of nodes, 0 or more")}
	case *ns.Count < 0:
		return field.ErrorList{field.Invalid(path, *ns.Count, "must be 0 or more")}
	case *ns.Count > MaxCount:
		return field.ErrorList{field.Invalid(path, *ns.Count, fmt.Sprintf("must be at most %d", MaxCount))}
	}
	return nil
}

func (v *checker) validRoles(ns *NodeSet, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	path := p.Child("roles")
	known := RoleNames(AllRoles)
	seen := map[Role]bool{}
	for j, role := range ns.Roles {
		since, ok := RoleSince(role)
		switch {
		case !ok:
			errs = append(errs, field.NotSupported(path.Index(j), role, known))
		case seen[role]:
			errs = append(errs, field.Duplicate(path.Index(j), role))
		case v.versionOK && !v.version.HasRole(role):
			errs = append(errs, field.Invalid(path.Index(j), role, fmt.Sprintf(
				"Elasticsearch %s has no %s role (it exists from %d.%d)", v.version, role, since.Major, since.Minor)))
		}
		seen[role] = true
	}
	if seen[RoleVotingOnly] && !seen[RoleMaster] {
		errs = append(errs, field.Invalid(path, strings.Join(RoleNames(ns.Roles), ","), "voting_only nodes must also have the master role"))
	}
	return errs
}

func (v *checker) validResources(ns *NodeSet, p *field.Path) field.ErrorList {
	path := p.Child("resources")
	errs := validResourceLists(&ns.Resources, path)
	if v.c.Spec.Profile == ProfileProduction && ns.Resources.MemoryLimit() == nil {
		errs = append(errs, field.Required(path.Child("memory"),
			"the production profile needs a memory limit on every nodeSet: the heap is derived from it and a pod without one can take a server's memory"))
	}
	return errs
}

// validResourceLists checks a container's resources: positive quantities
// of known resources, requests no larger than limits.
func validResourceLists(r *Resources, path *field.Path) field.ErrorList {
	var errs field.ErrorList
	positive := func(q *resource.Quantity, path *field.Path) {
		if q != nil && q.Sign() <= 0 {
			errs = append(errs, field.Invalid(path, q.String(), "must be greater than zero"))
		}
	}
	positive(r.CPU, path.Child("cpu"))
	positive(r.Memory, path.Child("memory"))
	for _, list := range []struct {
		name string
		rl   corev1.ResourceList
	}{{"requests", r.Requests}, {"limits", r.Limits}} {
		for _, k := range slices.Sorted(maps.Keys(list.rl)) {
			q := list.rl[k]
			positive(&q, path.Child(list.name).Key(string(k)))
			if !validResourceName(k) {
				errs = append(errs, field.Invalid(path.Child(list.name).Key(string(k)), string(k),
					"not a resource name: use cpu, memory, ephemeral-storage, hugepages-<size> or a domain-qualified extended resource such as example.com/gpu"))
			}
		}
	}
	requests, limits := r.ContainerRequests(), r.ContainerLimits()
	for _, k := range slices.Sorted(maps.Keys(requests)) {
		q := requests[k]
		if limit, ok := limits[k]; ok && q.Cmp(limit) > 0 {
			errs = append(errs, field.Invalid(path.Child("requests").Key(string(k)), q.String(),
				fmt.Sprintf("must not exceed the limit %s", limit.String())))
		}
	}
	return errs
}

// validResourceName accepts the container resources Kubernetes knows and
// extended resources, which carry a domain.
func validResourceName(name corev1.ResourceName) bool {
	switch {
	case name == corev1.ResourceCPU, name == corev1.ResourceMemory, name == corev1.ResourceEphemeralStorage:
		return true
	case strings.HasPrefix(string(name), corev1.ResourceHugePagesPrefix):
		_, err := resource.ParseQuantity(strings.TrimPrefix(string(name), corev1.ResourceHugePagesPrefix))
		return err == nil
	case strings.Contains(string(name), "/"):
		return len(validation.IsQualifiedName(string(name))) == 0 && !strings.Contains(string(name), "kubernetes.io/")
	}
	return false
}

// MinHeap is the smallest heap esgen renders: Elasticsearch does not
// start on much less.
const MinHeap = 256 * mib

func (v *checker) validHeap(ns *NodeSet, p *field.Path) field.ErrorList {
	path := p.Child("heap")
	limit := ns.Resources.MemoryLimit()
	if ns.Heap == "" {
		if limit != nil && limit.Sign() > 0 && DefaultHeap(*limit) < MinHeap {
			_, from := ns.Resources.memoryLimit()
			memPath := p.Child("resources", "memory")
			if from != "memory" {
				memPath = p.Child("resources", "limits").Key("memory")
			}
			return field.ErrorList{field.Invalid(memPath, limit.String(),
				"is too small: half of it goes to the heap, and Elasticsearch needs a heap of at least 256m; give at least 512Mi")}
		}
		return nil
	}
	heap, err := ParseHeap(ns.Heap)
	if err != nil {
		return field.ErrorList{field.Invalid(path, ns.Heap, err.Error())}
	}
	var errs field.ErrorList
	if heap > MaxHeap {
		errs = append(errs, field.Invalid(path, ns.Heap,
			"must not exceed 32g: above it the JVM loses compressed object pointers; use 31g or less"))
	}
	if heap < MinHeap {
		errs = append(errs, field.Invalid(path, ns.Heap, "must be at least 256m: Elasticsearch does not start on less"))
	}
	if limit != nil && limit.Sign() > 0 && heap >= limit.Value() {
		errs = append(errs, field.Invalid(path, ns.Heap, fmt.Sprintf(
			"must be below the memory limit %s: the container would be killed; use half of it", limit)))
	}
	return errs
}

func (v *checker) validStorage(ns *NodeSet, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	st := ns.Storage
	path := p.Child("storage")
	emptyDir := isTrue(st.EmptyDir)
	kinds := 0
	for _, set := range []bool{st.Size != nil, st.HostPath != "", emptyDir} {
		if set {
			kinds++
		}
	}
	if kinds > 1 {
		errs = append(errs, field.Invalid(path, describeStorage(st),
			"choose one of size (a PersistentVolumeClaim), hostPath or emptyDir"))
	}
	if st.Size != nil && st.Size.Sign() <= 0 {
		errs = append(errs, field.Invalid(path.Child("size"), st.Size.String(), "must be greater than zero"))
	}
	if st.StorageClassName != "" {
		errs = append(errs, validObjectName(st.StorageClassName, path.Child("storageClassName"))...)
		if st.HostPath != "" || emptyDir {
			errs = append(errs, field.Invalid(path.Child("storageClassName"), st.StorageClassName,
				"applies to PersistentVolumeClaims only: remove it, or use size instead of hostPath/emptyDir"))
		}
	}
	if st.HostPath != "" {
		if !posixpath.IsAbs(st.HostPath) || posixpath.Clean(st.HostPath) == "/" || posixpath.Clean(st.HostPath) != st.HostPath {
			errs = append(errs, field.Invalid(path.Child("hostPath"), st.HostPath,
				"must be a clean absolute path other than /, e.g. /data/elasticsearch"))
		}
		if level := v.c.Spec.PodSecurity; level != PodSecurityPrivileged {
			errs = append(errs, field.Forbidden(path.Child("hostPath"), fmt.Sprintf(
				"Pod Security level %q forbids hostPath volumes: use size (a PersistentVolumeClaim, e.g. of a local StorageClass) or spec.podSecurity: privileged", level)))
		}
	}
	if emptyDir && v.c.Spec.Profile == ProfileProduction && (ns.MasterEligible() || ns.HoldsData()) {
		errs = append(errs, field.Forbidden(path.Child("emptyDir"),
			"the production profile keeps master and data nodes on persistent storage (an emptyDir is lost with its pod): use size or hostPath, or profile: development"))
	}
	// SetDefaults gives production master and data nodeSets no size.
	if kinds == 0 && v.c.Spec.Profile == ProfileProduction && ns.Stateful() {
		errs = append(errs, field.Required(path.Child("size"),
			"the production profile needs the size of every master and data node's volume: esgen cannot guess how much data it holds, and a full volume makes Elasticsearch block writes; e.g. size: 100Gi, or a hostPath"))
	}
	return errs
}

func describeStorage(st Storage) string {
	var parts []string
	if st.Size != nil {
		parts = append(parts, "size")
	}
	if st.HostPath != "" {
		parts = append(parts, "hostPath")
	}
	if isTrue(st.EmptyDir) {
		parts = append(parts, "emptyDir")
	}
	return strings.Join(parts, "+")
}

// ownedSetting is an elasticsearch.yml setting esgen writes itself, and
// the spec field a user changes instead.
type ownedSetting struct {
	key string
	by  string // spec field, relative to the nodeSet when it starts with "."
}

var ownedSettings = []ownedSetting{
	{"cluster.name", "metadata.name"},
	{"node.name", "the pod name"},
	{"node.roles", ".roles"}, {"node.master", ".roles"}, {"node.data", ".roles"}, {"node.ingest", ".roles"},
	{"node.ml", ".roles"}, {"node.transform", ".roles"}, {"node.remote_cluster_client", ".roles"},
	{"node.voting_only", ".roles"}, {"node.client", ".roles"},
	{"discovery.seed_hosts", "the master-eligible nodeSets"}, {"discovery.seed_providers", "the master-eligible nodeSets"},
	{"discovery.type", "the nodeSets (a single master-eligible node uses single-node discovery)"},
	{"discovery.zen.ping.unicast.hosts", "the master-eligible nodeSets"},
	{"discovery.zen.minimum_master_nodes", "the master-eligible nodeSets' counts"},
	{"cluster.initial_master_nodes", "spec.bootstrap.initialMasterNodes"},
	{"network.host", "esgen's Services and probes"}, {"network.publish_host", "esgen's Services and probes"},
	{"http.port", "esgen's Services and probes"}, {"transport.port", "esgen's Services and probes"},
	{"transport.tcp.port", "esgen's Services and probes"}, {"readiness.port", "esgen's readiness probe"},
	{"path.data", ".storage"}, {"path.logs", "the image's log directory"},
	{"bootstrap.memory_lock", "spec.system.memoryLock"}, {"bootstrap.mlockall", "spec.system.memoryLock"},
	{"bootstrap.system_call_filter", "spec.system.systemCallFilter"},
	{"xpack.security.enabled", "spec.security.enabled"},
	{"xpack.security.transport.ssl.enabled", "spec.security.tls"},
	{"xpack.security.transport.ssl.key", "spec.security.tls"},
	{"xpack.security.transport.ssl.certificate", "spec.security.tls"},
	{"xpack.security.transport.ssl.certificate_authorities", "spec.security.tls"},
	{"xpack.security.http.ssl.enabled", "spec.security.tls"},
	{"xpack.security.http.ssl.key", "spec.security.tls"},
	{"xpack.security.http.ssl.certificate", "spec.security.tls"},
	{"xpack.security.http.ssl.certificate_authorities", "spec.security.tls"},
}

// rackSettings are owned when racks are listed: each rack's StatefulSet
// carries its rack attribute and the awareness settings.
var rackSettings = []ownedSetting{
	{"node.attr.rack_id", "spec.topology.racks"}, {"node.rack_id", "spec.topology.racks"},
	{"cluster.routing.allocation.awareness.attributes", "spec.topology.racks"},
	{"cluster.routing.allocation.awareness.force.rack_id.values", "spec.topology.racks"},
}

// validConfig checks a nodeSet's extra elasticsearch.yml settings: each a
// scalar or a list of scalars, none of them a setting esgen owns.
func (v *checker) validConfig(cfg Settings, path, nodeSet *field.Path) field.ErrorList {
	var errs field.ErrorList
	owned := ownedSettings
	if len(v.c.Spec.Topology.Racks) > 0 {
		owned = slices.Concat(owned, rackSettings)
	}
	flat, collisions := FlattenSettings(cfg)
	for _, k := range collisions {
		errs = append(errs, field.Duplicate(path.Key(k), k))
	}
	for _, k := range slices.Sorted(maps.Keys(flat)) {
		p := path.Key(k)
		if v.versionOK {
			if detail := settingLacking(v.version, k); detail != "" {
				errs = append(errs, field.Invalid(p, k, detail))
				continue
			}
		}
		for _, o := range owned {
			if o.key == k {
				by := o.by
				if strings.HasPrefix(by, ".") {
					by = nodeSet.String() + by
				}
				errs = append(errs, field.Forbidden(p, "esgen sets this from "+by+"; change that instead"))
			}
		}
		errs = append(errs, validSettingValue(flat[k], p)...)
	}
	return errs
}

func validSettingValue(value any, p *field.Path) field.ErrorList {
	switch v := value.(type) {
	case nil:
		return field.ErrorList{field.Invalid(p, "null", "a setting needs a value: Elasticsearch refuses null settings; remove the key instead")}
	case []any:
		var errs field.ErrorList
		for i, item := range v {
			if !scalarSetting(item) {
				errs = append(errs, field.Invalid(p.Index(i), fmt.Sprint(item), "list items must be strings, numbers or booleans"))
			}
		}
		return errs
	}
	if scalarSetting(value) {
		return nil
	}
	return field.ErrorList{field.Invalid(p, fmt.Sprint(value), "must be a string, number, boolean or list")}
}

// scalarSetting reports whether v is a setting value Elasticsearch reads
// as one: a string, a boolean, or a number of any Go kind (a spec built in
// Go may hold int where a loaded one holds json.Number).
func scalarSetting(v any) bool {
	switch v.(type) {
	case string, bool, json.Number:
		return true
	}
	switch reflect.ValueOf(v).Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		return true
	}
	return false
}

// versionedSetting is a setting, or a prefix of settings, that exists
// only from since, or only before removed (zero: not removed).
type versionedSetting struct {
	key            string
	prefix         bool
	since, removed Version
	instead        string
}

// versionedSettings are settings a user may write in config that not every
// version has. Elasticsearch refuses to start on an unknown setting.
var versionedSettings = []versionedSetting{
	{key: "discovery.zen.", prefix: true, removed: Version{8, 0, 0},
		instead: "zen discovery was replaced in 7.0; esgen configures discovery from the master-eligible nodeSets"},
	{key: "cluster.join.timeout", removed: Version{8, 0, 0}},
	{key: "cluster.remote.connect", removed: Version{8, 0, 0}, instead: "use the remote_cluster_client role"},
	{key: "gateway.expected_nodes", removed: Version{8, 0, 0}, instead: "use gateway.expected_data_nodes"},
	{key: "gateway.expected_master_nodes", removed: Version{8, 0, 0}, instead: "use gateway.expected_data_nodes"},
	{key: "gateway.recover_after_nodes", removed: Version{8, 0, 0}, instead: "use gateway.recover_after_data_nodes"},
	{key: "gateway.recover_after_master_nodes", removed: Version{8, 0, 0}, instead: "use gateway.recover_after_data_nodes"},
	{key: "node.max_local_storage_nodes", removed: Version{8, 0, 0}},
	{key: "node.store.allow_mmapfs", since: Version{6, 5, 0}, removed: Version{7, 0, 0}, instead: "7.0 renamed it node.store.allow_mmap"},
	{key: "node.store.allow_mmap", since: Version{7, 0, 0}},
	{key: "discovery.seed_resolver.", prefix: true, since: Version{7, 0, 0}},
	{key: "cluster.fault_detection.", prefix: true, since: Version{7, 0, 0}, instead: "before 7.0 use discovery.zen.fd.*"},
	{key: "node.attr.", prefix: true, since: Version{5, 0, 0}, instead: "2.x names node attributes node.<name>"},
}

// settingLacking says why the version has no setting key, or "".
func settingLacking(v Version, key string) string {
	for _, s := range versionedSettings {
		if key != s.key && !(s.prefix && strings.HasPrefix(key, s.key)) {
			continue
		}
		var detail string
		switch {
		case v.Compare(s.since) < 0:
			detail = fmt.Sprintf("Elasticsearch %s has no setting %s (it exists from %d.%d)", v, key, s.since.Major, s.since.Minor)
		case s.removed != (Version{}) && v.Compare(s.removed) >= 0:
			detail = fmt.Sprintf("Elasticsearch %s has no setting %s (removed in %d.%d)", v, key, s.removed.Major, s.removed.Minor)
		default:
			return ""
		}
		if s.instead != "" {
			detail += ": " + s.instead
		}
		return detail
	}
	return ""
}

// FlattenSettings turns nested settings ({node: {attr: {zone: a}}}) into
// dotted keys (node.attr.zone: a), as Elasticsearch reads them. Keys that
// two spellings set both are returned as collisions, sorted.
func FlattenSettings(s Settings) (Settings, []string) {
	flat := Settings{}
	var collisions []string
	var walk func(prefix string, m map[string]any)
	walk = func(prefix string, m map[string]any) {
		for _, k := range slices.Sorted(maps.Keys(m)) {
			key := prefix + k
			if sub, ok := m[k].(map[string]any); ok && len(sub) > 0 {
				walk(key+".", sub)
				continue
			}
			if _, dup := flat[key]; dup {
				collisions = append(collisions, key)
				continue
			}
			flat[key] = m[k]
		}
	}
	walk("", s)
	slices.Sort(collisions)
	return flat, slices.Compact(collisions)
}

// ownedEnv are environment variables esgen sets on the Elasticsearch
// container. ES_JAVA_OPTS is not among them: a nodeSet's value is appended
// to esgen's heap options.
var ownedEnv = map[string]string{
	"ES_HEAP_SIZE":     "spec.nodeSets[].heap",
	"ELASTIC_PASSWORD": "spec.security.elasticPasswordSecret",
	"POD_NAME":         "the downward API",
	"POD_IP":           "the downward API",
	"POD_NAMESPACE":    "the downward API",
}

// settingEnv matches the variables the official images turn into
// Elasticsearch settings: dotted lower-case names (cluster.name=x) and,
// from 7.15, ES_SETTING_* names. They would override elasticsearch.yml.
var settingEnv = lazyRegexp(`^([a-z0-9_-]+(\.[a-z0-9_-]+)+|ES_SETTING_.+)$`)

func validEnv(env []corev1.EnvVar, path *field.Path) field.ErrorList {
	var errs field.ErrorList
	for i, e := range env {
		p := path.Index(i)
		if e.Name == "" {
			errs = append(errs, field.Required(p.Child("name"), "the variable name"))
			continue
		}
		for _, msg := range validation.IsEnvVarName(e.Name) {
			errs = append(errs, field.Invalid(p.Child("name"), e.Name, msg))
		}
		if by, ok := ownedEnv[e.Name]; ok {
			errs = append(errs, field.Forbidden(p.Child("name"), "esgen sets "+e.Name+" from "+by))
		}
		if settingEnv().MatchString(e.Name) {
			errs = append(errs, field.Forbidden(p.Child("name"),
				"the image turns this variable into an Elasticsearch setting, past esgen's checks: set it in this nodeSet's config instead"))
		}
		if e.Name == "ES_JAVA_OPTS" && e.ValueFrom != nil {
			errs = append(errs, field.Forbidden(p.Child("valueFrom"), "ES_JAVA_OPTS is appended to esgen's heap options, so it needs a value"))
		}
		if e.ValueFrom != nil {
			if e.Value != "" {
				errs = append(errs, field.Invalid(p.Child("valueFrom"), "", "set value or valueFrom, not both"))
			}
			errs = append(errs, validEnvSource(e.ValueFrom, p.Child("valueFrom"))...)
		}
	}
	return errs
}

// validEnvSource checks that valueFrom names exactly one complete source.
func validEnvSource(src *corev1.EnvVarSource, p *field.Path) field.ErrorList {
	var errs field.ErrorList
	sources := 0
	if r := src.FieldRef; r != nil {
		sources++
		if r.FieldPath == "" {
			errs = append(errs, field.Required(p.Child("fieldRef", "fieldPath"), "e.g. metadata.name"))
		}
	}
	if r := src.ResourceFieldRef; r != nil {
		sources++
		if r.Resource == "" {
			errs = append(errs, field.Required(p.Child("resourceFieldRef", "resource"), "e.g. limits.memory"))
		}
	}
	keyRef := func(name, obj, key string) {
		sources++
		if obj == "" {
			errs = append(errs, field.Required(p.Child(name, "name"), "the object to read"))
		}
		if key == "" {
			errs = append(errs, field.Required(p.Child(name, "key"), "the key to read"))
		}
	}
	if r := src.ConfigMapKeyRef; r != nil {
		keyRef("configMapKeyRef", r.Name, r.Key)
	}
	if r := src.SecretKeyRef; r != nil {
		keyRef("secretKeyRef", r.Name, r.Key)
	}
	if src.FileKeyRef != nil {
		sources++
	}
	if sources != 1 {
		errs = append(errs, field.Invalid(p, "", "name exactly one of fieldRef, resourceFieldRef, configMapKeyRef, secretKeyRef or fileKeyRef"))
	}
	return errs
}

func validTolerations(tolerations []corev1.Toleration, path *field.Path) field.ErrorList {
	var errs field.ErrorList
	for i, t := range tolerations {
		p := path.Index(i)
		if t.Key != "" {
			for _, msg := range validation.IsQualifiedName(t.Key) {
				errs = append(errs, field.Invalid(p.Child("key"), t.Key, msg))
			}
		}
		errs = append(errs, oneOf(p.Child("operator"), orDefault(t.Operator, corev1.TolerationOpEqual),
			corev1.TolerationOpEqual, corev1.TolerationOpExists)...)
		if t.Operator == corev1.TolerationOpExists && t.Value != "" {
			errs = append(errs, field.Invalid(p.Child("value"), t.Value, "must be empty when operator is Exists"))
		}
		if t.Operator != corev1.TolerationOpExists && t.Key == "" {
			errs = append(errs, field.Invalid(p.Child("operator"), t.Operator, "must be Exists when key is empty"))
		}
		if t.Effect != "" {
			errs = append(errs, oneOf(p.Child("effect"), t.Effect,
				corev1.TaintEffectNoSchedule, corev1.TaintEffectPreferNoSchedule, corev1.TaintEffectNoExecute)...)
		}
		if t.TolerationSeconds != nil && t.Effect != corev1.TaintEffectNoExecute {
			errs = append(errs, field.Invalid(p.Child("effect"), t.Effect, "must be NoExecute when tolerationSeconds is set"))
		}
	}
	return errs
}

func orDefault[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}
