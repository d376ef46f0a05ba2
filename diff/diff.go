// Package diff tells what applying a new render over an old one does to a
// running cluster, before kubectl apply does it: which objects are added,
// removed or changed (field by field), and findings that say what is
// unsafe or disruptive, which spec field causes it and what to do
// instead. esgen cannot ask the cluster, so the findings follow from the
// two renders and from Elasticsearch's and Kubernetes' rules.
//
// The rules, by the name a Finding carries:
//
//   - cluster-replaced: a new cluster name or namespace makes every object new.
//   - nodeset-removed, rack-removed: StatefulSets go, and their volumes' data
//     with them.
//   - immutable-field: Kubernetes refuses to change most of a StatefulSet's spec.
//   - storage-decrease, storage-increase: claims never shrink, and grow only
//     where their StorageClass allows it.
//   - data-volume-replaced: a master or data node's data moves to other
//     storage (between a claim, a host directory and an emptyDir), so each
//     pod restarts on an empty directory.
//   - data-scale-down, data-scale-down-multiple, data-role-removed,
//     replicas-unassigned: data nodes leave, or too few stay for the replicas.
//   - content-tier-lost: the last data or data_content nodes leave while
//     other data tiers stay (7.10+), and the indices outside data streams
//     have nowhere to go.
//   - master-scale-down, master-scale-down-multiple, master-quorum-lost,
//     master-even, single-node: master-eligible nodes and the quorum.
//   - minimum-master-nodes, initial-master-nodes: the formation settings of
//     zen discovery (before 7.0) and of a new cluster (7.0 on).
//   - version-downgrade, upgrade-path, upgrade-full-restart, major-upgrade,
//     initial-master-nodes-upgrade: versions follow Elastic's upgrade paths,
//     one major at a time from the required minor, by a rolling upgrade or
//     a full cluster restart, and a cluster upgraded across 7.0 must not
//     bootstrap.
//   - full-restart-security: nodes with and without security or transport
//     TLS cannot talk to each other, so turning either on or off is a full
//     cluster restart.
//   - transport-certificates: the transport certificate comes from another
//     Secret, which nodes on either side trust only if their CAs do.
//   - restart-pending, rolling-restart: a pod template changes. Under
//     OnDelete (production master and data nodes) kubectl apply restarts
//     nothing and esgen rollout restarts the pods one at a time, in
//     Elastic's order, waiting for the cluster to recover between them;
//     under RollingUpdate every changed StatefulSet replaces its pods on
//     apply, all StatefulSets at once.
//   - data-lost-on-restart: a master or data pod on emptyDir restarts on an
//     empty data directory (accepted for a spec.disposable cluster).
//   - update-strategy: a StatefulSet switches between OnDelete and
//     RollingUpdate.
//   - budget-removed: PodDisruptionBudgets the new render lacks stay behind,
//     and a pod under two budgets cannot be evicted.
//   - config-only, health-target, metadata-only: what changes without
//     restarting a pod.
//
// Either side may be a spec (SpecSide) or rendered manifests
// (ManifestSide, e.g. what is committed in git, read with
// ParseManifests). The facts the findings need (versions, node counts,
// roles, racks, storage, update strategies) come from the spec when there
// is one and from the objects' labels, replicas, strategies and ConfigMaps
// otherwise, so both give the same findings; only the field that names
// the cause differs: a spec path (spec.nodeSets[1].count) for a spec, an
// object and its field (StatefulSet/logs-es-data spec.replicas) for
// manifests.
package diff

import (
	"cmp"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/runtime"

	"github.com/esgen/esgen/esspec"
	"github.com/esgen/esgen/render"
)

// Severity says how much a finding matters.
type Severity string

// Severities, from the most serious.
const (
	// Unsafe: applying as is, and restarting the pods the usual way (one
	// at a time), loses data or the master quorum, splits the cluster, or
	// Kubernetes refuses it; the finding says what to do instead. esgen
	// diff exits 1.
	Unsafe Severity = "unsafe"
	// Disruptive: pods restart (on apply, or when esgen rollout restarts
	// them) or shards move, or a manual step comes first; safe when done
	// as the finding says.
	Disruptive Severity = "disruptive"
	// Info: worth knowing, nothing to do.
	Info Severity = "info"
)

// Severities lists every severity, the most serious first.
var Severities = []Severity{Unsafe, Disruptive, Info}

