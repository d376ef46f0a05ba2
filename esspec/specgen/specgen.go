// Package specgen generates valid esgen specs for property tests: from a
// seed, deterministically, a spec that passes esspec.Validate once
// defaulted, drawn across every version esgen renders, both profiles,
// every topology (racks listed or not, each anti-affinity mode, zone
// spread), every storage kind, the role mixes clusters use (dedicated
// masters, mixed nodes, coordinating-only nodes, data tiers, voting-only
// masters), the security settings (off, TLS from a Secret or from a
// cert-manager issuer, a single node without TLS), the Pod Security
// levels with the options each level allows, and the platform's extras
// (plugins, keystore secure settings, Kibana, the NetworkPolicy, mesh
// exclusion). Kustomize patches are not drawn.
//
// It is for tests only (esgen itself never imports it). It is an ordinary
// package rather than a _test file so that the conformance module can run
// Kubernetes' validation over the same specs as the root module's tests.
package specgen

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/esgen/esgen/esspec"
)

// Versions are the Elasticsearch releases the generator draws from: the
// first and last of each line, and each release where what esgen renders
// changes (memory lock and single-node discovery settings, legacy role
// booleans, voting_only, transform, node.roles, data tiers, the frozen
// tier, security by default, the TCP readiness port). A version esgen does
// not render yet (its validation refuses it) is left out, see
// RenderedVersions; add a release here when esgen starts to treat it
// differently.
var Versions = []string{
	"2.3.5", "2.4.6",
	"5.0.2", "5.3.3", "5.4.3", "5.6.16",
	"6.0.1", "6.8.23",
	"7.0.1", "7.2.1", "7.3.2", "7.7.1", "7.8.1", "7.9.3", "7.10.2", "7.12.1", "7.17.29",
	"8.0.1", "8.5.3", "8.6.2", "8.19.20",
	"9.0.4", "9.5.2",
}

// RenderedVersions returns the entries of Versions that esgen renders:
// those that parse and for which a minimal development spec passes
// validation, which refuses versions not rendered yet.
func RenderedVersions() []string {
	return renderedVersions()
}

var renderedVersions = sync.OnceValue(func() []string {
	var out []string
	for _, s := range Versions {
		if _, err := esspec.ParseVersion(s); err != nil {
			continue
		}
		c := &esspec.Cluster{
			APIVersion: esspec.APIVersion, Kind: esspec.Kind,
			Metadata: esspec.Metadata{Name: "probe"},
			Spec: esspec.Spec{
				Version: s, Profile: esspec.ProfileDevelopment,
				Security: esspec.Security{Enabled: new(false)},
				NodeSets: []esspec.NodeSet{{Name: "default", Count: new(int32(1)), Roles: []esspec.Role{esspec.RoleMaster}}},
			},
		}
		esspec.SetDefaults(c)
		if errs, _ := esspec.Validate(c); len(errs) == 0 {
			out = append(out, s)
		}
	}
	return out
})

// maxAttempts bounds the draws per seed. The generator follows
// validation's rules by construction; when validation learns a rule the
// generator does not know yet, the draws that break it are discarded (see
// Draw) instead of handing a test an invalid spec.
const maxAttempts = 50

// Generate returns the spec of seed, as a user would write it: not
// defaulted. The same seed always gives the same spec.
func Generate(seed uint64) *esspec.Cluster {
	c, _ := Draw(seed)
	return c
}

