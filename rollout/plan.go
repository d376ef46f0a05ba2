// Package rollout plans the restart of a cluster's pods whose template is
// out of date, and writes the plan as a POSIX sh runbook that carries it
// out with kubectl only.
//
// In production, master and data StatefulSets use OnDelete: kubectl apply
// changes their templates and restarts nothing. The runbook restarts, one
// at a time, every pod whose controller-revision-hash differs from its
// StatefulSet's updateRevision (under OnDelete .status.currentRevision
// never advances, and kubectl rollout status refuses the StatefulSet), in
// Elastic's order: data nodes tier by tier (frozen, cold, warm, then hot,
// content and untiered), then the other nodes that are not
// master-eligible, then the master-eligible nodes, the elected master
// last. Before each data pod it limits shard allocation to primaries and
// flushes; it deletes the pod, waits until the new one has joined,
// re-enables allocation and waits for the cluster to recover, as Elastic's
// rolling restart and upgrade procedures do per node. It is idempotent
// (a pod on its StatefulSet's newest template is left alone), so a second
// run does nothing and an interrupted run resumes; it stops with a
// message and a non-zero status when the cluster does not recover in
// time, and reads credentials inside the pods, printing none.
//
// esgen never talks to a cluster: the plan is made from the spec alone,
// and only what cannot be known beforehand (which pods are stale, which
// master is elected, the cluster's health) is read by the runbook.
package rollout

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	appsv1 "k8s.io/api/apps/v1"

	"github.com/esgen/esgen/esspec"
	"github.com/esgen/esgen/render"
	"github.com/esgen/esgen/topology"
)

// Mode says how pods are restarted.
type Mode string

// Modes.
const (
	// Rolling restarts one pod at a time.
	Rolling Mode = "rolling"
	// ByRack restarts the stale pods of one rack at a time (master-eligible
	// pods still one at a time): forced rack awareness keeps every shard
	// with a copy outside any one rack.
	ByRack Mode = "by-rack"
	// FullRestart stops every stale pod at once and starts the cluster
	// again, for changes that nodes of both sides cannot run together
	// (transport TLS on or off, some major upgrades).
	FullRestart Mode = "full-restart"
)

// DefaultTimeout bounds each wait of the runbook: for a pod to come back,
// to join, to be ready, for the cluster to recover.
const DefaultTimeout = 30 * time.Minute

// Options tune a plan.
type Options struct {
	// Mode is Rolling (the default), ByRack or FullRestart.
	Mode Mode
	// Timeout bounds each wait; DefaultTimeout when zero.
	Timeout time.Duration
}

// Phases of a plan, in the order the runbook restarts them.
const (
	PhaseData    = "data"
	PhaseOther   = "other"
	PhaseMasters = "masters"
	PhaseAll     = "all"
)

// Kinds of pod, which decide what a restart does around the deletion.
const (
	// KindData holds shards: allocation is limited and indices flushed
	// before it stops, and allocation restored once it has joined.
	KindData = "data"
	// KindMaster is master-eligible and holds no shards.
	KindMaster = "master"
	// KindOther holds no shards and is not master-eligible.
	KindOther = "other"
)

