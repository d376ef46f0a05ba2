package bootstrap

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/esgen/esgen/esspec"
)

// Verdict is the outcome of one bootstrap check for the rendered pods.
type Verdict string

// Verdicts.
const (
	// VerdictOK: the manifests guarantee the check passes.
	VerdictOK Verdict = "ok"
	// VerdictNode: the check depends on the node or its container runtime.
	VerdictNode Verdict = "node"
	// VerdictFail: the manifests break the check.
	VerdictFail Verdict = "fail"
)

// Result is one row of the report: a bootstrap check, its verdict, why,
// and on a failure the spec field to change.
type Result struct {
	// Check names the bootstrap check, as Elasticsearch's docs do.
	Check string `json:"check"`
	// Verdict is ok, node or fail.
	Verdict Verdict `json:"verdict"`
	// Detail says how the manifests pass, what the node must provide, or
	// how the manifests break the check.
	Detail string `json:"detail"`
	// Field is the spec field to change, on a failure.
	Field string `json:"field,omitempty"`
}

// Report is the bootstrap-check report of a cluster's pods.
type Report struct {
	// Version is the Elasticsearch version checked.
	Version string `json:"version"`
	// Enforced is true when the nodes run in production mode, where a
	// failing check stops the node; with single-node discovery they only
	// log warnings (2.x has no bootstrap checks at all).
	Enforced bool `json:"enforced"`
	// Results holds one row per check that applies to the version.
	Results []Result `json:"checks"`
}

// Failed reports whether any check fails.
func (r Report) Failed() bool {
	for _, res := range r.Results {
		if res.Verdict == VerdictFail {
			return true
		}
	}
	return false
}

// Pod is what the report reads of one StatefulSet's pods: their spec as
// rendered and the elasticsearch.yml they mount.
type Pod struct {
	// StatefulSet names the pods' StatefulSet.
	StatefulSet string
	// NodeSetIndex is the position of their nodeSet in spec.nodeSets.
	NodeSetIndex int
	// Spec is the pod template's spec.
	Spec *corev1.PodSpec
	// Settings are the elasticsearch.yml settings the pods mount.
	Settings esspec.Settings
}

// check is one Elasticsearch bootstrap check: the versions that run it and
// how the rendered pods fare.
type check struct {
	name    string
	applies func(v esspec.Version) bool
	eval    func(x *checkContext) Result
}

type checkContext struct {
	c    *esspec.Resolved
	v    esspec.Version
	pods []Pod
}

// Check evaluates every bootstrap check of the cluster's version against
// its rendered pods. The spec must be defaulted and valid.
func Check(c *esspec.Resolved, pods []Pod) Report {
	v := c.Version
	x := &checkContext{c: c, v: v, pods: pods}
	r := Report{Version: v.String(), Enforced: v.Major >= 5}
	for _, p := range pods {
		if p.Settings[SettingDiscoveryType] == "single-node" {
			r.Enforced = false
		}
	}
	for _, ch := range checks {
		if !ch.applies(v) {
			continue
		}
		res := ch.eval(x)
		res.Check = ch.name
		r.Results = append(r.Results, res)
	}
	return r
}

func since(major, minor int) func(esspec.Version) bool {
	return func(v esspec.Version) bool { return v.AtLeast(major, minor, 0) }
}

func between(fromMajor, fromMinor, toMajor, toMinor int) func(esspec.Version) bool {
	return func(v esspec.Version) bool {
		return v.AtLeast(fromMajor, fromMinor, 0) && !v.AtLeast(toMajor, toMinor, 0)
	}
}

