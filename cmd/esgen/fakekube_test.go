package main

// A stand-in for kubectl, and for the Elasticsearch cluster behind it, for
// testing the runbooks esgen rollout prints by running them. The test
// binary serves as the kubectl command of the scripts (see TestMain); each
// call reads the model from $ESGEN_FAKE_CLUSTER, acts on it and writes it
// back, and appends the call to $ESGEN_FAKE_CLUSTER.log.
//
// The model holds StatefulSets (replicas, update revision, strategy,
// config hash, version) and their pods (revision, version, whether the
// node has joined, readiness), the cluster's allocation setting, its
// elected master, the stateful PodDisruptionBudget, and shards: each
// shard has two copies, on two data nodes (one copy on a cluster of one
// data node, whose replica can never be assigned). Time advances one tick
// per call. A deleted or evicted pod comes back at once on its
// StatefulSet's update revision, and its node joins two ticks later. A
// copy on a node that left is gone; it comes back two ticks after the
// master assigns it, which it does for a primary (the shard's only live
// copy) whatever the allocation setting, for a replica only while
// allocation is not limited and not onto a node older than the primary's
// (a version upgrade), and one tick after the setting changes, as the
// reroute runs, unless a health request waits for the master's pending
// tasks. Health follows from the copies. A restarted master or data pod
// becomes ready once its startup probe would pass.
//
// It also judges, from the shards rather than from health: deleting or
// evicting a data pod whose copies are the last live copies of a shard,
// a data pod while a shard that could have both copies lacks one, any
// pod that holds state while another is not ready (one at a time; a rack
// at a time by rack), or a data pod with allocation not limited, is a
// violation that `fakecluster check` reports. The stateful budget answers
// evictions as the API server does: 429 while it allows no disruption.

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"syscall"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"

	"github.com/esgen/esgen/esspec"
	"github.com/esgen/esgen/render"
	"github.com/rogpeppe/go-internal/testscript"
)

// fakeCluster is the model a fake kubectl call reads and writes.
type fakeCluster struct {
	Namespace    string       `json:"namespace"`
	Cluster      string       `json:"cluster"`
	Mode         string       `json:"mode"` // rolling, by-rack or full-restart: what the judge allows
	StatefulSets []*fakeSTS   `json:"statefulSets"`
	Pods         []*fakePod   `json:"pods"`
	Shards       []*fakeShard `json:"shards"`
	Master       string       `json:"master"`
	Allocation   string       `json:"allocation"` // "" (default), primaries, none
	Transient    string       `json:"transient,omitempty"`
	RerouteAt    int          `json:"rerouteAt"` // the tick from which a changed setting takes effect
	MLUpgrade    bool         `json:"mlUpgrade"`
	HealthTarget string       `json:"healthTarget"`
	Tick         int          `json:"tick"`
	NextUID      int          `json:"nextUID"`
	Calls        int          `json:"calls"`
	FailCall     int          `json:"failCall,omitempty"`
	RedAfter     string       `json:"redAfter,omitempty"`
	NeverJoins   string       `json:"neverJoins,omitempty"`
	Red          bool         `json:"red"`
	KillAtDelete int          `json:"killAtDelete,omitempty"`
	Deletes      [][]string   `json:"deletes"`
	Violations   []string     `json:"violations"`
	Requests     []string     `json:"requests"`
}

type fakeSTS struct {
	Name           string `json:"name"`
	Replicas       int    `json:"replicas"`
	UpdateRevision string `json:"updateRevision"`
	Strategy       string `json:"strategy"`
	ConfigHash     string `json:"configHash"`
	Version        string `json:"version"`
	Rack           string `json:"rack,omitempty"`
	Master         bool   `json:"master"`
	Data           bool   `json:"data"`
}

type fakePod struct {
	Name     string `json:"name"`
	STS      string `json:"sts"`
	UID      string `json:"uid"`
	Revision string `json:"revision"`
	Version  string `json:"version"`
	JoinAt   int    `json:"joinAt"`
	Joined   bool   `json:"joined"`
	Ready    bool   `json:"ready"`
}

// fakeShard is one shard: its copies' nodes, whether each is live, and
// when one being recovered is (0: not assigned).
type fakeShard struct {
	Nodes     []string `json:"nodes"`
	Live      []bool   `json:"live"`
	RecoverAt []int    `json:"recoverAt"`
}

func loadFake(path string) (*fakeCluster, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var f fakeCluster
	return &f, json.Unmarshal(data, &f)
}