// Plan is the ordered restart of a cluster's pods, as data. The runbook
// (Script) carries it out; JSON writes it for tools.
type Plan struct {
	// Cluster and Namespace name the cluster; Namespace is empty when the
	// spec leaves it to kubectl's context.
	Cluster   string `json:"cluster"`
	Namespace string `json:"namespace,omitempty"`
	// Version is the Elasticsearch version the spec runs.
	Version string `json:"version"`
	// Mode is rolling, by-rack or full-restart.
	Mode Mode `json:"mode"`
	// TimeoutSeconds bounds each wait of the runbook.
	TimeoutSeconds int `json:"timeoutSeconds"`
	// HealthTarget is the health the layout can reach: green, or yellow
	// where a tier has nowhere to put replicas (topology.HealthTarget).
	HealthTarget topology.Health `json:"healthTarget"`
	// PodSelector selects the cluster's Elasticsearch pods (kubectl -l).
	PodSelector string `json:"podSelector"`
	// Allocation is how the runbook limits shard allocation while a data
	// node restarts, and restores it.
	Allocation Allocation `json:"allocation"`
	// Flush is the request that flushes every index before data nodes stop.
	Flush Request `json:"flush"`
	// MLUpgradeMode is true when a full restart sets the machine learning
	// upgrade mode (6.7 and later) while the nodes are down.
	MLUpgradeMode bool `json:"mlUpgradeMode"`
	// StatefulSets are the cluster's StatefulSets as the spec renders
	// them; the runbook first checks that the cluster runs these.
	StatefulSets []StatefulSet `json:"statefulSets"`
	// Steps are the restarts, in order. Master-eligible pods come last,
	// one a step; the runbook moves the elected master to the end.
	Steps []Step `json:"steps"`
	// Warnings say what the restarts cost beyond the wait, such as data on
	// emptyDir volumes.
	Warnings []string `json:"warnings,omitempty"`
}

// Request is an Elasticsearch REST request.
type Request struct {
	Method string `json:"method"`
	Path   string `json:"path"`
	Body   string `json:"body,omitempty"`
}

func (r Request) String() string {
	s := r.Method + " " + r.Path
	if r.Body != "" {
		s += " " + r.Body
	}
	return s
}

// Allocation limits and restores cluster.routing.allocation.enable.
type Allocation struct {
	// Limit keeps replicas from being allocated while a node is down, so
	// that its shards are not copied elsewhere; restarted nodes still
	// recover their local primaries.
	Limit Request `json:"limit"`
	// Reset restores the setting's default.
	Reset Request `json:"reset"`
	// ResetAll restores it in both the persistent and the transient
	// settings, where an interrupted run or an older procedure (transient
	// settings, which win over persistent ones) left it.
	ResetAll Request `json:"resetAll"`
}

// StatefulSet is one of the cluster's StatefulSets, as rendered.
type StatefulSet struct {
	Name     string `json:"name"`
	Replicas int32  `json:"replicas"`
	// UpdateStrategy is OnDelete (the runbook deletes stale pods) or
	// RollingUpdate (the StatefulSet replaces them; the runbook waits).
	UpdateStrategy appsv1.StatefulSetUpdateStrategyType `json:"updateStrategy"`
	// ConfigHash is the esgen.dev/config-hash of its pod template.
	ConfigHash string `json:"configHash"`
}

// Step restarts pods together: one pod, the stale pods of a rack, or all
// of them.
type Step struct {
	Phase string `json:"phase"`
	// Tier names the hottest data tier of a data step's pods (frozen,
	// cold, warm, hot, content); empty for untiered data nodes.
	Tier string `json:"tier,omitempty"`
	// Rack names the rack of a by-rack step.
	Rack string `json:"rack,omitempty"`
	Pods []Pod  `json:"pods"`
}

// Pod is a pod to restart when stale.
type Pod struct {
	Name        string `json:"name"`
	StatefulSet string `json:"statefulSet"`
	Kind        string `json:"kind"`
}

