package rollout

import (
	"fmt"
	"strings"

	appsv1 "k8s.io/api/apps/v1"

	"github.com/esgen/esgen/bootstrap"
	"github.com/esgen/esgen/render"
)

// Script writes the plan as a POSIX sh runbook. It uses kubectl (the
// KUBECTL variable names another) and, inside the pods, sh and curl,
// which every official image has; no jq. The same plan gives the same
// bytes.
func (p *Plan) Script() []byte {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	w("#!/bin/sh\n")
	w("# esgen rollout runbook for Elasticsearch cluster %s%s, version %s (%s).\n", p.Cluster, inNamespace(p.Namespace), p.Version, p.Mode)
	w("#\n")
	for _, line := range modeDescription(p.Mode) {
		w("# %s\n", line)
	}
	w("#\n")
	for _, warning := range p.Warnings {
		for _, line := range wrap("WARNING: "+warning, 76) {
			w("# %s\n", line)
		}
		w("#\n")
	}
	w("# Apply the manifests first (esgen render SPEC | kubectl apply -f -). Review\n")
	w("# this runbook, then run it with sh. Run it again after an interruption: it\n")
	w("# resumes where it stopped, and a run with nothing to restart changes nothing.\n")
	w("# It reads credentials inside the pods and prints none.\n")
	w("# KUBECTL names the kubectl to run (default kubectl); ESGEN_ROLLOUT_INTERVAL\n")
	w("# the seconds between two checks (default 5).\n")
	w("set -eu\n\n")
	w("CLUSTER=%s\n", p.Cluster)
	if p.Namespace != "" {
		w("NAMESPACE=%s\n", p.Namespace)
	}
	w("EVICT_NAMESPACE=%s # empty: kubectl's current namespace\n", p.Namespace)
	w("TIMEOUT=%d # seconds each wait may take (esgen rollout --timeout)\n", p.TimeoutSeconds)
	w("HEALTH_TARGET=%s # the best health this layout reaches\n", p.HealthTarget)
	w("SELECTOR='%s'\n", p.PodSelector)
	w("CONTAINER=%s\n", render.ContainerName)
	w("INTERVAL=${ESGEN_ROLLOUT_INTERVAL:-5}\n")
	w("KUBECTL=${KUBECTL:-kubectl}\n")
	w("ALLOCATION_LIMIT='%s'\n", p.Allocation.Limit.Body)
	w("ALLOCATION_RESET='%s'\n", p.Allocation.Reset.Body)
	w("ALLOCATION_RESET_ALL='%s' # also a transient setting an older procedure left\n", p.Allocation.ResetAll.Body)
	w("FLUSH=%s\n", p.Flush.Path)
	w("ML_UPGRADE_MODE=%s\n", yesNo(p.MLUpgradeMode))
	var all []string
	for _, st := range p.StatefulSets {
		for i := range st.Replicas {
			all = append(all, fmt.Sprintf("%s-%d", st.Name, i))
		}
	}
	w("TOTAL_PODS=%d\n", len(all))
	w("ALL_PODS='%s'\n", strings.Join(all, " "))
	w("\n")
	b.WriteString(functions(p))
	w("\n# Check that the cluster runs what this spec renders.\n")
	w("command -v \"$KUBECTL\" >/dev/null || fail \"$KUBECTL not found: set KUBECTL\"\n")
	for _, s := range p.StatefulSets {
		w("check_statefulset %s %s %s %s\n", s.Name, s.ConfigHash, p.Version, s.UpdateStrategy)
	}
	w("preflight\n")
	switch p.Mode {
	case FullRestart:
		w("\n# Every stale pod at once: Elastic's full cluster restart.\n")
		for _, s := range p.Steps {
			w("full_restart%s\n", podArgs(p, s.Pods))
		}
	default:
		writeSteps(&b, p)
	}
	w("\nfinish_rollout\n")
	return []byte(b.String())
}