func (f *fakeCluster) save(path string) error {
	data, err := json.MarshalIndent(f, "", " ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, data, 0o644)
}

func (f *fakeCluster) sts(name string) *fakeSTS {
	for _, s := range f.StatefulSets {
		if s.Name == name {
			return s
		}
	}
	return nil
}

func (f *fakeCluster) pod(name string) *fakePod {
	for _, p := range f.Pods {
		if p.Name == name {
			return p
		}
	}
	return nil
}

func (f *fakeCluster) stateful(p *fakePod) bool { s := f.sts(p.STS); return s.Master || s.Data }
func (f *fakeCluster) data(p *fakePod) bool     { return f.sts(p.STS).Data }

// limited reports whether allocation keeps replicas from being assigned.
func (f *fakeCluster) limited() bool {
	setting := cmp.Or(f.Transient, f.Allocation) // transient wins
	return setting == "primaries" || setting == "none"
}

// versionOrder compares two x.y.z versions.
func versionOrder(a, b string) int {
	va, _ := esspec.ParseVersion(a)
	vb, _ := esspec.ParseVersion(b)
	return va.Compare(vb)
}

// assignable reports whether the master assigns copy i of shard s now: a
// primary (no other live copy) always, on a node that has joined; a
// replica only while allocation is not limited and not onto a node older
// than the primary's.
func (f *fakeCluster) assignable(s *fakeShard, i int) bool {
	node := f.pod(s.Nodes[i])
	if node == nil || !node.Joined || s.Live[i] {
		return false
	}
	primary := -1
	for j := range s.Nodes {
		if j != i && s.Live[j] {
			primary = j
		}
	}
	if primary < 0 {
		return true
	}
	if f.limited() {
		return false
	}
	return versionOrder(node.Version, f.pod(s.Nodes[primary]).Version) >= 0
}

// reroute assigns what the master would: copies it can assign start
// recovering.
func (f *fakeCluster) reroute() {
	for _, s := range f.Shards {
		for i := range s.Nodes {
			if s.RecoverAt[i] == 0 && f.assignable(s, i) {
				s.RecoverAt[i] = f.Tick + 2
			}
		}
	}
}

// health returns the cluster's status and its initializing copies.
func (f *fakeCluster) health() (string, int) {
	if f.Red {
		return "red", 0
	}
	status, initializing := "green", 0
	for _, s := range f.Shards {
		live := 0
		for i := range s.Nodes {
			if s.Live[i] {
				live++
			} else if s.RecoverAt[i] > 0 {
				initializing++
			}
		}
		switch {
		case live == 0:
			return "red", initializing
		case live < 2:
			status = "yellow"
		}
	}
	return status, initializing
}

// mixed reports whether nodes of more than one version have joined.
func (f *fakeCluster) mixed() bool {
	versions := map[string]bool{}
	for _, p := range f.Pods {
		if p.Joined {
			versions[p.Version] = true
		}
	}
	return len(versions) > 1
}

// gatePasses says whether a restarted master or data pod's startup probe
// would pass now: what the kubelet sees, not what the judge goes by.
func (f *fakeCluster) gatePasses() bool {
	status, initializing := f.health()
	switch status {
	case "green":
		return true
	case "yellow":
		return initializing == 0 && (f.HealthTarget == "yellow" || f.mixed())
	}
	return false
}

// advance moves time one tick on: pods join, copies recover, pods turn
// ready, and RollingUpdate StatefulSets replace their stale pods,
// highest ordinal first, once all their pods are ready.
func (f *fakeCluster) advance() {
	f.Tick++
	for _, s := range f.StatefulSets {
		if s.Strategy != string(appsv1.RollingUpdateStatefulSetStrategyType) {
			continue
		}
		var stale *fakePod
		ready := true
		for _, p := range slices.Backward(f.Pods) {
			if p.STS != s.Name {
				continue
			}
			ready = ready && p.Ready
			if stale == nil && p.Revision != s.UpdateRevision {
				stale = p
			}
		}
		if ready && stale != nil {
			f.recreate(stale)
		}
	}
	for _, p := range f.Pods {
		if !p.Joined && f.Tick >= p.JoinAt {
			p.Joined = true
		}
	}
	for _, s := range f.Shards {
		for i := range s.Nodes {
			if !s.Live[i] && s.RecoverAt[i] > 0 && f.Tick >= s.RecoverAt[i] {
				s.Live[i], s.RecoverAt[i] = true, 0
			}
		}
	}
	if f.Tick >= f.RerouteAt {
		f.reroute()
	}
	for _, p := range f.Pods {
		if !p.Ready && p.Joined && (!f.stateful(p) || f.gatePasses()) {
			p.Ready = true
		}
	}
	if m := f.pod(f.Master); m == nil || !m.Joined {
		// A new election among the master-eligible nodes that are up.
		for _, p := range f.Pods {
			if f.sts(p.STS).Master && p.Joined {
				f.Master = p.Name
				break
			}
		}
	}
}

// fakeKubectl is the kubectl command of the scripts.
func fakeKubectl() int {
	path := os.Getenv("ESGEN_FAKE_CLUSTER")
	f, err := loadFake(path)
	if err != nil {
		fmt.Fprintf(os.Stderr, "fake kubectl: %v\n", err)
		return 1
	}
	args := os.Args[1:]
	logCall(path, args)
	f.Calls++
	var stdout bytes.Buffer
	code := 1
	if f.Calls == f.FailCall {
		fmt.Fprintln(os.Stderr, "Unable to connect to the server: dial tcp 10.0.0.1:6443: i/o timeout")
	} else {
		f.advance()
		code = f.run(args, &stdout)
	}
	if err := f.save(path); err != nil {
		fmt.Fprintf(os.Stderr, "fake kubectl: %v\n", err)
		return 1
	}
	os.Stdout.Write(stdout.Bytes())
	if code == -1 {
		killRunbook()
		return 1
	}
	return code
}

// killRunbook is an interruption that leaves no time for cleanup: the
// shell running the runbook (sh *.sh), with the subshells it forked for
// this call (which share its command line), goes down with its traps
// unrun, the outermost first, so that none goes on.
func killRunbook() {
	var chain []int
	for pid := os.Getppid(); pid > 1; {
		cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
		if err != nil {
			break
		}
		if args := strings.Split(string(cmdline), "\x00"); len(args) < 2 || !strings.HasSuffix(args[1], ".sh") {
			break // past the runbook's shell
		}
		chain = append(chain, pid)
		stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			break
		}
		// stat: pid (comm) state ppid ...
		fields := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
		if len(fields) < 2 {
			break
		}
		pid, _ = strconv.Atoi(fields[1])
	}
	for _, pid := range slices.Backward(chain) {
		syscall.Kill(pid, syscall.SIGKILL)
	}
}

