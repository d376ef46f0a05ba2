package render

import (
	"fmt"
	"math"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/esgen/esgen/bootstrap"
	"github.com/esgen/esgen/esspec"
	"github.com/esgen/esgen/topology"
)

// HealthGateOffFile, when it exists in a container, lets that container's
// startup probe pass whatever the cluster health: the way out for a node
// that restarts into a cluster that cannot recover (an index lost for
// good), taken by hand with kubectl exec POD -c elasticsearch -- touch FILE.
const HealthGateOffFile = "/tmp/esgen-health-gate-off"

// localRequest defines the shell function es PATH [CURL-ARGS...], which
// sends a GET for PATH to the local node and prints the body: over https when the nodes
// serve TLS (without checking the certificate, which names the Services
// and pods, not 127.0.0.1; the request never leaves the pod), and with
// security as the internal user, whose password curl reads from its
// standard input so that it never shows in a process list.
// NSS_SDB_USE_CACHE=no keeps the NSS-based curl of the CentOS images from
// growing the kernel's dentry cache at every probe.
func localRequest(c *esspec.Resolved) string {
	scheme := "http"
	args := []string{"NSS_SDB_USE_CACHE=no", "curl", "--silent", "--max-time", "4"}
	if bootstrap.TLSEnabled(c) {
		scheme = "https"
		args = append(args, "--insecure")
	}
	url := fmt.Sprintf(`"$@" "%s://127.0.0.1:%d$path"`, scheme, bootstrap.HTTPPort)
	if !bootstrap.InternalUserEnabled(c) {
		return fmt.Sprintf("es() { path=$1; shift; %s %s; }", strings.Join(args, " "), url)
	}
	return fmt.Sprintf(`es() { path=$1; shift; printf 'user = "%s:%%s"\n' "$(cat %s)" | %s --config - %s; }`,
		bootstrap.InternalUser, bootstrap.InternalPasswordFile, strings.Join(args, " "), url)
}

// HealthRequest is the cluster health request of the startup probe and
// of esgen rollout's runbook. wait_for_events=languid answers only once
// the master has run its pending tasks, so that the reroute that follows
// a node's return or a settings change has assigned what it will: without
// it, health can show no shard initializing a moment before replicas
// start to. timed_out is then true when the master is too busy.
const HealthRequest = "/_cluster/health?wait_for_events=languid&timeout=3s"

// QuietCounts are the counts of the health response that must be 0 for a
// yellow cluster to count as recovered, where yellow is all it can be: no
// shard initializing or relocating, and no replica waiting for a node
// that left (index.unassigned.node_left.delayed_timeout).
var QuietCounts = []string{"initializing_shards", "relocating_shards", "delayed_unassigned_shards"}

// QuietChecks returns the shell lines that check QuietCounts in $health,
// each running otherwise (with %s the count's name) when the count is not
// 0, indented by indent.
func QuietChecks(indent, otherwise string) []string {
	var lines []string
	for _, key := range QuietCounts {
		lines = append(lines, fmt.Sprintf(`%scase "$health" in *'"%s":0,'* | *'"%s":0}'*) ;; *) %s ;; esac`,
			indent, key, key, fmt.Sprintf(otherwise, key)))
	}
	return lines
}

// startupProbe holds a master-eligible or data pod unready from its
// container's start until the cluster has recovered: green, or yellow
// where the layout makes green impossible (a cluster of one data node,
// HealthTargetKey), or, while a version upgrade runs (nodes of more than
// one version), yellow, since primaries on upgraded nodes cannot
// replicate to older ones; a yellow cluster must also be quiet (see
// QuietCounts). A pod that a drain evicted, that
// crashed or that esgen rollout restarted thus holds its
// PodDisruptionBudget until its shards are copies again, and the next
// disruption waits for it. The probe never fails the container: its
// failure threshold is the largest there is, since a recovery may take
// hours, and the kubelet would kill a container whose startup probe runs
// out. After its first success the readiness probe takes over.
// Coordinating, ingest-only and ml-only pods hold no shards and get none.
func startupProbe(c *esspec.Resolved, g *topology.Group) *corev1.Probe {
	if !g.NodeSet.Stateful() {
		return nil
	}
	lines := []string{
		fmt.Sprintf(`[ -e %s ] && exit 0`, HealthGateOffFile),
		localRequest(c),
		fmt.Sprintf(`health=$(es '%s') || { echo "Elasticsearch does not answer yet"; exit 1; }`, HealthRequest),
		`case "$health" in`,
		`*'"timed_out":false'*) ;;`,
		`*) echo "the cluster does not answer its health: $health"; exit 1 ;;`,
		`esac`,
		`case "$health" in`,
		`*'"status":"green"'*) exit 0 ;;`,
		`*'"status":"yellow"'*)`,
	}
	lines = append(lines, QuietChecks("  ", `echo "waiting: %s is not 0"; exit 1`)...)
	lines = append(lines,
		fmt.Sprintf(`  [ "$(cat %s/%s 2>/dev/null)" = %s ] && exit 0`, ConfigMount, HealthTargetKey, topology.Yellow),
		`  versions=$(es '/_cat/nodes?h=version' | sort -u | wc -l)`,
		`  [ "$versions" -gt 1 ] && exit 0`,
		`  echo "waiting for the cluster to be green again" ;;`,
		`*) echo "waiting for the cluster to recover: $health" ;;`,
		`esac`,
		`exit 1`,
	)
	return &corev1.Probe{
		ProbeHandler:        corev1.ProbeHandler{Exec: &corev1.ExecAction{Command: []string{"sh", "-c", strings.Join(lines, "\n")}}},
		InitialDelaySeconds: 10,
		PeriodSeconds:       10,
		TimeoutSeconds:      10,
		FailureThreshold:    math.MaxInt32,
	}
}

// readinessProbe says the local node has joined a cluster, once the
// startup probe (if any) has passed; it never asks for cluster health, so
// a yellow or red cluster keeps its pods in the Services, and there is no
// liveness probe that could kill a node busy recovering. From 8.6 the
// node opens a TCP port once it has joined a cluster with an elected
// master. Before, the probe asks the node's HTTP root: without security
// the kubelet does; with security a script does, as the internal user
// (see bootstrap.InternalUser), and only 200 is ready: a node without an
// elected master answers 503 before 7.0 (discovery publishes unready
// pods, so masters still find each other).
func readinessProbe(c *esspec.Resolved, v esspec.Version) *corev1.Probe {
	probe := &corev1.Probe{
		InitialDelaySeconds: 10,
		PeriodSeconds:       5,
		TimeoutSeconds:      5,
		FailureThreshold:    3,
	}
	switch {
	case bootstrap.TCPReadiness(v):
		probe.TCPSocket = &corev1.TCPSocketAction{Port: intstr.FromInt32(bootstrap.ReadinessPort)}
	case !c.Spec.Security.On():
		probe.HTTPGet = &corev1.HTTPGetAction{Path: "/", Port: intstr.FromString(portHTTP)}
	default:
		script := strings.Join([]string{
			localRequest(c),
			`code=$(es / --output /dev/null --write-out '%{http_code}')`,
			`[ "$code" = 200 ] && exit 0`,
			`echo "HTTP $code"`,
			`exit 1`,
		}, "\n")
		probe.Exec = &corev1.ExecAction{Command: []string{"sh", "-c", script}}
	}
	return probe
}