// New plans the restart of a defaulted spec's stale pods. The spec must
// be valid: an invalid one returns render's *esspec.InvalidError. ByRack
// needs spec.topology.racks.
func New(spec *esspec.Cluster, opts Options) (*Plan, error) {
	c, err := esspec.Resolve(spec)
	if err != nil {
		return nil, err
	}
	objs, err := render.RenderResolved(c)
	if err != nil {
		return nil, err
	}
	mode := cmp.Or(opts.Mode, Rolling)
	switch mode {
	case Rolling, FullRestart:
	case ByRack:
		if len(c.Spec.Topology.Racks) == 0 {
			return nil, fmt.Errorf("--by-rack restarts one rack at a time, and spec.topology.racks lists none: restart one pod at a time instead")
		}
	default:
		return nil, fmt.Errorf("unknown rollout mode %q", mode)
	}
	timeout := cmp.Or(opts.Timeout, DefaultTimeout)
	if timeout < time.Second {
		return nil, fmt.Errorf("timeout %s: want at least 1s", timeout)
	}
	v := c.Version
	health, _ := topology.HealthTarget(topology.Plan(c))
	p := &Plan{
		Cluster:        c.Metadata.Name,
		Namespace:      c.Metadata.Namespace,
		Version:        v.String(),
		Mode:           mode,
		TimeoutSeconds: int(timeout.Round(time.Second) / time.Second),
		HealthTarget:   health,
		PodSelector:    esspec.LabelCluster + "=" + c.Metadata.Name + "," + esspec.LabelNodeSet,
		Allocation:     allocation(v),
		Flush:          flush(v),
		MLUpgradeMode:  mode == FullRestart && v.XPack() && v.AtLeast(6, 7, 0),
	}
	var pods []planPod
	for _, o := range objs {
		sts, ok := o.(*appsv1.StatefulSet)
		if !ok {
			continue
		}
		replicas := int32(1)
		if sts.Spec.Replicas != nil {
			replicas = *sts.Spec.Replicas
		}
		p.StatefulSets = append(p.StatefulSets, StatefulSet{
			Name:           sts.Name,
			Replicas:       replicas,
			UpdateStrategy: sts.Spec.UpdateStrategy.Type,
			ConfigHash:     sts.Spec.Template.Annotations[render.ConfigHashAnnotation],
		})
		for i := replicas - 1; i >= 0; i-- {
			pods = append(pods, newPlanPod(sts, i))
		}
		if w := emptyDirWarning(sts, replicas); w != "" {
			p.Warnings = append(p.Warnings, w)
		}
	}
	p.Steps = steps(pods, mode, c.Spec.Topology.Racks)
	return p, nil
}

// emptyDirWarning: a master or data pod on emptyDir restarts on an empty
// data directory; the runbook waits for its shards to be copied back from
// their replicas, which an index without replicas does not have.
func emptyDirWarning(sts *appsv1.StatefulSet, replicas int32) string {
	labels := sts.Spec.Template.Labels
	if replicas == 0 || labels[esspec.LabelStateful] != "true" {
		return ""
	}
	for _, v := range sts.Spec.Template.Spec.Volumes {
		if v.Name == render.DataVolume && v.EmptyDir != nil {
			return fmt.Sprintf("StatefulSet %s keeps its data on emptyDir: each of its pods restarts empty, and the runbook waits while its shards are copied back from their replicas; the data of an index without replicas is lost", sts.Name)
		}
	}
	return ""
}

// allocation: persistent, so that it survives a master change (transient
// settings can clear unexpectedly, and are deprecated from 7.16), and
// primaries, which Elastic's procedures use from 6.7 and every version
// understands: new indices and rollovers still get their primaries.
// Before 5.0 a null does not reset a setting (it is ignored), so 2.x
// gets its default, all, back explicitly.
func allocation(v esspec.Version) Allocation {
	const key = `"cluster.routing.allocation.enable"`
	def := "null"
	if v.Major < 5 {
		def = `"all"`
	}
	return Allocation{
		Limit:    Request{Method: "PUT", Path: "/_cluster/settings", Body: `{"persistent":{` + key + `:"primaries"}}`},
		Reset:    Request{Method: "PUT", Path: "/_cluster/settings", Body: `{"persistent":{` + key + `:` + def + `}}`},
		ResetAll: Request{Method: "PUT", Path: "/_cluster/settings", Body: `{"persistent":{` + key + `:` + def + `},"transient":{` + key + `:` + def + `}}`},
	}
}

// flush: a synced flush lets a restarted node skip copying unchanged
// shards before 7.6 (from 7.6 a plain flush does the same, and 8.0
// removed the synced one). Chosen by the target version, as ECK does: a
// rolling upgrade to 7.x still runs older nodes that need the synced
// one, and 7.x accepts it; to 8.x, the plain one. Both are best effort.
func flush(v esspec.Version) Request {
	if v.Major >= 8 {
		return Request{Method: "POST", Path: "/_flush"}
	}
	return Request{Method: "POST", Path: "/_flush/synced"}
}