func logCall(path string, args []string) {
	line := strings.Join(args, " ")
	if i := slices.Index(args, "--"); i >= 0 && len(args) > i+3 && args[i+1] == "sh" {
		// exec POD ... -- sh -c SCRIPT es METHOD PATH [BODY]: the request.
		pod := args[slices.Index(args, "exec")+1]
		line = "exec " + pod + " " + strings.Join(args[i+5:], " ")
	}
	fh, err := os.OpenFile(path+".log", os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err == nil {
		fmt.Fprintln(fh, line)
		fh.Close()
	}
}

// run carries out one kubectl command line on the model.
func (f *fakeCluster) run(args []string, out *bytes.Buffer) int {
	var flags = map[string]string{}
	var words []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			words = append(words, args[i:]...)
			i = len(args)
		case strings.HasPrefix(a, "--") && strings.Contains(a, "="):
			k, v, _ := strings.Cut(a[2:], "=")
			flags[k] = v
		case a == "--namespace" || a == "-n" || a == "-l" || a == "-o" || a == "-c" || a == "-f" || a == "--raw":
			flags[strings.TrimLeft(a, "-")] = args[i+1]
			i++
		case strings.HasPrefix(a, "--"):
			flags[a[2:]] = "true"
		default:
			words = append(words, a)
		}
	}
	if len(words) == 0 {
		return 1
	}
	switch words[0] {
	case "config":
		// config view --minify -o jsonpath={..namespace}: the context's namespace.
		out.WriteString(f.Namespace)
		return 0
	case "create":
		return f.evict(flags["raw"], flags["f"])
	}
	if ns := cmp.Or(flags["namespace"], flags["n"]); ns != f.Namespace {
		fmt.Fprintf(os.Stderr, "fake kubectl: namespace %q, the cluster is in %q\n", ns, f.Namespace)
		return 1
	}
	switch words[0] {
	case "get":
		return f.get(words[1:], flags, out)
	case "delete":
		return f.delete(words[1:])
	case "wait":
		return f.wait(words[1:], flags, out)
	case "exec":
		return f.exec(words[1:], out)
	}
	fmt.Fprintf(os.Stderr, "fake kubectl: unknown command %q\n", words[0])
	return 1
}

