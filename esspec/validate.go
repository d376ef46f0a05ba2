package esspec

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// Limits that keep generated objects within Kubernetes' rules.
const (
	// MaxStatefulSetName is the longest StatefulSet name: its pods carry
	// the label controller-revision-hash=<name>-<10 character hash>, and a
	// label value has at most 63 characters.
	MaxStatefulSetName = 52
	// MaxClusterName is the longest cluster name: with the shortest
	// nodeSet name, <name>-es-<x> still fits MaxStatefulSetName.
	MaxClusterName = MaxStatefulSetName - len("-es-") - 1
	// MaxMasterNodes bounds the master-eligible nodes: each lists all of
	// them in cluster.initial_master_nodes, and a voting configuration
	// this large only slows elections down.
	MaxMasterNodes = 100
	// MaxCount bounds a nodeSet's count: far above any real cluster, low
	// enough that a typo cannot make esgen render millions of pod names.
	MaxCount = 1000
)

// Validate checks a defaulted spec (see SetDefaults) and returns every
// error and every warning, each with the path of the field to change.
// It never modifies c. A spec with errors must not be rendered; warnings
// name risks the user may accept.
func Validate(c *Cluster) (errs, warnings field.ErrorList) {
	v := newChecker(c)
	for _, check := range []func(*checker) field.ErrorList{
		validDocument, validMetadata, validVersion, validImage, validEnums,
		validTopology, validRackCount, validSystem, validNodeSets, atLeastOneMaster, validContentTier,
		validSecurity, validRealms, validHTTP, validPlugins, validTLSIssuer, validSecureSettings,
		validKibana, validMonitoring, validPatches,
	} {
		errs = append(errs, check(v)...)
	}
	for _, warn := range []func(*checker) field.ErrorList{
		warnMasterCount, warnHeap, warnRacks, warnZoneSpread, warnLoneTiers, warnNoPassword, warnExposedBehindPolicy,
	} {
		warnings = append(warnings, warn(v)...)
	}
	return errs, warnings
}

// checker carries what several checks need, computed once.
type checker struct {
	c         *Cluster
	version   Version
	versionOK bool
}

func newChecker(c *Cluster) *checker {
	v := &checker{c: c}
	if ver, err := ParseVersion(c.Spec.Version); err == nil {
		v.version, v.versionOK = ver, true
	}
	return v
}

var (
	specPath     = field.NewPath("spec")
	nodeSetsPath = specPath.Child("nodeSets")
)

func validDocument(v *checker) field.ErrorList {
	var errs field.ErrorList
	switch v.c.APIVersion {
	case APIVersion:
	case "":
		errs = append(errs, field.Required(field.NewPath("apiVersion"), "must be "+APIVersion))
	default:
		errs = append(errs, field.NotSupported(field.NewPath("apiVersion"), v.c.APIVersion, []string{APIVersion}))
	}
	switch v.c.Kind {
	case Kind:
	case "":
		errs = append(errs, field.Required(field.NewPath("kind"), "must be "+Kind))
	default:
		errs = append(errs, field.NotSupported(field.NewPath("kind"), v.c.Kind, []string{Kind}))
	}
	return errs
}

func validMetadata(v *checker) field.ErrorList {
	var errs field.ErrorList
	m := v.c.Metadata
	path := field.NewPath("metadata")
	if m.Name == "" {
		errs = append(errs, field.Required(path.Child("name"), "the cluster name"))
	} else {
		for _, msg := range validation.IsDNS1035Label(m.Name) {
			errs = append(errs, field.Invalid(path.Child("name"), m.Name, msg))
		}
		if len(m.Name) > MaxClusterName {
			errs = append(errs, field.Invalid(path.Child("name"), m.Name, fmt.Sprintf(
				"is %d characters, above %d: StatefulSet names <cluster>-es-<nodeSet> must fit Kubernetes' limits; shorten metadata.name",
				len(m.Name), MaxClusterName)))
		}
	}
	if m.Namespace != "" {
		for _, msg := range validation.IsDNS1123Label(m.Namespace) {
			errs = append(errs, field.Invalid(path.Child("namespace"), m.Namespace, msg))
		}
	}
	errs = append(errs, validLabels(m.Labels, path.Child("labels"))...)
	errs = append(errs, validAnnotations(m.Annotations, path.Child("annotations"))...)
	return errs
}