func writeSteps(b *strings.Builder, p *Plan) {
	w := func(format string, args ...any) { fmt.Fprintf(b, format, args...) }
	last := ""
	var masters []Pod
	for _, s := range p.Steps {
		heading := s.Phase + "/" + s.Tier + "/" + s.Rack
		if s.Phase == PhaseMasters {
			masters = append(masters, s.Pods...)
			continue
		}
		if heading != last {
			w("\n# %s\n", stepHeading(s))
			last = heading
		}
		if s.Rack != "" {
			w("restart_rack %s%s\n", s.Rack, podArgs(p, s.Pods))
			continue
		}
		w("restart%s\n", podArgs(p, s.Pods))
	}
	if len(masters) > 0 {
		w("\n# Master-eligible nodes, one at a time, the elected master last.\n")
		w("restart_masters%s\n", podArgs(p, masters))
	}
}

func stepHeading(s Step) string {
	switch {
	case s.Rack != "":
		return fmt.Sprintf("Rack %s: its stale data and other pods together; forced awareness keeps a copy of every shard in the other racks.", s.Rack)
	case s.Tier != "":
		return fmt.Sprintf("Data nodes, %s tier, one at a time.", s.Tier)
	case s.Phase == PhaseData:
		return "Data nodes, one at a time."
	case s.Phase == PhaseOther:
		return "Nodes that are neither master-eligible nor data nodes, one at a time."
	}
	return s.Phase
}

// podArgs writes pods as the runbook's functions take them:
// KIND/STATEFULSET/POD/STRATEGY, one word each, one a line when there
// are several.
func podArgs(p *Plan, pods []Pod) string {
	var b strings.Builder
	sep := " "
	if len(pods) > 1 {
		sep = " \\\n  "
	}
	for _, pod := range pods {
		strategy := "OnDelete"
		for _, s := range p.StatefulSets {
			if s.Name == pod.StatefulSet && s.UpdateStrategy == appsv1.RollingUpdateStatefulSetStrategyType {
				strategy = "RollingUpdate"
			}
		}
		fmt.Fprintf(&b, "%s%s/%s/%s/%s", sep, pod.Kind, pod.StatefulSet, pod.Name, strategy)
	}
	return b.String()
}

func modeDescription(m Mode) []string {
	switch m {
	case ByRack:
		return []string{
			"It restarts the pods whose template is out of date (their controller-revision-hash",
			"is not their StatefulSet's updateRevision) one rack at a time: all stale data and",
			"other pods of a rack together, with allocation limited to primaries and indices",
			"flushed, waiting for the cluster to recover before the next rack; then the",
			"master-eligible pods one at a time, the elected master last.",
		}
	case FullRestart:
		return []string{
			"It follows Elastic's full cluster restart: allocation limited to primaries,",
			"indices flushed, machine learning in upgrade mode where it exists; every pod",
			"whose template is out of date stops at once and starts on its new template;",
			"once all nodes have joined and every primary is assigned, allocation comes",
			"back and the runbook waits for the cluster to recover. The cluster is down",
			"meanwhile.",
		}
	}
	return []string{
		"It restarts the pods whose template is out of date (their controller-revision-hash",
		"is not their StatefulSet's updateRevision) one at a time, in Elastic's order: data",
		"nodes tier by tier (frozen, cold, warm, hot), the other nodes that are not",
		"master-eligible, then the master-eligible nodes, the elected master last. Around",
		"each data pod it limits allocation to primaries and flushes, deletes the pod,",
		"waits until the new one has joined, restores allocation and waits for the",
		"cluster to recover.",
	}
}