// checks follow Elasticsearch's BootstrapChecks, in its order; the
// versions come from the reference notes (elasticsearch-versions.md §4).
var checks = []check{
	{"heap size", since(5, 0), checkHeap},
	{"file descriptors", since(5, 0), checkFileDescriptors},
	{"memory lock", since(5, 0), checkMemoryLock},
	{"max threads", since(5, 0), func(x *checkContext) Result {
		n := 4096
		if x.v.Major < 6 {
			n = 2048
		}
		return node(fmt.Sprintf("the container runtime must let the elasticsearch user run at least %d threads (nproc)", n))
	}},
	{"max file size", since(5, 6), func(*checkContext) Result {
		return node("the container runtime must leave the file size limit (fsize) unlimited, its default")
	}},
	{"max size virtual memory", since(5, 0), func(*checkContext) Result {
		return node("the container runtime must leave the address space limit (as) unlimited, its default")
	}},
	{"max map count", since(5, 0), checkMaxMapCount},
	{"client JVM", since(5, 0), func(x *checkContext) Result {
		if f := x.javaOption("-client"); f != nil {
			return *f
		}
		return x.officialJVM("the official image runs a server JVM", "the image must run a server JVM, not a client VM")
	}},
	{"use serial collector", since(5, 0), func(x *checkContext) Result {
		if f := x.javaOption("-XX:+UseSerialGC"); f != nil {
			return *f
		}
		return ok("the image's jvm.options selects the concurrent (CMS) or G1 collector, and ES_JAVA_OPTS does not switch to the serial one")
	}},
	{"system call filter", since(5, 2), checkSystemCallFilter},
	{"OnError and OnOutOfMemoryError", since(5, 0), func(x *checkContext) Result {
		for _, opt := range []string{"-XX:OnError", "-XX:OnOutOfMemoryError"} {
			if f := x.javaOption(opt); f != nil {
				f.Detail += "; use -XX:+ExitOnOutOfMemoryError instead"
				return *f
			}
		}
		return ok("ES_JAVA_OPTS sets neither -XX:OnError nor -XX:OnOutOfMemoryError")
	}},
	{"early-access JVM", since(5, 4), func(x *checkContext) Result {
		return x.officialJVM("the official image ships a released (GA) JVM", "the image's JVM must be a released build, not an early-access one")
	}},
	{"G1GC", between(5, 1, 8, 2), func(x *checkContext) Result {
		return x.officialJVM("the official image's JVM is not a JDK 8 build before 8u40 running G1",
			"the image's JVM must not be a JDK 8 build before 8u40 running G1")
	}},
	{"all permission", since(6, 1), func(x *checkContext) Result {
		return x.officialJVM("the official image's security policy grants no java.security.AllPermission",
			"the image's Java security policy must not grant java.security.AllPermission")
	}},
	{"discovery configuration", since(7, 0), checkDiscovery},
	{"transport TLS", func(v esspec.Version) bool { return v.BuiltInSecurity() }, checkTLS},
}

func ok(detail string) Result   { return Result{Verdict: VerdictOK, Detail: detail} }
func node(detail string) Result { return Result{Verdict: VerdictNode, Detail: detail} }

// javaOptions returns the effective JVM options of a pod's Elasticsearch
// container, and the index of the nodeSet env entry that adds to them
// (-1 when esgen's heap options are all there is).
func (x *checkContext) javaOptions(p Pod) ([]string, int) {
	env := -1
	for j, e := range x.c.Spec.NodeSets[p.NodeSetIndex].Env {
		if e.Name == "ES_JAVA_OPTS" {
			env = j
		}
	}
	for _, ctr := range p.Spec.Containers {
		for _, e := range ctr.Env {
			if e.Name == "ES_JAVA_OPTS" {
				return strings.Fields(e.Value), env
			}
		}
	}
	return nil, env
}

// javaOption fails the check when a pod's JVM options hold one that starts
// with prefix, naming the env entry that adds it.
func (x *checkContext) javaOption(prefix string) *Result {
	for _, p := range x.pods {
		opts, env := x.javaOptions(p)
		for _, o := range opts {
			if strings.HasPrefix(o, prefix) {
				return &Result{Verdict: VerdictFail, Field: envField(p.NodeSetIndex, env),
					Detail: fmt.Sprintf("the pods of %s run the JVM with %s", p.StatefulSet, o)}
			}
		}
	}
	return nil
}