func (f *fakeCluster) get(words []string, flags map[string]string, out *bytes.Buffer) int {
	query, ok := strings.CutPrefix(flags["o"], "jsonpath=")
	if !ok {
		fmt.Fprintf(os.Stderr, "fake kubectl: get without -o jsonpath=\n")
		return 1
	}
	var obj map[string]any
	switch {
	case words[0] == "statefulset" && len(words) == 2:
		s := f.sts(words[1])
		if s == nil {
			fmt.Fprintf(os.Stderr, "Error from server (NotFound): statefulsets.apps %q not found\n", words[1])
			return 1
		}
		obj = map[string]any{
			"metadata": map[string]any{"name": s.Name, "generation": 2},
			"spec": map[string]any{"replicas": s.Replicas, "updateStrategy": map[string]any{"type": s.Strategy},
				"template": map[string]any{"metadata": map[string]any{
					"annotations": map[string]any{render.ConfigHashAnnotation: s.ConfigHash},
					"labels":      map[string]any{render.LabelVersion: s.Version},
				}}},
			"status": map[string]any{"observedGeneration": 2, "updateRevision": s.UpdateRevision},
		}
	case words[0] == "pod" && len(words) == 2:
		p := f.pod(words[1])
		if p == nil {
			if flags["ignore-not-found"] == "true" {
				return 0
			}
			fmt.Fprintf(os.Stderr, "Error from server (NotFound): pods %q not found\n", words[1])
			return 1
		}
		obj = f.podObject(p)
	case words[0] == "pods" && len(words) == 1:
		if flags["field-selector"] != "status.phase=Running" || flags["l"] == "" {
			fmt.Fprintf(os.Stderr, "fake kubectl: list pods with -l and the Running field selector only\n")
			return 1
		}
		var items []any
		for _, p := range slices.SortedFunc(slices.Values(f.Pods), func(a, b *fakePod) int { return strings.Compare(a.Name, b.Name) }) {
			items = append(items, f.podObject(p))
		}
		obj = map[string]any{"items": items}
	case words[0] == "pdb" && len(words) == 2 && words[1] == esspec.StatefulBudgetName(f.Cluster):
		allowed, _ := f.budget()
		obj = map[string]any{"status": map[string]any{"disruptionsAllowed": allowed}}
	default:
		fmt.Fprintf(os.Stderr, "fake kubectl: cannot get %v\n", words)
		return 1
	}
	s, err := jsonpath(query, obj)
	if err != nil {
		fmt.Fprintf(os.Stderr, "fake kubectl: %v\n", err)
		return 1
	}
	out.WriteString(s)
	return 0
}

func (f *fakeCluster) podObject(p *fakePod) map[string]any {
	return map[string]any{
		"metadata": map[string]any{"name": p.Name, "uid": p.UID, "labels": map[string]any{"controller-revision-hash": p.Revision}},
		"status":   map[string]any{"phase": "Running"},
	}
}

// budget returns the stateful budget's disruptions allowed and whether it
// is healthy (as many ready pods as it asks for).
func (f *fakeCluster) budget() (int, bool) {
	expected, healthy := 0, 0
	for _, p := range f.Pods {
		if f.stateful(p) {
			expected++
			if p.Ready {
				healthy++
			}
		}
	}
	desired := expected - 1 // minAvailable: the spec's stateful pods but one
	return max(0, healthy-desired), healthy >= desired
}

// jsonpath evaluates the part of kubectl's JSONPath the runbooks use:
// {.a.b} (a dot escaped as \.) and {.items[*].a.b}, with text between.
func jsonpath(query string, obj map[string]any) (string, error) {
	var b strings.Builder
	for query != "" {
		open := strings.IndexByte(query, '{')
		if open < 0 {
			b.WriteString(query)
			break
		}
		b.WriteString(query[:open])
		end := strings.IndexByte(query[open:], '}')
		if end < 0 {
			return "", fmt.Errorf("unclosed { in %q", query)
		}
		expr := query[open+1 : open+end]
		query = query[open+end+1:]
		var values []any
		if rest, ok := strings.CutPrefix(expr, ".items[*]"); ok {
			items, _ := obj["items"].([]any)
			for _, it := range items {
				if v, ok := lookup(it.(map[string]any), rest); ok {
					values = append(values, v)
				}
			}
		} else if v, ok := lookup(obj, expr); ok {
			values = append(values, v)
		}
		for i, v := range values {
			if i > 0 {
				b.WriteString(" ")
			}
			fmt.Fprint(&b, v)
		}
	}
	return b.String(), nil
}

// lookup follows .a.b\.c.d through nested maps.
func lookup(obj map[string]any, path string) (any, bool) {
	path = strings.TrimPrefix(path, ".")
	var keys []string
	var key strings.Builder
	for i := 0; i < len(path); i++ {
		switch {
		case path[i] == '\\' && i+1 < len(path):
			key.WriteByte(path[i+1])
			i++
		case path[i] == '.':
			keys = append(keys, key.String())
			key.Reset()
		default:
			key.WriteByte(path[i])
		}
	}
	keys = append(keys, key.String())
	var cur any = obj
	for _, k := range keys {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[k]; !ok {
			return nil, false
		}
	}
	return cur, true
}