func validVersion(v *checker) field.ErrorList {
	path := specPath.Child("version")
	s := v.c.Spec.Version
	if s == "" {
		return field.ErrorList{field.Required(path, "the Elasticsearch version, full x.y.z, e.g. 8.19.3")}
	}
	if _, err := ParseVersion(s); err != nil {
		return field.ErrorList{field.Invalid(path, s, err.Error())}
	}
	return nil
}

func validImage(v *checker) field.ErrorList {
	var errs field.ErrorList
	s := v.c.Spec
	if v.versionOK && strings.TrimSpace(s.Image) == "" {
		errs = append(errs, field.Required(specPath.Child("image"), "an image reference"))
	} else if strings.ContainsFunc(s.Image, unicode.IsSpace) {
		errs = append(errs, field.Invalid(specPath.Child("image"), s.Image, "an image reference has no white space"))
	}
	errs = append(errs, validImageVersion(v)...)
	for i, name := range s.ImagePullSecrets {
		errs = append(errs, validObjectName(name, specPath.Child("imagePullSecrets").Index(i))...)
	}
	return errs
}

func validEnums(v *checker) field.ErrorList {
	s := v.c.Spec
	var errs field.ErrorList
	if s.UpdateStrategy != "" {
		errs = oneOf(specPath.Child("updateStrategy"), s.UpdateStrategy, UpdateOnDelete, UpdateRollingUpdate)
	}
	if s.Disposable && s.Profile == ProfileProduction {
		errs = append(errs, field.Forbidden(specPath.Child("disposable"),
			"only a development cluster may be marked disposable: a production cluster keeps its data; remove this field, or set spec.profile: development"))
	}
	return slices.Concat(errs,
		oneOf(specPath.Child("imagePullPolicy"), s.ImagePullPolicy, corev1.PullAlways, corev1.PullIfNotPresent, corev1.PullNever),
		oneOf(specPath.Child("profile"), s.Profile, ProfileProduction, ProfileDevelopment),
		oneOf(specPath.Child("podSecurity"), s.PodSecurity, PodSecurityPrivileged, PodSecurityBaseline, PodSecurityRestricted),
		oneOf(specPath.Child("http", "serviceType"), s.HTTP.ServiceType, corev1.ServiceTypeClusterIP, corev1.ServiceTypeNodePort, corev1.ServiceTypeLoadBalancer),
	)
}

// oneOf checks that value is one of valid; an empty value has not been defaulted.
func oneOf[T ~string](path *field.Path, value T, valid ...T) field.ErrorList {
	if slices.Contains(valid, value) {
		return nil
	}
	names := make([]string, len(valid))
	for i, s := range valid {
		names[i] = string(s)
	}
	if value == "" {
		return field.ErrorList{field.Required(path, "one of "+strings.Join(names, ", "))}
	}
	return field.ErrorList{field.NotSupported(path, value, names)}
}

func validTopology(v *checker) field.ErrorList {
	t := v.c.Spec.Topology
	path := specPath.Child("topology")
	modes := []AntiAffinity{AntiAffinityRequired, AntiAffinityPreferred, AntiAffinityNone}
	errs := oneOf(path.Child("hostAntiAffinity"), t.HostAntiAffinity, modes...)
	if len(t.Racks) == 0 {
		errs = append(errs, oneOf(path.Child("rackAntiAffinity"), t.RackAntiAffinity, modes...)...)
	}
	if t.RackLabel != "" {
		for _, msg := range validation.IsQualifiedName(t.RackLabel) {
			errs = append(errs, field.Invalid(path.Child("rackLabel"), t.RackLabel, msg))
		}
	} else if len(t.Racks) > 0 {
		errs = append(errs, field.Required(path.Child("rackLabel"),
			"racks are listed: name the node label that holds each server's rack id, e.g. esaas.hosts.rack"))
	} else if t.RackAntiAffinity == AntiAffinityRequired || t.RackAntiAffinity == AntiAffinityPreferred {
		errs = append(errs, field.Required(path.Child("rackLabel"),
			fmt.Sprintf("rackAntiAffinity is %s: name the node label that holds each server's rack id, e.g. esaas.hosts.rack", t.RackAntiAffinity)))
	}
	switch {
	case t.RackCount < 0:
		errs = append(errs, field.Invalid(path.Child("rackCount"), t.RackCount, "must be 1 or more"))
	case t.RackCount > MaxCount:
		errs = append(errs, field.Invalid(path.Child("rackCount"), t.RackCount, fmt.Sprintf("must be at most %d", MaxCount)))
	case t.RackCount > 0 && len(t.Racks) > 0:
		errs = append(errs, field.Invalid(path.Child("rackCount"), t.RackCount,
			"racks are listed, and esgen counts them: remove rackCount"))
	case t.RackCount > 0 && t.RackLabel == "":
		errs = append(errs, field.Invalid(path.Child("rackCount"), t.RackCount,
			"counts the racks that spec.topology.rackLabel tells apart: name that node label too, e.g. esaas.hosts.rack"))
	}
	seen := map[string]bool{}
	for i, rack := range t.Racks {
		p := path.Child("racks").Index(i)
		if seen[rack] {
			errs = append(errs, field.Duplicate(p, rack))
			continue
		}
		seen[rack] = true
		// A rack id is a node label value and part of object names, so it
		// must be a DNS-1123 label (which every such value is a label value too).
		for _, msg := range validation.IsDNS1123Label(rack) {
			errs = append(errs, field.Invalid(p, rack, "a rack id names the rack's StatefulSets: "+msg))
		}
	}
	return errs
}