func envField(nodeSet, env int) string {
	if env < 0 {
		return fmt.Sprintf("spec.nodeSets[%d].env", nodeSet)
	}
	return fmt.Sprintf("spec.nodeSets[%d].env[%d]", nodeSet, env)
}

// officialJVM is ok for the official image, whose JVM Elastic vouches
// for, and a node requirement for any other image.
func (x *checkContext) officialJVM(okDetail, nodeDetail string) Result {
	if x.c.Spec.Image == x.v.DefaultImage() {
		return ok(okDetail)
	}
	return node(nodeDetail + " (spec.image is " + x.c.Spec.Image + ")")
}

// checkHeap: -Xms must equal -Xmx. The last option of each kind wins, as
// in the JVM.
func checkHeap(x *checkContext) Result {
	for _, p := range x.pods {
		opts, env := x.javaOptions(p)
		var xms, xmx string
		for _, o := range opts {
			switch {
			case strings.HasPrefix(o, "-Xms"):
				xms = strings.TrimPrefix(o, "-Xms")
			case strings.HasPrefix(o, "-Xmx"):
				xmx = strings.TrimPrefix(o, "-Xmx")
			}
		}
		if xms == "" && xmx == "" {
			continue
		}
		a, errA := esspec.ParseHeap(xms)
		b, errB := esspec.ParseHeap(xmx)
		if errA != nil || errB != nil || a != b {
			return Result{Verdict: VerdictFail, Field: envField(p.NodeSetIndex, env), Detail: fmt.Sprintf(
				"the pods of %s start the JVM with -Xms%s and -Xmx%s: they must be equal; set the heap with spec.nodeSets[%d].heap only",
				p.StatefulSet, orNone(xms), orNone(xmx), p.NodeSetIndex)}
		}
	}
	return ok("-Xms equals -Xmx on every node: ES_JAVA_OPTS from spec.nodeSets[].heap, or the image's jvm.options where no heap is set")
}

func orNone(s string) string {
	if s == "" {
		return " (unset)"
	}
	return s
}

func checkFileDescriptors(x *checkContext) Result {
	n := 65535
	if !x.v.AtLeast(6, 7, 0) {
		n = 65536
	}
	return node(fmt.Sprintf("the container runtime must give at least %d open files (nofile; spec.system.fileDescriptors is %d): Kubernetes has no per-pod limit, so check ulimit -n in a pod",
		n, x.c.Spec.System.FileDescriptors))
}

func checkMemoryLock(x *checkContext) Result {
	locked := false
	for _, p := range x.pods {
		if p.Settings[MemoryLockSetting(x.v)] != true {
			continue
		}
		locked = true
		if !hasCapability(p.Spec, "IPC_LOCK") {
			return Result{Verdict: VerdictFail, Field: "spec.system.memoryLock", Detail: fmt.Sprintf(
				"the pods of %s lock memory without the IPC_LOCK capability", p.StatefulSet)}
		}
	}
	if !locked {
		return ok("memory is not locked (spec.system.memoryLock is false), so the check does not apply; keep swap off on the nodes, as the kubelet requires by default")
	}
	return node("the container runtime must give an unlimited memlock limit (e.g. LimitMEMLOCK=infinity in containerd's systemd unit): the IPC_LOCK capability does not take effect for the non-root elasticsearch user; or set spec.system.memoryLock: false and keep swap off")
}

func hasCapability(spec *corev1.PodSpec, capability corev1.Capability) bool {
	for _, ctr := range spec.Containers {
		if sc := ctr.SecurityContext; sc != nil && sc.Capabilities != nil {
			for _, c := range sc.Capabilities.Add {
				if c == capability {
					return true
				}
			}
		}
	}
	return false
}