// Draw is Generate that also returns the draws validation refused before
// the one it returns, each with its first error, so that a test can see
// which rules the generator does not know. It panics when no esgen version
// is rendered or maxAttempts draws are all invalid: a test must not go on
// with an invalid spec.
func Draw(seed uint64) (*esspec.Cluster, []string) {
	versions := RenderedVersions()
	if len(versions) == 0 {
		panic("specgen: esspec validation refuses every version in specgen.Versions")
	}
	src := rand.NewPCG(seed, 0x657367656e) // "esgen"
	var refused []string
	for range maxAttempts {
		// Each draw is made twice from the same state: one copy is
		// defaulted and validated, the other returned as drawn.
		state, _ := src.MarshalBinary()
		c := (&gen{rng: rand.New(src), versions: versions}).cluster()
		end, _ := src.MarshalBinary()
		if err := src.UnmarshalBinary(state); err != nil {
			panic(fmt.Sprintf("specgen: %v", err))
		}
		check := (&gen{rng: rand.New(src), versions: versions}).cluster()
		if err := src.UnmarshalBinary(end); err != nil {
			panic(fmt.Sprintf("specgen: %v", err))
		}
		esspec.SetDefaults(check)
		errs, _ := esspec.Validate(check)
		if len(errs) == 0 {
			return c, refused
		}
		refused = append(refused, fmt.Sprintf("%s: %v", c.Spec.Version, errs[0]))
	}
	panic(fmt.Sprintf("specgen: seed %d: %d draws, all invalid:\n%s", seed, maxAttempts, strings.Join(refused, "\n")))
}

// gen draws one spec.
type gen struct {
	rng      *rand.Rand
	versions []string
	version  esspec.Version
	c        *esspec.Cluster
}

// chance is true with probability p.
func (g *gen) chance(p float64) bool { return g.rng.Float64() < p }

// pick returns one of the options.
func pick[T any](g *gen, options ...T) T { return options[g.rng.IntN(len(options))] }

func (g *gen) cluster() *esspec.Cluster {
	version := pick(g, g.versions...)
	g.version, _ = esspec.ParseVersion(version)
	g.c = &esspec.Cluster{APIVersion: esspec.APIVersion, Kind: esspec.Kind}
	s := &g.c.Spec
	s.Version = version
	s.Profile = pick(g, esspec.Profile(""), esspec.ProfileProduction, esspec.ProfileDevelopment)
	s.UpdateStrategy = pick(g, esspec.UpdateStrategy(""), "", esspec.UpdateOnDelete, esspec.UpdateRollingUpdate)
	// Only a development cluster may be marked disposable.
	s.Disposable = s.Profile == esspec.ProfileDevelopment && g.chance(0.3)
	s.PodSecurity = pick(g, esspec.PodSecurityLevel(""), esspec.PodSecurityPrivileged, esspec.PodSecurityBaseline, esspec.PodSecurityRestricted)
	if s.PodSecurity == esspec.PodSecurityRestricted && g.version.Major < 5 {
		// 2.x images start as root, which restricted forbids.
		s.PodSecurity = esspec.PodSecurityBaseline
	}
	g.image()
	g.system()
	g.topology()
	if g.chance(0.3) {
		s.Bootstrap.InitialMasterNodes = new(g.chance(0.5))
	}
	s.NodeSets = g.nodeSets()
	g.rackCount()
	g.security()
	g.http()
	g.extras()
	g.metadata()
	return g.c
}

func (g *gen) production() bool { return g.c.Spec.Profile != esspec.ProfileDevelopment }

func (g *gen) privileged() bool {
	return g.c.Spec.PodSecurity == "" || g.c.Spec.PodSecurity == esspec.PodSecurityPrivileged
}

func (g *gen) image() {
	s := &g.c.Spec
	if g.chance(0.1) {
		s.Image = "registry.example.com/elasticsearch/elasticsearch:" + s.Version
	}
	if g.chance(0.3) {
		s.ImagePullPolicy = pick(g, corev1.PullAlways, corev1.PullIfNotPresent, corev1.PullNever)
	}
	if g.chance(0.15) {
		s.ImagePullSecrets = []string{"regcred"}
	}
}

// system sets the bootstrap-check options; the sysctl init container and
// memory lock may be on only at the privileged level.
func (g *gen) system() {
	sys := &g.c.Spec.System
	onOff := []*bool{nil, new(false)}
	if g.privileged() {
		onOff = append(onOff, new(true))
	}
	sys.SysctlInitContainer = pick(g, onOff...)
	sys.MemoryLock = pick(g, onOff...)
	sys.MaxMapCount = pick(g, int64(0), esspec.DefaultMaxMapCount, 1048576)
	sys.FileDescriptors = pick(g, int64(0), esspec.DefaultFileDescriptors, 131072)
	if g.chance(0.3) {
		// bootstrap.system_call_filter exists from 5.2 to 7.x only.
		sys.SystemCallFilter = new(!(g.version.SystemCallFilterSetting() && g.chance(0.5)))
	}
	if g.chance(0.1) {
		sys.InitImage = "registry.example.com/library/busybox:1.36"
	}
}