func (f *fakeCluster) delete(words []string) int {
	if len(words) < 2 || words[0] != "pod" {
		fmt.Fprintf(os.Stderr, "fake kubectl: delete pod NAME... only\n")
		return 1
	}
	names := words[1:]
	for _, n := range names {
		if f.pod(n) == nil {
			fmt.Fprintf(os.Stderr, "Error from server (NotFound): pods %q not found\n", n)
			return 1
		}
	}
	return f.remove(names)
}

// evict answers create --raw /api/v1/namespaces/NS/pods/POD/eviction -f -
// as the API server does with the stateful budget.
func (f *fakeCluster) evict(raw, file string) int {
	parts := strings.Split(raw, "/")
	if len(parts) != 8 || parts[3] != "namespaces" || parts[5] != "pods" || parts[7] != "eviction" || file != "-" {
		fmt.Fprintf(os.Stderr, "fake kubectl: create --raw /api/v1/namespaces/NS/pods/POD/eviction -f - only: %q\n", raw)
		return 1
	}
	body, _ := io.ReadAll(os.Stdin)
	var eviction struct {
		Kind     string `json:"kind"`
		Metadata struct{ Name, Namespace string }
	}
	if err := json.Unmarshal(body, &eviction); err != nil || eviction.Kind != "Eviction" ||
		eviction.Metadata.Name != parts[6] || eviction.Metadata.Namespace != parts[4] || parts[4] != cmp.Or(f.Namespace, "default") {
		fmt.Fprintf(os.Stderr, "Error from server (BadRequest): %s for %s\n", body, raw)
		return 1
	}
	p := f.pod(parts[6])
	if p == nil {
		fmt.Fprintf(os.Stderr, "Error from server (NotFound): pods %q not found\n", parts[6])
		return 1
	}
	if f.stateful(p) {
		allowed, healthy := f.budget()
		if (p.Ready && allowed < 1) || (!p.Ready && !healthy) {
			fmt.Fprintln(os.Stderr, "Error from server (TooManyRequests): Cannot evict pod as it would violate the pod's disruption budget.")
			return 1
		}
	}
	return f.remove([]string{p.Name})
}

// remove judges, records and carries out the deletion of pods.
func (f *fakeCluster) remove(names []string) int {
	f.judge(names)
	f.Deletes = append(f.Deletes, names)
	for _, n := range names {
		f.recreate(f.pod(n))
		if n == f.RedAfter {
			f.Red = true
		}
	}
	if f.KillAtDelete > 0 && len(f.Deletes) == f.KillAtDelete {
		return -1
	}
	return 0
}

// recreate replaces a pod, as its StatefulSet does: same name, new UID,
// the update revision; its node joins two ticks later, and the copies it
// held are gone until recovered.
func (f *fakeCluster) recreate(p *fakePod) {
	s := f.sts(p.STS)
	f.NextUID++
	*p = fakePod{Name: p.Name, STS: p.STS, UID: fmt.Sprintf("uid-%d", f.NextUID), Revision: s.UpdateRevision,
		Version: s.Version, JoinAt: f.Tick + 2}
	if p.Name == f.NeverJoins {
		p.JoinAt = math.MaxInt
	}
	for _, sh := range f.Shards {
		for i := range sh.Nodes {
			if sh.Nodes[i] == p.Name {
				sh.Live[i], sh.RecoverAt[i] = false, 0
			}
		}
	}
}

// judge records what makes a deletion unsafe, from the shards. A full
// restart takes every copy down by design: only its procedure is judged.
func (f *fakeCluster) judge(names []string) {
	gone := func(node string) bool { return slices.Contains(names, node) }
	if f.Mode == "full-restart" {
		for _, n := range names {
			if f.data(f.pod(n)) && !f.limited() {
				f.Violations = append(f.Violations, fmt.Sprintf("%s deleted with allocation not limited to primaries", n))
			}
		}
		return
	}
	for i, s := range f.Shards {
		lost, holds := true, false
		for j, node := range s.Nodes {
			holds = holds || (gone(node) && s.Live[j])
			lost = lost && (gone(node) || !s.Live[j])
		}
		if holds && lost {
			f.Violations = append(f.Violations, fmt.Sprintf("%v deleted with the last live copy of shard %d", names, i))
		}
	}
	stateful := 0
	racks := map[string]bool{}
	for _, n := range names {
		p := f.pod(n)
		if f.stateful(p) {
			stateful++
		}
		racks[f.sts(p.STS).Rack] = true
		if f.data(p) && !f.limited() {
			f.Violations = append(f.Violations, fmt.Sprintf("%s deleted with allocation not limited to primaries", n))
		}
	}
	switch {
	case f.Mode == "by-rack" && len(racks) > 1:
		f.Violations = append(f.Violations, fmt.Sprintf("%v deleted together from %d racks", names, len(racks)))
	case f.Mode != "by-rack" && stateful > 1:
		f.Violations = append(f.Violations, fmt.Sprintf("%v: %d master or data pods deleted at once", names, stateful))
	}
	if stateful == 0 {
		return
	}
	for _, p := range f.Pods {
		if !gone(p.Name) && f.stateful(p) && !p.Ready {
			f.Violations = append(f.Violations, fmt.Sprintf("%v deleted while %s is not ready", names, p.Name))
		}
	}
	// Elastic's procedure waits for green between nodes; yellow only for
	// replicas that cannot be assigned (a newer primary, or no other node).
	for i, s := range f.Shards {
		for j, node := range s.Nodes {
			if s.Live[j] || len(s.Nodes) < 2 {
				continue
			}
			other := f.pod(s.Nodes[1-j])
			if p := f.pod(node); s.Live[1-j] && p.Joined && versionOrder(p.Version, other.Version) < 0 {
				continue // a replica the newer primary cannot have
			}
			f.Violations = append(f.Violations, fmt.Sprintf("%v deleted while shard %d lacks a copy it could have", names, i))
		}
	}
}