func validSystem(v *checker) field.ErrorList {
	var errs field.ErrorList
	sys := v.c.Spec.System
	path := specPath.Child("system")
	if sys.MaxMapCount < DefaultMaxMapCount {
		errs = append(errs, field.Invalid(path.Child("maxMapCount"), sys.MaxMapCount,
			fmt.Sprintf("must be at least %d, the minimum of Elasticsearch's max map count bootstrap check", DefaultMaxMapCount)))
	}
	if sys.FileDescriptors < 65535 {
		errs = append(errs, field.Invalid(path.Child("fileDescriptors"), sys.FileDescriptors,
			"must be at least 65535, the minimum of Elasticsearch's file descriptor bootstrap check"))
	}
	if isFalse(sys.SystemCallFilter) && v.versionOK && !v.version.SystemCallFilterSetting() {
		detail := fmt.Sprintf("Elasticsearch %s has no bootstrap.system_call_filter setting (it exists from 5.2 to 7.x)", v.version)
		if v.version.Major >= 8 {
			detail = "Elasticsearch 8.0 removed bootstrap.system_call_filter: system call filters are mandatory; remove this field and run on a kernel with seccomp"
		}
		errs = append(errs, field.Forbidden(path.Child("systemCallFilter"), detail))
	}
	if level := v.c.Spec.PodSecurity; level == PodSecurityRestricted && v.versionOK && v.version.ImageRunsAsRoot() {
		errs = append(errs, field.Forbidden(specPath.Child("podSecurity"), fmt.Sprintf(
			"the Elasticsearch %d.x image starts as root to hand its data directory to the elasticsearch user, which Pod Security level %q forbids: use baseline", v.version.Major, level)))
	}
	if level := v.c.Spec.PodSecurity; level != PodSecurityPrivileged {
		if isTrue(sys.SysctlInitContainer) {
			errs = append(errs, field.Forbidden(path.Child("sysctlInitContainer"), fmt.Sprintf(
				"the sysctl init container is privileged, which Pod Security level %q forbids: set it to false and raise vm.max_map_count to %d on the nodes, or set spec.podSecurity: privileged", level, sys.MaxMapCount)))
		}
		if isTrue(sys.MemoryLock) {
			errs = append(errs, field.Forbidden(path.Child("memoryLock"), fmt.Sprintf(
				"memory lock needs the IPC_LOCK and SYS_RESOURCE capabilities, which Pod Security level %q forbids: set it to false (and disable swap on the nodes), or set spec.podSecurity: privileged", level)))
		}
	}
	if isTrue(sys.SysctlInitContainer) && strings.TrimSpace(sys.InitImage) == "" {
		errs = append(errs, field.Required(path.Child("initImage"), "the image of the sysctl init container"))
	}
	return errs
}

func isTrue(b *bool) bool  { return b != nil && *b }
func isFalse(b *bool) bool { return b != nil && !*b }

func validHTTP(v *checker) field.ErrorList {
	return validAnnotations(v.c.Spec.HTTP.ServiceAnnotations, specPath.Child("http", "serviceAnnotations"))
}