// topology draws the rack label, the racks and the anti-affinity modes.
// Rack anti-affinity needs a rack label; with racks listed it is unset,
// since each rack's StatefulSet is pinned to its rack.
func (g *gen) topology() {
	t := &g.c.Spec.Topology
	modes := []esspec.AntiAffinity{"", esspec.AntiAffinityRequired, esspec.AntiAffinityPreferred, esspec.AntiAffinityNone}
	t.HostAntiAffinity = pick(g, modes...)
	t.ZoneSpread = g.chance(0.3)
	if g.chance(0.35) {
		t.RackAntiAffinity = pick(g, "", esspec.AntiAffinityNone)
		return
	}
	t.RackLabel = pick(g, "esaas.hosts.rack", "topology.example.com/rack", "rack")
	if g.chance(0.45) {
		t.Racks = pick(g, []string{"r1"}, []string{"r1", "r2"}, []string{"r1", "r2", "r3"}, []string{"rack-a", "rack-b", "rack-c", "rack-d"})
		return
	}
	t.RackAntiAffinity = pick(g, modes...)
}

// rackCount sometimes states how many racks the rack label tells apart,
// when racks are not listed: at least as many as the largest nodeSet has
// pods, which required rack anti-affinity puts one per rack.
func (g *gen) rackCount() {
	t := &g.c.Spec.Topology
	if t.RackLabel == "" || len(t.Racks) > 0 || !g.chance(0.4) {
		return
	}
	largest := int32(1)
	for i := range g.c.Spec.NodeSets {
		largest = max(largest, g.c.Spec.NodeSets[i].Replicas())
	}
	t.RackCount = largest + pick(g, int32(0), 1, 3)
}

// nodeSet is a nodeSet being drawn.
func (g *gen) nodeSet(name string, count int32, roles ...esspec.Role) esspec.NodeSet {
	if roles == nil {
		roles = []esspec.Role{}
	}
	return esspec.NodeSet{Name: name, Count: new(count), Roles: roles}
}

// withRoles keeps the roles the version has.
func (g *gen) withRoles(roles ...esspec.Role) []esspec.Role {
	out := []esspec.Role{}
	for _, r := range roles {
		if g.version.HasRole(r) {
			out = append(out, r)
		}
	}
	return out
}

// Role mixes.
const (
	mixSingle    = "single"    // one node
	mixMixed     = "mixed"     // one nodeSet of nodes with every role
	mixDedicated = "dedicated" // dedicated masters, data, coordinating and ingest nodes
	mixVoting    = "voting"    // masters plus a voting-only master
	mixTiers     = "tiers"     // dedicated masters and data tiers
)

func (g *gen) mixes() []string {
	mixes := []string{mixSingle, mixMixed, mixDedicated, mixDedicated}
	if g.version.HasRole(esspec.RoleVotingOnly) {
		mixes = append(mixes, mixVoting)
	}
	if g.version.HasRole(esspec.RoleDataHot) {
		mixes = append(mixes, mixTiers, mixTiers)
	}
	return mixes
}