func (f *fakeCluster) wait(words []string, flags map[string]string, out *bytes.Buffer) int {
	name, ok := strings.CutPrefix(strings.Join(words, " "), "pod/")
	if flags["for"] != "condition=Ready" || !ok {
		fmt.Fprintf(os.Stderr, "fake kubectl: wait --for=condition=Ready pod/NAME only\n")
		return 1
	}
	p := f.pod(name)
	if p == nil {
		fmt.Fprintf(os.Stderr, "Error from server (NotFound): pods %q not found\n", name)
		return 1
	}
	for range 30 {
		if p.Ready {
			fmt.Fprintf(out, "pod/%s condition met\n", name)
			return 0
		}
		f.advance()
	}
	fmt.Fprintf(os.Stderr, "error: timed out waiting for the condition on pods/%s\n", name)
	return 1
}

// exec answers the runbook's Elasticsearch requests: exec POD -c
// CONTAINER -- sh -c SCRIPT es METHOD PATH [BODY].
func (f *fakeCluster) exec(words []string, out *bytes.Buffer) int {
	i := slices.Index(words, "--")
	if i != 1 || len(words) < i+7 || words[i+1] != "sh" || words[i+2] != "-c" || !strings.Contains(words[i+3], "curl") {
		fmt.Fprintf(os.Stderr, "fake kubectl: exec POD -c CONTAINER -- sh -c SCRIPT es METHOD PATH [BODY] only: %q\n", words)
		return 1
	}
	p := f.pod(words[0])
	if p == nil {
		fmt.Fprintf(os.Stderr, "Error from server (NotFound): pods %q not found\n", words[0])
		return 1
	}
	if !p.Joined {
		fmt.Fprintln(os.Stderr, "Elasticsearch does not answer on port 9200")
		return 7
	}
	method, path := words[i+5], words[i+6]
	body := ""
	if len(words) > i+7 {
		body = words[i+7]
	}
	f.Requests = append(f.Requests, strings.TrimSpace(method+" "+path+" "+body))
	route, query, _ := strings.Cut(path, "?")
	if route == "/_cluster/health" && strings.Contains(query, "wait_for_events=languid") {
		f.reroute() // the master's pending tasks run first
	}
	switch method + " " + route {
	case "GET /_cluster/health":
		status, initializing := f.health()
		var nodes, data int
		for _, p := range f.Pods {
			if p.Joined {
				nodes++
				if f.data(p) {
					data++
				}
			}
		}
		unassigned := 0
		for _, s := range f.Shards {
			for j := range s.Nodes {
				if !s.Live[j] && s.RecoverAt[j] == 0 {
					unassigned++
				}
			}
		}
		fmt.Fprintf(out, `{"cluster_name":"fake","status":"%s","timed_out":false,"number_of_nodes":%d,"number_of_data_nodes":%d,"active_primary_shards":%d,"active_shards":20,"relocating_shards":0,"initializing_shards":%d,"unassigned_shards":%d,"delayed_unassigned_shards":0,"number_of_pending_tasks":0}`+"\n",
			status, nodes, data, len(f.Shards), initializing, unassigned)
	case "GET /_cat/nodes":
		width := 0
		for _, p := range f.Pods {
			width = max(width, len(p.Name))
		}
		for _, p := range f.Pods {
			if !p.Joined {
				continue
			}
			v := p.Name
			if query == "h=version" {
				v = p.Version
			}
			fmt.Fprintf(out, "%-*s\n", width, v) // _cat pads its columns
		}
	case "GET /_cat/master":
		fmt.Fprintf(out, "%s\n", f.Master)
	case "GET /_cluster/settings":
		settings := map[string]any{"persistent": map[string]any{}, "transient": map[string]any{}}
		if f.Allocation != "" {
			settings["persistent"] = map[string]any{"cluster.routing.allocation.enable": f.Allocation}
		}
		if f.Transient != "" {
			settings["transient"] = map[string]any{"cluster.routing.allocation.enable": f.Transient}
		}
		data, _ := json.Marshal(settings)
		fmt.Fprintf(out, "%s\n", data)
	case "PUT /_cluster/settings":
		var req map[string]map[string]*string
		if err := json.Unmarshal([]byte(body), &req); err != nil || len(req["persistent"]) != 1 {
			fmt.Fprintf(os.Stderr, "HTTP 400 from PUT /_cluster/settings: %q\n", body)
			return 22
		}
		for scope, target := range map[string]*string{"persistent": &f.Allocation, "transient": &f.Transient} {
			settings, ok := req[scope]
			if !ok {
				continue
			}
			v, ok := settings["cluster.routing.allocation.enable"]
			if !ok || len(settings) != 1 {
				fmt.Fprintf(os.Stderr, "HTTP 400 from PUT /_cluster/settings: %q\n", body)
				return 22
			}
			*target = ""
			if v != nil && *v != "all" {
				*target = *v
			}
		}
		f.RerouteAt = f.Tick + 1 // the reroute runs after the answer
		fmt.Fprintln(out, `{"acknowledged":true}`)
	case "POST /_flush", "POST /_flush/synced":
		fmt.Fprintln(out, `{"_shards":{"total":20,"successful":20,"failed":0}}`)
	case "GET /_ml/info":
		fmt.Fprintf(out, `{"upgrade_mode":%v}`+"\n", f.MLUpgrade)
	case "POST /_ml/set_upgrade_mode":
		f.MLUpgrade = query == "enabled=true"
		fmt.Fprintln(out, `{"acknowledged":true}`)
	default:
		fmt.Fprintf(os.Stderr, "HTTP 400 from %s %s\n", method, path)
		return 22
	}
	return 0
}