func (s Severity) rank() int {
	switch s {
	case Unsafe:
		return 2
	case Disruptive:
		return 1
	}
	return 0
}

// AtLeast reports whether s is as serious as o or more.
func (s Severity) AtLeast(o Severity) bool { return s.rank() >= o.rank() }

// ParseSeverity parses unsafe, disruptive or info.
func ParseSeverity(s string) (Severity, error) {
	for _, sev := range Severities {
		if string(sev) == s {
			return sev, nil
		}
	}
	return "", fmt.Errorf("unknown severity %q: want unsafe, disruptive or info", s)
}

// Finding is one consequence of the change.
type Finding struct {
	// Severity of the finding.
	Severity Severity `json:"severity"`
	// Rule names the check that made the finding, e.g. data-scale-down;
	// the package documentation lists them.
	Rule string `json:"rule"`
	// Field names what causes it: spec field paths
	// (spec.nodeSets[1].count), or for rendered input objects and
	// their fields (StatefulSet/logs-es-data spec.replicas), comma separated.
	Field string `json:"field"`
	// Line is the line of the first spec field in the new spec, 0 when
	// unknown (rendered input, or a spec not loaded from a file).
	Line int `json:"line,omitempty"`
	// Objects lists the objects concerned, as Kind/name.
	Objects []string `json:"objects,omitempty"`
	// Summary says what happens when the change is applied.
	Summary string `json:"summary"`
	// Action says what to do instead, or first.
	Action string `json:"action"`
}

// Change is one object added, removed or changed.
type Change struct {
	// Action is added, removed or changed.
	Action string `json:"action"`
	// Kind, Namespace and Name identify the object.
	Kind      string `json:"kind"`
	Namespace string `json:"namespace,omitempty"`
	Name      string `json:"name"`
	// Fields lists what differs in a changed object, in path order.
	Fields []FieldChange `json:"fields,omitempty"`
}

// Change actions.
const (
	Added   = "added"
	Removed = "removed"
	Changed = "changed"
)

// Report is the result of a comparison.
type Report struct {
	// Changes lists the objects that differ, ConfigMaps, Services,
	// PodDisruptionBudgets, StatefulSets, then other kinds, each by name.
	Changes []Change `json:"changes"`
	// Findings lists the consequences, unsafe first.
	Findings []Finding `json:"findings"`
}

// Count returns the number of findings of severity s.
func (r *Report) Count(s Severity) int {
	n := 0
	for _, f := range r.Findings {
		if f.Severity == s {
			n++
		}
	}
	return n
}

// CountAtLeast returns the number of findings of severity s or more serious.
func (r *Report) CountAtLeast(s Severity) int {
	n := 0
	for _, f := range r.Findings {
		if f.Severity.AtLeast(s) {
			n++
		}
	}
	return n
}

// Options tune a comparison.
type Options struct {
	// Replicas is the largest index.number_of_replicas among the
	// cluster's indices, which esgen cannot ask the cluster for; nil when
	// unknown. With it, a change that leaves fewer data nodes than
	// Replicas+1 (per data tier) is a finding.
	Replicas *int
}

// Side is one side of a comparison: a defaulted spec and its render, or
// rendered manifests alone. Make one with SpecSide or ManifestSide.
type Side struct {
	model *model
}

// SpecSide renders a defaulted spec (see esspec.SetDefaults) for
// comparison; an invalid spec returns render's *esspec.InvalidError.
func SpecSide(c *esspec.Cluster) (Side, error) {
	r, err := esspec.Resolve(c)
	if err != nil {
		return Side{}, err
	}
	objs, err := render.RenderResolved(r)
	if err != nil {
		return Side{}, err
	}
	return Side{model: specModel(r, objs)}, nil
}

// ManifestSide takes rendered objects, such as ParseManifests returns,
// for comparison. They must belong to one cluster.
func ManifestSide(objs render.Objects) (Side, error) {
	m, err := objectModel(objs)
	if err != nil {
		return Side{}, err
	}
	return Side{model: m}, nil
}

// Specs compares the renders of two defaulted specs.
func Specs(old, new *esspec.Cluster, opts Options) (*Report, error) {
	o, err := SpecSide(old)
	if err != nil {
		return nil, fmt.Errorf("old spec: %w", err)
	}
	n, err := SpecSide(new)
	if err != nil {
		return nil, fmt.Errorf("new spec: %w", err)
	}
	return Compare(o, n, opts), nil
}