func validSecurity(v *checker) field.ErrorList {
	var errs field.ErrorList
	sec := v.c.Spec.Security
	path := specPath.Child("security")
	if sec.ElasticPasswordSecret != "" {
		errs = append(errs, validObjectName(sec.ElasticPasswordSecret, path.Child("elasticPasswordSecret"))...)
	}
	if sec.TLS.SecretName != "" {
		errs = append(errs, validObjectName(sec.TLS.SecretName, path.Child("tls", "secretName"))...)
	}
	if sec.License != "" {
		errs = append(errs, oneOf(path.Child("license"), sec.License, LicenseGold, LicensePlatinum)...)
	}
	if sec.Enabled == nil {
		return errs // not defaulted: the version did not parse, and validVersion says so
	}
	if !*sec.Enabled {
		if sec.TLS.SecretName != "" {
			errs = append(errs, field.Invalid(path.Child("tls", "secretName"), sec.TLS.SecretName,
				"TLS is part of Elasticsearch security: set spec.security.enabled: true, or remove this field"))
		}
		if sec.ElasticPasswordSecret != "" {
			errs = append(errs, field.Invalid(path.Child("elasticPasswordSecret"), sec.ElasticPasswordSecret,
				"has no effect while security is disabled: set spec.security.enabled: true, or remove this field"))
		}
		if sec.TLS.HasIssuer() {
			errs = append(errs, field.Invalid(path.Child("tls", "issuerRef"), sec.TLS.IssuerRef.Name,
				"TLS is part of Elasticsearch security: set spec.security.enabled: true, or remove this field"))
		}
		return errs
	}
	if v.versionOK && !v.version.BuiltInSecurity() {
		detail := "Elasticsearch 2.x has no built-in security (it came with the Shield plugin): set spec.security.enabled: false"
		if v.version.XPack() {
			detail = fmt.Sprintf("esgen renders X-Pack security from 6.0; Elasticsearch %s's X-Pack takes other TLS settings: set spec.security.enabled: false, or use 6.x or later", v.version)
		}
		return append(errs, field.Forbidden(path.Child("enabled"), detail))
	}
	if v.versionOK && !v.version.BasicLicenseSecurity() && sec.License == "" {
		// The basic license of these versions has no security, and a
		// trial ends in basic after 30 days: X-Pack then authenticates
		// nothing. Security came to basic in 6.8.0 and 7.1.0 (release
		// notes of 7.1.0, "Moved some security features to basic";
		// elastic/azure-marketplace release 7.1.1 names both versions).
		upgrade := "6.8"
		if v.version.Major == 7 {
			upgrade = "7.1"
		}
		errs = append(errs, field.Forbidden(path.Child("enabled"), fmt.Sprintf(
			"the free basic license of Elasticsearch %s has no security (it has from 6.8 and 7.1): once the 30-day trial ends, the cluster answers every request without credentials; use %s or later, name the paid license this cluster runs under in spec.security.license (gold or platinum), or set spec.security.enabled: false",
			v.version, upgrade)))
	}
	if nodes := v.totalNodes(); nodes > 1 && sec.TLS.SecretName == "" && !sec.TLS.HasIssuer() {
		errs = append(errs, field.Required(path.Child("tls", "secretName"), fmt.Sprintf(
			"security is enabled and the cluster has %d nodes: Elasticsearch requires TLS between nodes; name an existing Secret with tls.crt, tls.key and ca.crt, or set spec.security.enabled: false", nodes)))
	}
	return errs
}

// realmsPrefix starts every authentication realm setting.
const realmsPrefix = "xpack.security.authc.realms."

// validRealms: before 8.0, configuring any realm turns off the default
// file and native realms (elastic/elasticsearch#69096 keeps them on from
// 8.0). esgen's probes and esgen rollout authenticate in the file realm
// (bootstrap.InternalUser), so a nodeSet that configures realms must
// keep a file realm, or its pods never become ready.
func validRealms(v *checker) field.ErrorList {
	if !isTrue(v.c.Spec.Security.Enabled) || !v.versionOK || v.version.Major >= 8 || !v.version.BuiltInSecurity() {
		return nil
	}
	var errs field.ErrorList
	for i := range v.c.Spec.NodeSets {
		flat, _ := FlattenSettings(v.c.Spec.NodeSets[i].Config)
		var first string
		file := false
		for _, k := range slices.Sorted(maps.Keys(flat)) {
			rest, ok := strings.CutPrefix(k, realmsPrefix)
			if !ok {
				continue
			}
			if first == "" {
				first = k
			}
			// 7.x: xpack.security.authc.realms.file.<name>.*; 6.x:
			// xpack.security.authc.realms.<name>.type: file.
			file = file || strings.HasPrefix(rest, "file.") || (strings.HasSuffix(rest, ".type") && fmt.Sprint(flat[k]) == "file")
		}
		if first == "" || file {
			continue
		}
		add := "xpack.security.authc.realms.file.file1.order: -100"
		if v.version.Major < 7 {
			add = "xpack.security.authc.realms.file1.type: file and xpack.security.authc.realms.file1.order: -100"
		}
		errs = append(errs, field.Invalid(nodeSetsPath.Index(i).Child("config").Key(first), first, fmt.Sprintf(
			"before 8.0, configuring a realm turns off the default file realm, in which esgen's probes and esgen rollout authenticate: add %s", add)))
	}
	return errs
}