// cmdFakeCluster implements the scripts' command
//
//	fakecluster init SPEC [key=value...]  model the cluster SPEC renders, every pod stale
//	fakecluster deletes                   print each deletion or eviction, one line each
//	fakecluster requests PATTERN          print the Elasticsearch requests that contain PATTERN
//	fakecluster check                     fail unless the rollout ended cleanly
//	! fakecluster check                   fail if it did; print the problems
//
// init takes mode= (rolling, by-rack, full-restart: what the judge
// allows), from= (the version the running pods have), master= (the
// elected master), red-after=POD, never-joins=POD (its node does not come
// back), kill-at-delete=N, fail-call=N (the Nth kubectl call cannot reach
// the API server), strategy= and hash= (every StatefulSet's update
// strategy and config hash, as a cluster that has not applied the spec
// has them), transient= (a transient allocation setting),
// current=POD,... (pods already on the new template) and red=yes (the
// cluster is red from the start).
func cmdFakeCluster(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) == 0 || (neg && args[0] != "check") {
		ts.Fatalf("usage: fakecluster init|deletes|requests|check (! only before check)")
	}
	path := ts.MkAbs("fake-cluster.json")
	switch args[0] {
	case "init":
		f, err := newFakeCluster(ts.MkAbs(args[1]), args[2:])
		ts.Check(err)
		ts.Check(f.save(path))
		ts.Check(os.WriteFile(path+".log", nil, 0o644))
		return
	}
	f, err := loadFake(path)
	ts.Check(err)
	// Taking the writer clears what an earlier command printed, so that
	// an empty answer reads as empty.
	out := ts.Stdout()
	switch args[0] {
	case "deletes":
		for _, d := range f.Deletes {
			fmt.Fprintln(out, strings.Join(d, " "))
		}
	case "requests":
		for _, r := range f.Requests {
			if strings.Contains(r, args[1]) {
				fmt.Fprintln(out, r)
			}
		}
	case "check":
		var problems []string
		problems = append(problems, f.Violations...)
		for _, p := range f.Pods {
			if s := f.sts(p.STS); p.Revision != s.UpdateRevision || !p.Ready {
				problems = append(problems, fmt.Sprintf("%s: revision %s (want %s), ready %v", p.Name, p.Revision, s.UpdateRevision, p.Ready))
			}
		}
		if f.Allocation != "" || f.Transient != "" {
			problems = append(problems, "allocation left at "+cmp.Or(f.Transient, f.Allocation))
		}
		if f.MLUpgrade {
			problems = append(problems, "machine learning left in upgrade mode")
		}
		if status, _ := f.health(); status != "green" && !(status == "yellow" && f.HealthTarget == "yellow") {
			problems = append(problems, "the cluster is "+status)
		}
		switch {
		case len(problems) > 0 && !neg:
			ts.Fatalf("the rollout did not end cleanly:\n%s", strings.Join(problems, "\n"))
		case len(problems) == 0 && neg:
			ts.Fatalf("the rollout ended cleanly")
		}
		for _, p := range problems {
			fmt.Fprintln(out, p)
		}
	default:
		ts.Fatalf("fakecluster: unknown subcommand %q", args[0])
	}
}