// Compare says what applying the new side over the old one does: the
// object changes and the findings, unsafe first. It reads both sides and
// never changes them.
func Compare(old, new Side, opts Options) *Report {
	c := &comparison{old: old.model, new: new.model, opts: opts}
	if c.old == nil {
		c.old = &model{}
	}
	if c.new == nil {
		c.new = &model{}
	}
	c.changes, c.fields = objectChanges(c.old.objects, c.new.objects)
	if c.old.spec != nil && c.new.spec != nil {
		c.specPaths = specChanges(c.old.spec, c.new.spec)
	}
	findings := c.findings()
	slices.SortStableFunc(findings, func(a, b Finding) int { return b.Severity.rank() - a.Severity.rank() })
	for i := range findings {
		f := &findings[i]
		// A spec path has no space; an object's field has one.
		if first, _, _ := strings.Cut(f.Field, ", "); c.new.spec != nil && first != "" && !strings.Contains(first, " ") {
			f.Line = c.new.spec.LineOf(first)
		}
	}
	if findings == nil {
		findings = []Finding{}
	}
	changes := c.changes
	if changes == nil {
		changes = []Change{}
	}
	return &Report{Changes: changes, Findings: findings}
}

// objectKey identifies an object: kind, namespace and name.
func objectKey(o render.Object) string {
	return kindOf(o) + "/" + o.GetNamespace() + "/" + o.GetName()
}

func kindOf(o render.Object) string {
	if k := o.GetObjectKind().GroupVersionKind().Kind; k != "" {
		return k
	}
	return reflect.TypeOf(o).Elem().Name()
}

// kindRank orders kinds as render emits them.
func kindRank(kind string) int {
	if i := slices.Index([]string{"ConfigMap", "Service", "PodDisruptionBudget", "StatefulSet"}, kind); i >= 0 {
		return i
	}
	return 4
}

// objectChanges compares two sets of objects by kind, namespace and name,
// and returns the changes in output order and the field changes of each
// changed object by key.
func objectChanges(old, new render.Objects) ([]Change, map[string][]FieldChange) {
	oldByKey := map[string]render.Object{}
	for _, o := range old {
		oldByKey[objectKey(o)] = o
	}
	newKeys := map[string]bool{}
	fields := map[string][]FieldChange{}
	var changes []Change
	for _, n := range new {
		key := objectKey(n)
		newKeys[key] = true
		ch := Change{Kind: kindOf(n), Namespace: n.GetNamespace(), Name: n.GetName()}
		o, ok := oldByKey[key]
		if !ok {
			ch.Action = Added
			changes = append(changes, ch)
			continue
		}
		fcs := compareObjects(o, n)
		if len(fcs) == 0 {
			continue
		}
		ch.Action, ch.Fields = Changed, fcs
		fields[key] = fcs
		changes = append(changes, ch)
	}
	for _, o := range old {
		if !newKeys[objectKey(o)] {
			changes = append(changes, Change{Action: Removed, Kind: kindOf(o), Namespace: o.GetNamespace(), Name: o.GetName()})
		}
	}
	slices.SortFunc(changes, func(a, b Change) int {
		return cmp.Or(cmp.Compare(kindRank(a.Kind), kindRank(b.Kind)), strings.Compare(a.Kind, b.Kind),
			strings.Compare(a.Namespace, b.Namespace), strings.Compare(a.Name, b.Name))
	})
	return changes, fields
}

// compareObjects returns the fields that differ between two versions of
// an object; objects of different Go types (one typed, one unstructured)
// are compared in their JSON form.
func compareObjects(old, new render.Object) []FieldChange {
	if reflect.TypeOf(old) == reflect.TypeOf(new) {
		return public(fieldChanges(old, new))
	}
	o, errO := runtime.DefaultUnstructuredConverter.ToUnstructured(old)
	n, errN := runtime.DefaultUnstructuredConverter.ToUnstructured(new)
	if errO != nil || errN != nil {
		return []FieldChange{{Path: "(object)"}}
	}
	return public(fieldChanges(pruneNil(o), pruneNil(n)))
}

// pruneNil drops null values, which typed objects carry for unset fields
// and parsed manifests leave out.
func pruneNil(m map[string]any) map[string]any {
	for k, v := range m {
		switch v := v.(type) {
		case nil:
			delete(m, k)
		case map[string]any:
			pruneNil(v)
		}
	}
	return m
}