// wrap breaks text into lines of at most width bytes, at spaces.
func wrap(text string, width int) []string {
	var lines []string
	line := ""
	for _, word := range strings.Fields(text) {
		if line != "" && len(line)+1+len(word) > width {
			lines = append(lines, line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += word
	}
	return append(lines, line)
}

func inNamespace(ns string) string {
	if ns == "" {
		return ""
	}
	return " in namespace " + ns
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// functions writes the runbook's shell functions.
func functions(p *Plan) string {
	kc := `kc() { "$KUBECTL" --namespace "$NAMESPACE" "$@"; }`
	if p.Namespace == "" {
		kc = `kc() { "$KUBECTL" "$@"; }`
	}
	return strings.NewReplacer(
		"@KC@", kc,
		"@ES_REQUEST@", esRequest(),
		"@HEALTH@", render.HealthRequest,
		"@QUIET@", strings.Join(render.QuietChecks("  ", `why="$why, %s is not 0"; return 1`), "\n"),
	).Replace(shellFunctions)
}

// esRequest is the script a pod's shell runs for es METHOD PATH [BODY]:
// the request to its own node, as the internal user, or on pods rendered
// before esgen had one, as the elastic user of ELASTIC_PASSWORD (which
// works while that password is unchanged); over https, else http, since
// a change of TLS leaves pods of both kinds. curl reads the credentials
// from its standard input, so they never show in a process list. The
// request never leaves the pod, so the certificate, which names the
// Services and pods, is not checked.
func esRequest() string {
	return fmt.Sprintf(`method=$1 path=$2 body=${3-}
if [ -r %[1]s ]; then
  user="%[2]s:$(cat %[1]s)"
elif [ -n "${ELASTIC_PASSWORD-}" ]; then
  user="elastic:$ELASTIC_PASSWORD"
else
  user=
fi
if [ -n "$body" ]; then set -- --data "$body"; else set --; fi
for scheme in https http; do
  if out=$( { [ -z "$user" ] || printf 'user = "%%s"\n' "$(printf '%%s' "$user" | sed 's/[\\"]/\\&/g')"; } |
      NSS_SDB_USE_CACHE=no curl --silent --insecure --max-time 60 --config - --request "$method" \
        --header 'Content-Type: application/json' --write-out '\n%%{http_code}' "$@" "$scheme://127.0.0.1:%[3]d$path" 2>/dev/null); then
    code=$(printf '%%s\n' "$out" | tail -n 1)
    printf '%%s\n' "$out" | sed '$d'
    case "$code" in 2??) exit 0 ;; esac
    echo "HTTP $code from $method $path" >&2
    exit 22
  fi
done
echo "Elasticsearch does not answer on port %[3]d" >&2
exit 7`, bootstrap.InternalPasswordFile, bootstrap.InternalUser, bootstrap.HTTPPort)
}

// shellFunctions are the runbook's functions; @KC@, @ES_REQUEST@,
// @HEALTH@ and @QUIET@ are filled in. Pods are passed as
// KIND/STATEFULSET/POD/STRATEGY.
const shellFunctions = `STEP=$INTERVAL
[ "$STEP" -gt 0 ] || STEP=1
LIMITED=
API=
RESTARTED=0

log() { printf 'esgen rollout: %s\n' "$*"; }
fail() { printf 'esgen rollout: error: %s\n' "$*" >&2; exit 1; }
@KC@

# The script a pod's shell runs for es. A function prints it: a here-document
# inside $(...) trips older shells (macOS's bash 3.2) on its case patterns.
es_request() {
  cat <<'EOF'
@ES_REQUEST@
EOF
}
ES_REQUEST=$(es_request)

# es POD METHOD PATH [BODY]: a request to the Elasticsearch node of POD.
es() {
  es_pod=$1
  shift
  kc exec "$es_pod" -c "$CONTAINER" -- sh -c "$ES_REQUEST" es "$@"
}

# running_pods: the cluster's running Elasticsearch pods, the one that
# answered last first.
running_pods() {
  pods=$(kc get pods -l "$SELECTOR" --field-selector=status.phase=Running -o jsonpath='{.items[*].metadata.name}') || return 1
  [ -z "$API" ] || echo "$API"
  for candidate in $pods; do
    [ "$candidate" = "$API" ] || echo "$candidate"
  done
}

# api METHOD PATH [BODY]: the request, to the first running pod that
# answers it (a pod in a crash loop, or one that cannot authenticate, is
# passed over); its answer on stdout.
api() {
  last=
  for candidate in $(running_pods); do
    if answer=$(es "$candidate" "$@" 2>/dev/null); then
      API=$candidate
      printf '%s\n' "$answer"
      return 0
    fi
    last=$candidate
  done
  if [ -n "$last" ]; then
    why="no pod answers $1 $2; $last: $(es "$last" "$@" 2>&1 >/dev/null | tail -n 1)"
  else
    why="no running Elasticsearch pod (kubectl get pods -l $SELECTOR)"
  fi
  return 1
}

# wait_until WHAT COMMAND...: runs COMMAND until it succeeds, for about
# TIMEOUT seconds of waiting at least; fails with what it was waiting for.
# COMMAND may set why.
wait_until() {
  what=$1
  shift
  waited=0
  why=
  until "$@"; do
    if [ "$waited" -ge "$TIMEOUT" ]; then
      why="$what: not done after ${TIMEOUT}s${why:+ ($why)}"
      return 1
    fi
    sleep "$INTERVAL"
    waited=$((waited + STEP))
  done
}

# wait_for WHAT COMMAND...: wait_until, and stop the runbook on a timeout.
wait_for() {
  wait_until "$@" || fail "$why"
}

# healthy: the cluster is green; or yellow where that is all it can be now,
# with no shard initializing or relocating and no replica waiting for a
# node that left: a cluster of one data node (HEALTH_TARGET), or a
# version upgrade (nodes of more than one version: the replicas of new
# primaries cannot go to older nodes).
healthy() {
  health=$(api GET '@HEALTH@') || return 1
  case "$health" in *'"timed_out":false'*) ;; *)
    why="the master did not run its pending tasks in time"
    return 1
    ;;
  esac
  status=$(printf '%s\n' "$health" | sed -n 's/.*"status":"\([a-z]*\)".*/\1/p')
  why="the cluster is ${status:-not answering}"
  case "$status" in
  green) return 0 ;;
  yellow) ;;
  *) return 1 ;;
  esac
@QUIET@
  [ "$HEALTH_TARGET" != yellow ] || return 0
  versions=$(api GET '/_cat/nodes?h=version' | sort -u | grep -c .) || versions=0
  [ "$versions" -gt 1 ]
}

# update_revision STATEFULSET: the revision its pods are created from.
update_revision() {
  kc get statefulset "$1" -o jsonpath='{.status.updateRevision}'
}

# revision POD: the revision the pod runs; empty when it does not exist.
# Any other failure of kubectl is a failure, with kubectl's message on
# stderr: a pod must not pass for up to date because the API server did
# not answer.
revision() {
  if out=$(kc get pod "$1" -o jsonpath='{.metadata.labels.controller-revision-hash}' 2>&1); then
    printf '%s\n' "$out"
    return 0
  fi
  case "$out" in *NotFound*) return 0 ;; esac
  printf '%s\n' "$out" >&2
  return 1
}

# stale STATEFULSET POD: the pod exists and runs an older template. It
# stops the runbook when it cannot tell.
stale() {
  have=$(revision "$2") || fail "cannot read pod $2"
  [ -n "$have" ] || return 1
  want=$(update_revision "$1") || fail "cannot read StatefulSet $1"
  [ "$have" != "$want" ]
}

# current STATEFULSET POD: the pod exists on its StatefulSet's newest
# template (not yet, when kubectl fails: it is asked again).
current() {
  have=$(revision "$2" 2>/dev/null) || {
    why="cannot read pod $2"
    return 1
  }
  want=$(update_revision "$1" 2>/dev/null) || {
    why="cannot read StatefulSet $1"
    return 1
  }
  [ -n "$have" ] && [ "$have" = "$want" ]
}

# joined POD: the node of POD is in the cluster.
joined() {
  nodes=$(api GET '/_cat/nodes?h=name') || return 1
  printf '%s\n' "$nodes" | grep -q "^$1 *\$"
}

# ready POD: the pod is ready; a restarted master or data pod is ready only
# once the cluster has recovered (its startup probe).
ready() {
  kc wait --for=condition=Ready "pod/$1" --timeout="${TIMEOUT}s" >/dev/null
}

# observed STATEFULSET: the StatefulSet controller has seen its latest spec,
# so its updateRevision is current.
observed() {
  generations=$(kc get statefulset "$1" -o jsonpath='{.metadata.generation} {.status.observedGeneration}') || return 1
  [ -n "${generations% *}" ] && [ "${generations% *}" = "${generations#* }" ]
}

# check_statefulset STATEFULSET HASH VERSION STRATEGY: it exists with this
# spec's template, version and update strategy.
check_statefulset() {
  got=$(kc get statefulset "$1" -o jsonpath='{.spec.template.metadata.annotations.esgen\.dev/config-hash} {.spec.template.metadata.labels.app\.kubernetes\.io/version} {.spec.updateStrategy.type}') ||
    fail "no StatefulSet $1: apply the manifests first (esgen render SPEC | kubectl apply -f -)"
  [ "$got" = "$2 $3 $4" ] ||
    fail "StatefulSet $1 does not run the template, version and update strategy this spec renders: apply it first (esgen render SPEC | kubectl apply -f -)"
  wait_for "StatefulSet $1 to see its latest spec" observed "$1"
}

limit_allocation() {
  api PUT /_cluster/settings "$ALLOCATION_LIMIT" >/dev/null || fail "$why"
  LIMITED=yes
}

reset_allocation() {
  api PUT /_cluster/settings "$ALLOCATION_RESET" >/dev/null || fail "$why"
  LIMITED=
}

# flush: best effort, as in Elastic's procedures; shards being written to
# fail it, and the restart goes on.
flush() {
  api POST "$FLUSH" >/dev/null || log "the flush did not cover every shard (indexing goes on): going on"
}

# evicted POD: the API server has evicted the pod, which it refuses (429)
# while the budget of the pod allows no disruption: another pod that
# holds state is down, whoever took it down. Deleting would not ask.
evicted() {
  if why=$(printf '{"apiVersion":"policy/v1","kind":"Eviction","metadata":{"name":"%s","namespace":"%s"}}' "$1" "$EVICT_NAMESPACE" |
    kc create --raw "/api/v1/namespaces/$EVICT_NAMESPACE/pods/$1/eviction" -f - 2>&1 >/dev/null); then
    return 0
  fi
  case "$why" in *"more than one PodDisruptionBudget"*)
    fail "$1 is under two PodDisruptionBudgets, so it cannot be evicted: delete those esgen no longer renders (kubectl get pdb -l esgen.dev/cluster=$CLUSTER)"
    ;;
  esac
  return 1
}

# budget_allows: every master and data pod is up: the stateful budget
# allows a disruption.
budget_allows() {
  allowed=$(kc get pdb "$CLUSTER-es-stateful" -o jsonpath='{.status.disruptionsAllowed}') || return 1
  why="PodDisruptionBudget $CLUSTER-es-stateful allows ${allowed:-no} disruption(s)"
  [ "${allowed:-0}" -ge 1 ]
}

# On any exit with allocation still limited (a failure, an interruption),
# restore it, so that the cluster rebuilds the replicas of a node that
# does not come back.
finish() {
  status=$?
  if [ -n "$LIMITED" ]; then
    if api PUT /_cluster/settings "$ALLOCATION_RESET" >/dev/null; then
      log "allocation restored to its default"
    else
      printf 'esgen rollout: allocation is still limited to primaries: restore it with PUT /_cluster/settings %s\n' "$ALLOCATION_RESET" >&2
    fi
  fi
  if [ "$status" -ne 0 ]; then
    printf 'esgen rollout: stopped; run this runbook again to resume\n' >&2
  fi
}
trap finish EXIT
trap 'exit 130' INT TERM

# all_joined N: N nodes are in the cluster.
all_joined() {
  names=$(api GET '/_cat/nodes?h=name') || return 1
  nodes=$(printf '%s\n' "$names" | grep -c .) || nodes=0
  why="$nodes of $1 nodes have joined"
  [ "$nodes" -ge "$1" ]
}

# preflight: a run interrupted without its trap (a lost connection) may
# have left allocation limited, persistent or transient (an older
# procedure); restore it once every node is back.
preflight() {
  if [ -z "$EVICT_NAMESPACE" ]; then
    EVICT_NAMESPACE=$("$KUBECTL" config view --minify -o 'jsonpath={..namespace}') || EVICT_NAMESPACE=
    [ -n "$EVICT_NAMESPACE" ] || EVICT_NAMESPACE=default
  fi
  settings=$(api GET '/_cluster/settings?flat_settings=true') || fail "$why"
  transient=$(printf '%s\n' "$settings" | sed -n 's/.*"transient":{\([^}]*\)}.*/\1/p')
  case "$settings" in *'"cluster.routing.allocation.enable":"primaries"'*) ;; *)
    case "$transient" in *cluster.routing.allocation.enable*) ;; *) return 0 ;; esac
    ;;
  esac
  log "allocation is still limited, from an interrupted run: restoring it once every node is back"
  wait_until "every node to join" all_joined "$TOTAL_PODS" || log "$why: restoring it now"
  api PUT /_cluster/settings "$ALLOCATION_RESET_ALL" >/dev/null || fail "$why"
}

# split KIND/STATEFULSET/POD/STRATEGY into kind, sts, pod and strategy.
split() {
  kind=${1%%/*}
  rest=${1#*/}
  sts=${rest%%/*}
  rest=${rest#*/}
  pod=${rest%%/*}
  strategy=${rest#*/}
}

# restart KIND/STATEFULSET/POD/STRATEGY: restarts the pod when it is stale,
# and waits until the cluster has recovered. A RollingUpdate StatefulSet
# replaces its stale pods itself: the runbook waits for it.
restart() {
  split "$1"
  if ! stale "$sts" "$pod"; then
    log "$pod: up to date"
    return 0
  fi
  wait_for "the cluster to be healthy before $pod restarts" healthy
  if [ "$strategy" = RollingUpdate ]; then
    log "$pod: StatefulSet $sts replaces it (RollingUpdate)"
    wait_for "StatefulSet $sts to replace $pod" current "$sts" "$pod"
  else
    if [ "$kind" = data ]; then
      log "$pod: allocation limited to primaries, flushing"
      limit_allocation
      flush
    fi
    log "$pod: evicting"
    wait_for "the budget to let $pod go" evicted "$pod"
    wait_for "$pod to come back on the new template" current "$sts" "$pod"
  fi
  wait_for "$pod to join the cluster" joined "$pod"
  if [ -n "$LIMITED" ]; then
    log "$pod: joined; allocation restored"
    reset_allocation
  fi
  log "$pod: waiting for the cluster to recover"
  ready "$pod" || fail "$pod is not ready after ${TIMEOUT}s: its startup probe waits for the cluster to recover (kubectl describe pod $pod)"
  wait_for "the cluster to recover after $pod" healthy
  RESTARTED=$((RESTARTED + 1))
  log "$pod: done"
}

# restart_rack RACK POD...: restarts the rack's stale pods together, once
# every master and data pod is up.
restart_rack() {
  rack=$1
  shift
  deleting=
  pods=
  data=
  for entry in "$@"; do
    split "$entry"
    if stale "$sts" "$pod"; then
      deleting="$deleting $entry"
      if [ "$strategy" != RollingUpdate ]; then
        pods="$pods $pod"
        [ "$kind" != data ] || data=yes
      fi
    fi
  done
  if [ -z "$deleting" ]; then
    log "rack $rack: up to date"
    return 0
  fi
  wait_for "the cluster to be healthy before rack $rack restarts" healthy
  wait_for "every master and data pod to be up before rack $rack restarts" budget_allows
  if [ -n "$data" ]; then
    log "rack $rack: allocation limited to primaries, flushing"
    limit_allocation
    flush
  fi
  if [ -n "$pods" ]; then
    log "rack $rack: deleting$pods"
    # shellcheck disable=SC2086 # pod names are single words
    kc delete pod $pods --wait=true --timeout="${TIMEOUT}s" >/dev/null
  fi
  # shellcheck disable=SC2086 # entries are single words
  set -- $deleting
  for entry in "$@"; do
    split "$entry"
    wait_for "$pod to come back on the new template" current "$sts" "$pod"
  done
  for entry in "$@"; do
    split "$entry"
    wait_for "$pod to join the cluster" joined "$pod"
  done
  if [ -n "$LIMITED" ]; then
    log "rack $rack: joined; allocation restored"
    reset_allocation
  fi
  for entry in "$@"; do
    split "$entry"
    ready "$pod" || fail "$pod is not ready after ${TIMEOUT}s (kubectl describe pod $pod)"
    RESTARTED=$((RESTARTED + 1))
  done
  wait_for "the cluster to recover after rack $rack" healthy
  log "rack $rack: done"
}

# elected_master: the node name of the elected master.
elected_master() {
  master=$(api GET '/_cat/master?h=node') || return 1
  printf '%s\n' "$master" | tr -d ' \r\n'
}

# restart_masters POD...: one at a time, the elected master last (a new
# election each time it restarts is what to avoid).
restart_masters() {
  elected=$(elected_master) || elected=
  last=
  for entry in "$@"; do
    split "$entry"
    if [ "$pod" = "$elected" ]; then
      last=$entry
      continue
    fi
    restart "$entry"
  done
  if [ -n "$last" ]; then
    restart "$last"
  fi
}

# primaries_assigned: yellow or green, every primary is assigned.
primaries_assigned() {
  health=$(api GET /_cluster/health) || return 1
  case "$health" in *'"status":"green"'* | *'"status":"yellow"'*) return 0 ;; esac
  why="the cluster is red"
  return 1
}

# ml_upgrade_mode true|false: machine learning jobs pause while nodes are
# down; skipped where the cluster has no machine learning.
ml_upgrade_mode() {
  [ "$ML_UPGRADE_MODE" = yes ] || return 0
  if api GET /_ml/info >/dev/null; then
    api POST "/_ml/set_upgrade_mode?enabled=$1" >/dev/null || log "could not set machine learning upgrade mode to $1: going on"
  fi
}

# full_restart POD...: Elastic's full cluster restart of the stale pods.
full_restart() {
  pods=
  for entry in "$@"; do
    split "$entry"
    if stale "$sts" "$pod" && [ "$strategy" != RollingUpdate ]; then
      pods="$pods $pod"
    fi
  done
  if [ -z "$pods" ]; then
    log "no pod runs an older template"
    return 0
  fi
  log "allocation limited to primaries, flushing"
  limit_allocation
  flush
  ml_upgrade_mode true
  log "stopping every stale pod at once:$pods"
  # shellcheck disable=SC2086 # pod names are single words
  kc delete pod $pods --wait=true --timeout="${TIMEOUT}s" >/dev/null
  for entry in "$@"; do
    split "$entry"
    wait_for "$pod to come back on the new template" current "$sts" "$pod"
  done
  wait_for "every node to join the cluster" all_joined "$TOTAL_PODS"
  wait_for "every primary to be assigned" primaries_assigned
  log "every node has joined: allocation restored"
  reset_allocation
  # shellcheck disable=SC2086
  set -- $pods
  RESTARTED=$#
}

# finish_rollout: whatever this run restarted, and whatever an interrupted
# run left behind, the cluster ends recovered, every pod ready.
finish_rollout() {
  for pod in $ALL_PODS; do
    ready "$pod" || fail "$pod is not ready after ${TIMEOUT}s (kubectl describe pod $pod)"
  done
  wait_for "the cluster to recover" healthy
  ml_upgrade_mode false
  if [ "$RESTARTED" -eq 0 ]; then
    log "nothing to restart: every pod runs its StatefulSet's newest template"
  else
    log "done: $RESTARTED pod(s) restarted"
  fi
}
`