// validPatches checks what can be checked before kustomize runs; render
// reports a patch kustomize refuses, or one that changes nothing.
func validPatches(v *checker) field.ErrorList {
	var errs field.ErrorList
	for i, p := range v.c.Spec.Patches {
		if strings.TrimSpace(p.Patch) == "" {
			errs = append(errs, field.Required(specPath.Child("patches").Index(i).Child("patch"),
				"a strategic-merge patch, or a JSON 6902 patch with a target"))
		}
	}
	return errs
}

// totalNodes sums the counts of every nodeSet.
func (v *checker) totalNodes() int64 {
	var n int64
	for i := range v.c.Spec.NodeSets {
		n += int64(v.c.Spec.NodeSets[i].Replicas())
	}
	return n
}

// masterNodes sums the counts of the master-eligible nodeSets.
func (v *checker) masterNodes() int64 {
	var n int64
	for i := range v.c.Spec.NodeSets {
		if ns := &v.c.Spec.NodeSets[i]; ns.MasterEligible() {
			n += int64(ns.Replicas())
		}
	}
	return n
}

func atLeastOneMaster(v *checker) field.ErrorList {
	if n := v.masterNodes(); n > MaxMasterNodes {
		return field.ErrorList{field.Invalid(nodeSetsPath, n, fmt.Sprintf(
			"%d master-eligible nodes: at most %d; give most nodes roles without master (3 or 5 dedicated masters are usual)", n, MaxMasterNodes))}
	}
	for i := range v.c.Spec.NodeSets {
		ns := &v.c.Spec.NodeSets[i]
		if ns.MasterEligible() && !ns.HasRole(RoleVotingOnly) && ns.Replicas() > 0 {
			return nil
		}
	}
	if len(v.c.Spec.NodeSets) == 0 || !v.versionOK {
		return nil // validNodeSets reports the missing list; without a version, roles are not defaulted
	}
	return field.ErrorList{field.Required(nodeSetsPath,
		"no master-eligible node: give at least one nodeSet with count > 0 the master role (voting_only nodes cannot be elected)")}
}

func warnMasterCount(v *checker) field.ErrorList {
	masters := v.masterNodes()
	path := nodeSetsPath
	var sets []int
	for i := range v.c.Spec.NodeSets {
		if v.c.Spec.NodeSets[i].MasterEligible() {
			sets = append(sets, i)
		}
	}
	if len(sets) == 1 {
		path = nodeSetsPath.Index(sets[0]).Child("count")
	}
	var warnings field.ErrorList
	if masters > 0 && masters%2 == 0 {
		// A quorum is a strict majority, so n and n-1 masters tolerate
		// the same number of failures: (n-1)/2.
		warnings = append(warnings, field.Invalid(path, masters, fmt.Sprintf(
			"%d master-eligible nodes tolerate %d failed master(s), no more than %d would: use an odd number",
			masters, (masters-1)/2, masters-1)))
	}
	if masters == 1 && v.c.Spec.Profile == ProfileProduction {
		warnings = append(warnings, field.Invalid(path, masters,
			"a single master-eligible node: losing it stops the cluster; production clusters need 3"))
	}
	return warnings
}

func warnHeap(v *checker) field.ErrorList {
	var warnings field.ErrorList
	for i := range v.c.Spec.NodeSets {
		ns := &v.c.Spec.NodeSets[i]
		heap, err := ParseHeap(ns.Heap)
		if err != nil {
			continue
		}
		path := nodeSetsPath.Index(i).Child("heap")
		if heap == MaxHeap {
			warnings = append(warnings, field.Invalid(path, ns.Heap,
				"at 32g the JVM loses compressed object pointers and holds fewer objects than at 31g: use 31g or less"))
		}
		if limit := ns.Resources.MemoryLimit(); limit != nil && heap <= limit.Value() && heap*4 > limit.Value()*3 {
			warnings = append(warnings, field.Invalid(path, ns.Heap, fmt.Sprintf(
				"is above 75%% of the memory limit %s: Elasticsearch needs the rest for off-heap buffers and the file system cache; half is usual", limit)))
		}
	}
	return warnings
}