// nodeSets draws a role mix, then each nodeSet's options. At least one
// nodeSet that can be elected master has pods.
func (g *gen) nodeSets() []esspec.NodeSet {
	var sets []esspec.NodeSet
	masters := pick(g, int32(1), 3, 3, 5)
	switch pick(g, g.mixes()...) {
	case mixSingle:
		single := g.nodeSet("default", 1)
		single.Roles = pick(g, nil, g.withRoles(esspec.RoleMaster, esspec.RoleData, esspec.RoleIngest))
		sets = append(sets, single)
		if g.chance(0.2) {
			// A nodeSet scaled to zero keeps the cluster a single node.
			sets = append(sets, g.nodeSet("coordinating", 0))
		}
	case mixMixed:
		mixed := g.nodeSet("nodes", pick(g, int32(2), 3, 5))
		mixed.Roles = pick(g, nil, g.withRoles(esspec.RoleMaster, esspec.RoleData, esspec.RoleIngest, esspec.RoleML))
		sets = append(sets, mixed)
	case mixDedicated:
		sets = append(sets, g.nodeSet("master", masters, esspec.RoleMaster))
		data := g.withRoles(pick(g,
			[]esspec.Role{esspec.RoleData},
			[]esspec.Role{esspec.RoleData, esspec.RoleIngest},
			[]esspec.Role{esspec.RoleData, esspec.RoleIngest, esspec.RoleML, esspec.RoleTransform, esspec.RoleRemoteClusterClient})...)
		sets = append(sets, g.nodeSet("data", pick(g, int32(0), 1, 2, 3, 4), data...))
		if g.chance(0.6) {
			sets = append(sets, g.nodeSet("coordinating", pick(g, int32(0), 1, 2, 3)))
		}
		if g.version.HasRole(esspec.RoleIngest) && g.chance(0.3) {
			sets = append(sets, g.nodeSet("ingest", pick(g, int32(1), 2), esspec.RoleIngest))
		}
	case mixVoting:
		sets = append(sets,
			g.nodeSet("master", pick(g, int32(1), 2), pick(g,
				[]esspec.Role{esspec.RoleMaster},
				[]esspec.Role{esspec.RoleMaster, esspec.RoleData})...),
			g.nodeSet("voting", 1, esspec.RoleMaster, esspec.RoleVotingOnly),
			g.nodeSet("data", pick(g, int32(1), 2, 3), esspec.RoleData))
	case mixTiers:
		sets = append(sets,
			g.nodeSet("master", masters, esspec.RoleMaster),
			g.nodeSet("hot", pick(g, int32(1), 2, 3), esspec.RoleDataHot, esspec.RoleDataContent, esspec.RoleIngest),
			g.nodeSet("warm", pick(g, int32(0), 1, 2), esspec.RoleDataWarm),
			g.nodeSet("cold", pick(g, int32(0), 1, 2), esspec.RoleDataCold))
		if g.version.HasRole(esspec.RoleDataFrozen) && g.chance(0.5) {
			sets = append(sets, g.nodeSet("frozen", 1, esspec.RoleDataFrozen))
		}
		if g.chance(0.3) {
			sets = append(sets, g.nodeSet("ml", 1, esspec.RoleML, esspec.RoleRemoteClusterClient))
		}
	}
	for i := range sets {
		g.nodeSetOptions(&sets[i])
	}
	return sets
}

// nodeSetOptions draws resources, heap, storage and the pod options.
func (g *gen) nodeSetOptions(ns *esspec.NodeSet) {
	g.resources(ns)
	g.heap(ns)
	g.storage(ns)
	if g.chance(0.25) {
		ns.Config = pick(g,
			esspec.Settings{"indices.memory.index_buffer_size": "20%"},
			esspec.Settings{"action": map[string]any{"destructive_requires_name": true}},
			esspec.Settings{"indices.queries.cache.size": "15%", "search.max_buckets": 20000})
	}
	if g.chance(0.15) {
		ns.Env = pick(g,
			[]corev1.EnvVar{{Name: "TZ", Value: "UTC"}},
			[]corev1.EnvVar{{Name: "NODE_NAME", ValueFrom: &corev1.EnvVarSource{
				FieldRef: &corev1.ObjectFieldSelector{APIVersion: "v1", FieldPath: "spec.nodeName"},
			}}},
			[]corev1.EnvVar{{Name: "S3_ACCESS_KEY", ValueFrom: &corev1.EnvVarSource{
				SecretKeyRef: &corev1.SecretKeySelector{LocalObjectReference: corev1.LocalObjectReference{Name: "s3"}, Key: "access-key"},
			}}})
	}
	if g.chance(0.15) {
		ns.NodeSelector = pick(g, map[string]string{"disktype": "ssd"}, map[string]string{"kubernetes.io/arch": "amd64"})
	}
	if g.chance(0.1) {
		ns.Tolerations = pick(g,
			[]corev1.Toleration{{Key: "dedicated", Operator: corev1.TolerationOpEqual, Value: "elasticsearch", Effect: corev1.TaintEffectNoSchedule}},
			[]corev1.Toleration{{Key: "example.com/es", Operator: corev1.TolerationOpExists, Effect: corev1.TaintEffectNoExecute, TolerationSeconds: new(int64(300))}})
	}
	if g.chance(0.1) {
		ns.PriorityClassName = "high-priority"
	}
	if g.chance(0.15) {
		ns.PodLabels = map[string]string{"example.com/team": "search"}
	}
	if g.chance(0.15) {
		ns.PodAnnotations = map[string]string{"prometheus.io/scrape": "true"}
	}
}