// newFakeCluster models the cluster a spec renders, with every pod on an
// older revision, joined and ready, every shard copy live.
func newFakeCluster(specPath string, options []string) (*fakeCluster, error) {
	file, err := os.Open(specPath)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	c, err := esspec.Load(file)
	if err != nil {
		return nil, err
	}
	esspec.SetDefaults(c)
	objs, err := render.Render(c)
	if err != nil {
		return nil, err
	}
	opt := map[string]string{}
	for _, o := range options {
		k, v, _ := strings.Cut(o, "=")
		opt[k] = v
	}
	f := &fakeCluster{
		Namespace: c.Metadata.Namespace, Cluster: c.Metadata.Name, Mode: cmp.Or(opt["mode"], "rolling"),
		RedAfter: opt["red-after"], NeverJoins: opt["never-joins"], Red: opt["red"] != "",
		HealthTarget: "green", Transient: opt["transient"],
	}
	f.KillAtDelete, _ = strconv.Atoi(cmp.Or(opt["kill-at-delete"], "0"))
	f.FailCall, _ = strconv.Atoi(cmp.Or(opt["fail-call"], "0"))
	current := strings.Split(opt["current"], ",")
	var data []string
	for _, o := range objs {
		switch o := o.(type) {
		case *appsv1.StatefulSet:
			labels := o.Spec.Template.Labels
			s := &fakeSTS{
				Name: o.Name, Replicas: int(*o.Spec.Replicas), UpdateRevision: o.Name + "-new",
				Strategy:   cmp.Or(opt["strategy"], string(o.Spec.UpdateStrategy.Type)),
				ConfigHash: cmp.Or(opt["hash"], o.Spec.Template.Annotations[render.ConfigHashAnnotation]),
				Version:    c.Spec.Version, Rack: labels[esspec.LabelRack],
				Master: labels[esspec.LabelRolePrefix+"master"] == "true",
				Data:   esspec.RolesHoldData(rolesOf(labels)),
			}
			f.StatefulSets = append(f.StatefulSets, s)
			for i := range s.Replicas {
				name := fmt.Sprintf("%s-%d", o.Name, i)
				f.NextUID++
				p := &fakePod{Name: name, STS: o.Name, UID: fmt.Sprintf("uid-%d", f.NextUID), Revision: o.Name + "-old",
					Version: cmp.Or(opt["from"], c.Spec.Version), Joined: true, Ready: true}
				if slices.Contains(current, name) {
					p.Revision, p.Version = s.UpdateRevision, s.Version
				}
				f.Pods = append(f.Pods, p)
				if s.Master && f.Master == "" {
					f.Master = name
				}
				if s.Data {
					data = append(data, name)
				}
			}
		case *corev1.ConfigMap:
			if t := o.Data[render.HealthTargetKey]; t != "" {
				f.HealthTarget = t
			}
		}
	}
	// Shard i on data node i and the next one in another rack (forced
	// awareness), or simply the next: every node holds copies of two
	// shards.
	slices.Sort(data)
	rack := func(pod string) string { return f.sts(f.pod(pod).STS).Rack }
	for i := range data {
		s := &fakeShard{Nodes: []string{data[i]}}
		if len(data) > 1 {
			next := data[(i+1)%len(data)]
			for k := 1; k < len(data); k++ {
				if n := data[(i+k)%len(data)]; rack(n) != rack(data[i]) {
					next = n
					break
				}
			}
			s.Nodes = append(s.Nodes, next)
		}
		s.Live, s.RecoverAt = make([]bool, len(s.Nodes)), make([]int, len(s.Nodes))
		for j := range s.Live {
			s.Live[j] = true
		}
		f.Shards = append(f.Shards, s)
	}
	if m := opt["master"]; m != "" {
		f.Master = m
	}
	return f, nil
}

func rolesOf(labels map[string]string) []esspec.Role {
	var roles []esspec.Role
	for _, k := range slices.Sorted(maps.Keys(labels)) {
		if r, ok := strings.CutPrefix(k, esspec.LabelRolePrefix); ok && labels[k] == "true" {
			roles = append(roles, esspec.Role(r))
		}
	}
	return roles
}