// warnNoPassword: with security on and no password Secret, the elastic
// user has no password until someone sets one inside a pod.
func warnNoPassword(v *checker) field.ErrorList {
	sec := v.c.Spec.Security
	if !isTrue(sec.Enabled) || sec.ElasticPasswordSecret != "" || !v.versionOK || !v.version.BuiltInSecurity() {
		return nil
	}
	return field.ErrorList{field.Required(specPath.Child("security", "elasticPasswordSecret"),
		"security is on but the elastic user gets no password: name an existing Secret with key \"password\", or set one later with bin/elasticsearch-reset-password in a pod")}
}

// warnExposedBehindPolicy: the NetworkPolicy admits HTTP from the
// namespace only, which drops what a LoadBalancer or NodePort Service
// brings in from outside on CNIs that enforce policies.
func warnExposedBehindPolicy(v *checker) field.ErrorList {
	s := v.c.Spec
	if !s.NetworkPolicy || s.HTTP.ServiceType == corev1.ServiceTypeClusterIP {
		return nil
	}
	return field.ErrorList{field.Invalid(specPath.Child("http", "serviceType"), string(s.HTTP.ServiceType),
		"the NetworkPolicy (spec.networkPolicy) admits port 9200 from the namespace only, so clients outside it reach this Service and are dropped: add a peer for them with spec.patches, or use ClusterIP behind an ingress in the namespace")}
}

// reservedPrefixes are label and annotation prefixes esgen writes itself.
var reservedPrefixes = []string{"esgen.dev/", "app.kubernetes.io/"}

// validLabels checks labels esgen puts on its objects and pods, which must
// keep off esgen's own keys.
func validLabels(labels map[string]string, path *field.Path) field.ErrorList {
	errs := validLabelSyntax(labels, path)
	for _, k := range slices.Sorted(maps.Keys(labels)) {
		errs = append(errs, notReserved(k, path)...)
	}
	return errs
}

// validLabelSyntax checks label keys and values, e.g. of a nodeSelector.
func validLabelSyntax(labels map[string]string, path *field.Path) field.ErrorList {
	var errs field.ErrorList
	for _, k := range slices.Sorted(maps.Keys(labels)) {
		for _, msg := range validation.IsQualifiedName(k) {
			errs = append(errs, field.Invalid(path.Key(k), k, "key "+msg))
		}
		for _, msg := range validation.IsValidLabelValue(labels[k]) {
			errs = append(errs, field.Invalid(path.Key(k), labels[k], msg))
		}
	}
	return errs
}

func validAnnotations(annotations map[string]string, path *field.Path) field.ErrorList {
	var errs field.ErrorList
	total := 0
	for _, k := range slices.Sorted(maps.Keys(annotations)) {
		for _, msg := range validation.IsQualifiedName(strings.ToLower(k)) {
			errs = append(errs, field.Invalid(path.Key(k), k, "key "+msg))
		}
		errs = append(errs, notReserved(k, path)...)
		total += len(k) + len(annotations[k])
	}
	if total > 256*1024 {
		errs = append(errs, field.TooLong(path, "", 256*1024))
	}
	return errs
}

func notReserved(key string, path *field.Path) field.ErrorList {
	for _, p := range reservedPrefixes {
		if strings.HasPrefix(key, p) {
			return field.ErrorList{field.Forbidden(path.Key(key), fmt.Sprintf("keys starting with %s are set by esgen", p))}
		}
	}
	return nil
}

// validObjectName checks the name of a Kubernetes object a spec refers to.
func validObjectName(name string, path *field.Path) field.ErrorList {
	var errs field.ErrorList
	for _, msg := range validation.IsDNS1123Subdomain(name) {
		errs = append(errs, field.Invalid(path, name, msg))
	}
	return errs
}

// InvalidError is returned when a spec with validation errors is rendered.
type InvalidError struct {
	Errors field.ErrorList
}

func (e *InvalidError) Error() string {
	return "invalid spec: " + e.Errors.ToAggregate().Error()
}