func quantity(s string) *resource.Quantity {
	q := resource.MustParse(s)
	return &q
}

// memories are the memory limits drawn: from the least that holds the
// smallest heap to above where the heap stops growing (31g).
var memories = []string{"512Mi", "1Gi", "2Gi", "4Gi", "8Gi", "16Gi", "64Gi", "100Gi"}

// resources draws the memory limit (which production requires), the CPU,
// and sometimes explicit requests and limits, requests never above limits.
func (g *gen) resources(ns *esspec.NodeSet) {
	r := &ns.Resources
	if g.production() || g.chance(0.8) {
		if g.chance(0.15) {
			m := pick(g, memories...)
			r.Limits = corev1.ResourceList{corev1.ResourceMemory: *quantity(m)}
			r.Requests = corev1.ResourceList{corev1.ResourceMemory: *quantity(m)}
		} else {
			r.Memory = quantity(pick(g, memories...))
		}
	}
	if g.chance(0.6) {
		r.CPU = quantity(pick(g, "500m", "1", "2", "4"))
		if g.chance(0.2) {
			if r.Requests == nil {
				r.Requests = corev1.ResourceList{}
			}
			r.Requests[corev1.ResourceCPU] = *quantity("250m")
		}
	}
	if g.chance(0.1) {
		if r.Requests == nil {
			r.Requests = corev1.ResourceList{}
		}
		r.Requests[corev1.ResourceEphemeralStorage] = *quantity("1Gi")
	}
}

// heap sometimes names the heap: at least esspec.MinHeap and at most half
// the memory limit, in whole MiB.
func (g *gen) heap(ns *esspec.NodeSet) {
	if !g.chance(0.2) {
		return
	}
	const mib = 1 << 20
	most := int64(4 << 30)
	if limit := ns.Resources.MemoryLimit(); limit != nil {
		most = min(limit.Value()/2, 31<<30)
	}
	least := int64(esspec.MinHeap)
	if most < least {
		return
	}
	heap := least + g.rng.Int64N((most-least)/mib+1)*mib
	ns.Heap = esspec.FormatHeap(heap)
}

// storage draws one of the kinds the spec allows: a claim (of a size, a
// class, or both), a host directory (privileged only) or an emptyDir
// (development, or nodes that hold neither data nor a master's state), or
// leaves it to the default. In production, master and data nodes name
// their size (or a host directory): they get no default size.
func (g *gen) storage(ns *esspec.NodeSet) {
	roles := ns.Roles
	stateless := roles != nil && !slices.Contains(roles, esspec.RoleMaster) && !(&esspec.NodeSet{Roles: roles}).HoldsData()
	kinds := []string{"default", "claim", "claim", "class"}
	if g.production() && !stateless {
		kinds = []string{"claim", "claim", "claim"}
	}
	if g.privileged() {
		kinds = append(kinds, "hostPath")
	}
	if !g.production() || stateless {
		kinds = append(kinds, "emptyDir")
	}
	if !g.production() {
		kinds = append(kinds, "noEmptyDir")
	}
	st := &ns.Storage
	switch pick(g, kinds...) {
	case "claim":
		st.Size = quantity(pick(g, "1Gi", "20Gi", "500Gi", "2Ti"))
		if g.chance(0.5) {
			st.StorageClassName = pick(g, "local-ssd", "standard")
		}
	case "class":
		st.StorageClassName = pick(g, "local-ssd", "standard")
	case "hostPath":
		st.HostPath = pick(g, "/data/elasticsearch", "/mnt/disks/es")
	case "emptyDir":
		st.EmptyDir = new(true)
	case "noEmptyDir":
		// In development, emptyDir: false asks for the default claim.
		st.EmptyDir = new(false)
	}
}