// checkMaxMapCount: vm.max_map_count must reach 262144 unless mmap is off
// (enforced only while mmap is allowed, from 6.5).
func checkMaxMapCount(x *checkContext) Result {
	const need = esspec.DefaultMaxMapCount
	allMmapOff, raised := true, true
	for _, p := range x.pods {
		off := p.Settings["node.store.allow_mmap"] == false || p.Settings["node.store.allow_mmapfs"] == false
		allMmapOff = allMmapOff && off && x.v.AtLeast(6, 5, 0)
		value, found := sysctlValue(p.Spec)
		if found && value < need {
			return Result{Verdict: VerdictFail, Field: "spec.system.maxMapCount", Detail: fmt.Sprintf(
				"the init container of %s sets vm.max_map_count to %d, below %d", p.StatefulSet, value, need)}
		}
		raised = raised && found
	}
	switch {
	case raised:
		return ok(fmt.Sprintf("the privileged init container %q raises vm.max_map_count to %d before Elasticsearch starts", SysctlContainerName, x.c.Spec.System.MaxMapCount))
	case allMmapOff:
		return ok("node.store.allow_mmap is false on every node, so the check does not apply (at some cost in speed)")
	}
	return node(fmt.Sprintf("every node must have vm.max_map_count >= %d (spec.system.sysctlInitContainer is false: the nodes are tuned already)", need))
}

// sysctlValue finds the value the sysctl init container writes.
func sysctlValue(spec *corev1.PodSpec) (int64, bool) {
	for _, ctr := range spec.InitContainers {
		if ctr.Name != SysctlContainerName {
			continue
		}
		script := strings.Join(ctr.Command, " ")
		if i := strings.Index(script, "-w vm.max_map_count="); i >= 0 {
			var n int64
			fmt.Sscanf(script[i+len("-w vm.max_map_count="):], "%d", &n)
			return n, true
		}
	}
	return 0, false
}

func checkSystemCallFilter(x *checkContext) Result {
	for _, p := range x.pods {
		if p.Settings[SettingSystemCallFilter] == false {
			return ok("system call filters are off (spec.system.systemCallFilter: false), so the check does not apply")
		}
	}
	return node("the node's kernel must let Elasticsearch install its seccomp system call filter (any Linux 3.5 or later; the RuntimeDefault profile allows it)")
}

func checkDiscovery(x *checkContext) Result {
	for _, p := range x.pods {
		if p.Settings[SettingDiscoveryType] == "single-node" {
			return ok("single-node discovery needs no seed hosts")
		}
		if p.Settings[SettingSeedHosts] == nil {
			return Result{Verdict: VerdictFail, Field: "spec.nodeSets", Detail: fmt.Sprintf("the pods of %s have no discovery.seed_hosts", p.StatefulSet)}
		}
	}
	return ok(fmt.Sprintf("discovery.seed_hosts is %s, the headless Service of the master-eligible pods", esspec.DiscoveryServiceName(x.c.Metadata.Name)))
}

// checkTLS is X-Pack's check: with security on, nodes of a multi-node
// cluster must talk TLS.
func checkTLS(x *checkContext) Result {
	for _, p := range x.pods {
		if p.Settings[SettingSecurityEnabled] != true {
			return ok("security is off (spec.security.enabled: false), so the check does not apply")
		}
		if p.Settings[SettingDiscoveryType] == "single-node" {
			return ok("a single-node cluster needs no transport TLS")
		}
		if p.Settings["xpack.security.transport.ssl.enabled"] != true {
			return Result{Verdict: VerdictFail, Field: "spec.security.tls.secretName", Detail: fmt.Sprintf("the pods of %s run security without transport TLS", p.StatefulSet)}
		}
	}
	transport, _, _ := CertSources(x.c)
	return ok("transport TLS uses the certificates of Secret " + transport.Secret)
}