// planPod is a pod with what orders it.
type planPod struct {
	Pod
	phase    string
	tier     int    // data tiers: frozen 0, cold 1, warm 2, hot, content and untiered 3
	tierName string // its hottest tier; empty for an untiered data node
	rack     string
}

func newPlanPod(sts *appsv1.StatefulSet, ordinal int32) planPod {
	labels := sts.Spec.Template.Labels
	has := func(r esspec.Role) bool { return labels[esspec.LabelRolePrefix+string(r)] == "true" }
	var roles []esspec.Role
	for _, r := range esspec.AllRoles {
		if has(r) {
			roles = append(roles, r)
		}
	}
	p := planPod{
		Pod:  Pod{Name: sts.Name + "-" + strconv.Itoa(int(ordinal)), StatefulSet: sts.Name, Kind: KindOther},
		rack: labels[esspec.LabelRack],
	}
	data := esspec.RolesHoldData(roles)
	switch {
	case has(esspec.RoleMaster):
		p.phase = PhaseMasters
		p.Kind = KindMaster
		if data {
			p.Kind = KindData
		}
	case data:
		p.phase, p.Kind = PhaseData, KindData
	default:
		p.phase = PhaseOther
	}
	// A node's place among the tiers is its hottest tier: it must go
	// after every colder tier, so that ILM can move data down to nodes
	// of the new version.
	p.tier = 3
	switch {
	case has(esspec.RoleDataHot):
		p.tierName = "hot"
	case has(esspec.RoleDataContent):
		p.tierName = "content"
	case has(esspec.RoleData):
	case has(esspec.RoleDataWarm):
		p.tier, p.tierName = 2, "warm"
	case has(esspec.RoleDataCold):
		p.tier, p.tierName = 1, "cold"
	case has(esspec.RoleDataFrozen):
		p.tier, p.tierName = 0, "frozen"
	}
	return p
}

var phaseOrder = []string{PhaseData, PhaseOther, PhaseMasters}

// steps orders the pods: by phase, data tiers coldest first, then by
// StatefulSet name, highest ordinal first (as ECK does, and as a
// StatefulSet would). By rack, the data and other pods of each rack form
// one step, racks in the spec's order; masters stay one a step. A full
// restart is one step.
func steps(pods []planPod, mode Mode, racks []string) []Step {
	slices.SortStableFunc(pods, func(a, b planPod) int {
		return cmp.Or(
			cmp.Compare(slices.Index(phaseOrder, a.phase), slices.Index(phaseOrder, b.phase)),
			cmp.Compare(a.tier*boolInt(a.phase == PhaseData), b.tier*boolInt(b.phase == PhaseData)),
			strings.Compare(a.StatefulSet, b.StatefulSet),
		)
	})
	var out []Step
	switch mode {
	case FullRestart:
		step := Step{Phase: PhaseAll}
		for _, p := range pods {
			step.Pods = append(step.Pods, p.Pod)
		}
		if len(step.Pods) > 0 {
			out = append(out, step)
		}
		return out
	case ByRack:
		for _, rack := range racks {
			step := Step{Phase: PhaseData + "+" + PhaseOther, Rack: rack}
			for _, p := range pods {
				if p.phase != PhaseMasters && p.rack == rack {
					step.Pods = append(step.Pods, p.Pod)
				}
			}
			if len(step.Pods) > 0 {
				out = append(out, step)
			}
		}
	}
	for _, p := range pods {
		if mode == ByRack && p.phase != PhaseMasters {
			continue
		}
		step := Step{Phase: p.phase, Pods: []Pod{p.Pod}}
		if p.phase == PhaseData {
			step.Tier = p.tierName
		}
		out = append(out, step)
	}
	return out
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// JSON writes the plan, indented, with a final newline.
func (p *Plan) JSON() ([]byte, error) {
	out, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(out, '\n'), nil
}