// security draws security off, on with a TLS Secret, or (for a cluster of
// one node, which needs no transport TLS) on without TLS. esgen renders
// security from 6.0 (X-Pack's per-layer TLS settings).
func (g *gen) security() {
	sec := &g.c.Spec.Security
	nodes := int32(0)
	for i := range g.c.Spec.NodeSets {
		nodes += g.c.Spec.NodeSets[i].Replicas()
	}
	modes := []string{"off"}
	if g.version.Major >= 6 {
		modes = append(modes, "tls", "tls")
		if nodes == 1 {
			modes = append(modes, "plain", "plain")
		}
	}
	switch pick(g, modes...) {
	case "off":
		if g.version.SecurityByDefault() || g.chance(0.5) {
			sec.Enabled = new(false)
		}
	case "tls":
		if !g.version.SecurityByDefault() || g.chance(0.5) {
			sec.Enabled = new(true)
		}
		if g.chance(0.3) {
			// cert-manager signs the certificates; they name the
			// Services by namespace, which metadata then sets.
			sec.TLS.IssuerRef = &esspec.IssuerRef{Name: "internal-ca", Kind: pick(g, "", "Issuer", "ClusterIssuer")}
		} else {
			sec.TLS.SecretName = pick(g, "es-certs", "tenant-a-es-certs")
		}
		if g.chance(0.7) {
			sec.ElasticPasswordSecret = "es-elastic-password"
		}
	case "plain":
		if !g.version.SecurityByDefault() || g.chance(0.5) {
			sec.Enabled = new(true)
		}
		if g.chance(0.7) {
			sec.ElasticPasswordSecret = "es-elastic-password"
		}
	}
	// Security on 6.0-6.7 and 7.0.x needs a paid license: their basic
	// license has none. Elsewhere the statement is allowed and changes nothing.
	if on := sec.Enabled; (on == nil && g.version.SecurityByDefault()) || (on != nil && *on) {
		if !g.version.BasicLicenseSecurity() || g.chance(0.1) {
			sec.License = pick(g, esspec.LicenseGold, esspec.LicensePlatinum)
		}
	}
}

// extras draws the platform's additions: plugins (every node's from a
// mirror or by URL, and a nodeSet's own), keystore secure settings (5.3+,
// which has the keystore), Kibana (Kibana 4.x for 2.x; logging in with a
// service account token from 8.0 and with kibana_system's password
// before, when security is on; sometimes from an image of its own),
// monitoring (5.0+, logging in when security is on), the NetworkPolicy
// and mesh exclusion of transport.
func (g *gen) extras() {
	s := &g.c.Spec
	if g.chance(0.2) {
		s.Plugins.Install = pick(g, []string{"analysis-icu"}, []string{"analysis-icu", "repository-s3"},
			[]string{"mapper-size@https://artifacts.example.com/mapper-size.zip"})
		if g.chance(0.5) {
			s.Plugins.Repository = "https://artifacts.example.com/elasticsearch-plugins"
		}
	}
	if len(s.NodeSets) > 1 && g.chance(0.1) {
		s.NodeSets[len(s.NodeSets)-1].Plugins = []string{"analysis-kuromoji"}
	}
	if g.version.AtLeast(5, 3, 0) && g.chance(0.15) {
		s.Security.SecureSettings = []esspec.SecureSettingsSource{{SecretName: "s3-credentials"}}
	}
	if g.chance(0.25) {
		k := &s.Kibana
		k.Count = pick(g, int32(1), 2)
		if g.chance(0.2) {
			k.Image = "registry.example.com/kibana/kibana:" + g.version.KibanaVersion().String()
		}
		if g.chance(0.5) {
			k.Resources.Memory = quantity(pick(g, "1Gi", "2Gi"))
		}
		if sec := s.Security.Enabled; (sec != nil && *sec) || (sec == nil && g.version.SecurityByDefault()) {
			if g.version.SecurityByDefault() {
				k.ServiceAccountTokenSecret = "kibana-token"
			} else {
				k.PasswordSecret = "kibana-password"
			}
		}
	}
	if g.version.Major >= 5 && g.chance(0.2) {
		m := &s.Monitoring
		m.Enabled = true
		if sec := s.Security.Enabled; (sec != nil && *sec) || (sec == nil && g.version.SecurityByDefault()) {
			m.CredentialsSecret = "es-monitoring"
		}
		if g.chance(0.3) {
			m.Labels = map[string]string{"release": "kube-prometheus-stack"}
		}
		if g.chance(0.2) {
			m.Alerts.YellowFor, m.Alerts.HeapPercent, m.Alerts.DiskWatermark = "1h", 85, pick(g, "85%", "0.95", "50gb")
		}
	}
	s.NetworkPolicy = g.chance(0.25)
	s.Transport.MeshExclude = g.chance(0.15)
}

func (g *gen) http() {
	h := &g.c.Spec.HTTP
	h.ServiceType = pick(g, corev1.ServiceType(""), corev1.ServiceTypeClusterIP, corev1.ServiceTypeNodePort, corev1.ServiceTypeLoadBalancer)
	if g.chance(0.15) {
		h.ServiceAnnotations = map[string]string{"service.beta.kubernetes.io/aws-load-balancer-internal": "true"}
	}
}

// metadata draws the namespace, labels, annotations and the cluster name,
// last: sometimes the longest name that keeps every StatefulSet name
// within esspec.MaxStatefulSetName, so that the limits themselves get
// rendered.
func (g *gen) metadata() {
	m := &g.c.Metadata
	m.Namespace = pick(g, "", "", "search", "tenant-a", g.label(63))
	if ref := g.c.Spec.Security.TLS.IssuerRef; ref != nil && m.Namespace == "" {
		m.Namespace = "search"
	}
	if g.chance(0.2) {
		m.Labels = pick(g, map[string]string{"team": "search"}, map[string]string{"example.com/tier": "gold", "esaas.tenant": "42"})
	}
	if g.chance(0.15) {
		m.Annotations = map[string]string{"example.com/owner": "team-search"}
	}
	longest := 0
	for _, ns := range g.c.Spec.NodeSets {
		longest = max(longest, len(ns.Name))
	}
	rack := 0
	for _, r := range g.c.Spec.Topology.Racks {
		rack = max(rack, len("-"+r))
	}
	budget := min(esspec.MaxStatefulSetName-len("-es-")-longest-rack, esspec.MaxClusterName)
	switch {
	case g.chance(0.15):
		m.Name = g.label(budget)
	case g.chance(0.3):
		m.Name = g.label(1 + g.rng.IntN(budget))
	default:
		m.Name = pick(g, "logs", "search", "es", "metrics-prod")
	}
}

// label returns a DNS-1035 label of n characters: a letter, then letters,
// digits and dashes, ending in a letter or digit.
func (g *gen) label(n int) string {
	const letters = "abcdefghijklmnopqrstuvwxyz"
	const inner = letters + "0123456789-"
	b := make([]byte, n)
	for i := range b {
		switch {
		case i == 0:
			b[i] = letters[g.rng.IntN(len(letters))]
		case i == n-1:
			b[i] = inner[g.rng.IntN(len(inner)-1)]
		default:
			b[i] = inner[g.rng.IntN(len(inner))]
		}
	}
	return string(b)
}
