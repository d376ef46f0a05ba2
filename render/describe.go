package render

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/utils/ptr"

	"github.com/esgen/esgen/esspec"
	"github.com/esgen/esgen/topology"
)

// Describe writes a plain-text summary of what Render makes of a spec: the
// placement groups, the pods per rack and role, and the Services, so that
// a person can check a layout without reading YAML. The spec must be
// defaulted; an invalid spec returns an *esspec.InvalidError.
func Describe(w io.Writer, spec *esspec.Cluster) error {
	c, err := esspec.Resolve(spec)
	if err != nil {
		return err
	}
	objs, err := RenderResolved(c)
	if err != nil {
		return err
	}
	var sets []*appsv1.StatefulSet
	var deployments []*appsv1.Deployment
	var services []*corev1.Service
	var budgets []*policyv1.PodDisruptionBudget
	for _, o := range objs {
		switch o := o.(type) {
		case *appsv1.StatefulSet:
			sets = append(sets, o)
		case *appsv1.Deployment:
			deployments = append(deployments, o)
		case *corev1.Service:
			services = append(services, o)
		case *policyv1.PodDisruptionBudget:
			budgets = append(budgets, o)
		}
	}
	d := describer{c: c, sets: sets, deployments: deployments}
	var b strings.Builder
	d.header(&b)
	d.groups(&b)
	d.matrix(&b)
	d.services(&b, services)
	d.disruptions(&b, budgets)
	d.monitoring(&b)
	_, err = io.WriteString(w, b.String())
	return err
}

type describer struct {
	c           *esspec.Resolved
	sets        []*appsv1.StatefulSet
	deployments []*appsv1.Deployment
}

func (d *describer) header(b *strings.Builder) {
	c := d.c
	fmt.Fprintf(b, "Cluster %s", c.Metadata.Name)
	if c.Metadata.Namespace != "" {
		fmt.Fprintf(b, " in namespace %s", c.Metadata.Namespace)
	}
	fmt.Fprintf(b, ": Elasticsearch %s, profile %s, Pod Security %s\n", c.Spec.Version, c.Spec.Profile, c.Spec.PodSecurity)
	t := c.Spec.Topology
	switch {
	case len(t.Racks) > 0:
		fmt.Fprintf(b, "Racks %s (node label %s): one StatefulSet per nodeSet and rack; host anti-affinity %s\n",
			strings.Join(t.Racks, ", "), t.RackLabel, t.HostAntiAffinity)
	case t.RackLabel != "" && t.RackCount > 0:
		fmt.Fprintf(b, "No racks listed (%d racks by rackCount): rack anti-affinity %s on %s; host anti-affinity %s\n", t.RackCount, t.RackAntiAffinity, t.RackLabel, t.HostAntiAffinity)
	case t.RackLabel != "":
		fmt.Fprintf(b, "No racks listed: rack anti-affinity %s on %s; host anti-affinity %s\n", t.RackAntiAffinity, t.RackLabel, t.HostAntiAffinity)
	default:
		fmt.Fprintf(b, "No racks: host anti-affinity %s\n", t.HostAntiAffinity)
	}
	d.awareness(b)
}

// awareness says whether shard allocation keeps a shard's copies apart,
// and over what: racks (or zones named as racks) with forced awareness;
// zones spread by Kubernetes alone, which Elasticsearch does not know.
func (d *describer) awareness(b *strings.Builder) {
	t := d.c.Spec.Topology
	domain := "rack"
	if t.RackLabel == topology.ZoneLabel {
		domain = "zone"
	}
	if len(t.Racks) > 0 {
		fmt.Fprintf(b, "Shard allocation awareness: attribute %s, forced over %s: a shard's primary and replicas never share a %s\n",
			topology.RackAttribute, strings.Join(t.Racks, ", "), domain)
	}
	if !t.ZoneSpread {
		return
	}
	fmt.Fprintf(b, "Zone spread: each StatefulSet's pods spread over %s, at most 1 apart", topology.ZoneLabel)
	if len(t.Racks) == 0 {
		b.WriteString("; no shard allocation awareness: a shard's primary and replica may share a zone (name the zones as racks to keep them apart)")
	}
	b.WriteString("\n")
}

func (d *describer) nodeSet(sts *appsv1.StatefulSet) *esspec.ResolvedNodeSet {
	name := sts.Spec.Template.Labels[esspec.LabelNodeSet]
	if ns := d.c.NodeSet(name); ns != nil {
		return ns
	}
	return &esspec.ResolvedNodeSet{NodeSet: &esspec.NodeSet{Name: name}}
}

// roleNames lists a nodeSet's roles, or "coordinating" for none.
func roleNames(ns *esspec.ResolvedNodeSet) []string {
	if ns.CoordinatingOnly() {
		return []string{"coordinating"}
	}
	return esspec.RoleNames(ns.Roles)
}

func (d *describer) groups(b *strings.Builder) {
	b.WriteString("\nPlacement groups\n")
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "STATEFULSET\tRACK\tREPLICAS\tROLES\tHEAP\tCPU\tMEMORY\tSTORAGE\tUPDATE")
	for _, sts := range d.sets {
		ns := d.nodeSet(sts)
		rack := sts.Spec.Template.Labels[esspec.LabelRack]
		limits := ns.Resources.ContainerLimits()
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\t%s\t%s\t%s\t%s\n", sts.Name, orDash(rack), *sts.Spec.Replicas,
			strings.Join(roleNames(ns), ","), orDash(ns.Heap), quantity(limits, corev1.ResourceCPU),
			quantity(limits, corev1.ResourceMemory), storage(ns.Storage), sts.Spec.UpdateStrategy.Type)
	}
	tw.Flush()
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func quantity(rl corev1.ResourceList, name corev1.ResourceName) string {
	if q, ok := rl[name]; ok {
		return q.String()
	}
	return "-"
}

func storage(st esspec.Storage) string {
	switch st.Kind() {
	case esspec.StorageHostPath:
		return "hostPath " + st.HostPath
	case esspec.StorageEmptyDir:
		return "emptyDir"
	case esspec.StorageClaim:
		if st.StorageClassName == "" {
			return st.Size.String() + " (default class)"
		}
		return st.Size.String() + " " + st.StorageClassName
	}
	return "-"
}

// matrix counts pods per role and rack; a pod with several roles counts
// once for each.
func (d *describer) matrix(b *strings.Builder) {
	racks := d.c.Spec.Topology.Racks
	columns := racks
	if len(columns) == 0 {
		columns = []string{"-"}
	}
	counts := map[string]map[string]int32{}
	totals := map[string]int32{}
	for _, sts := range d.sets {
		rack := orDash(sts.Spec.Template.Labels[esspec.LabelRack])
		n := *sts.Spec.Replicas
		totals[rack] += n
		for _, role := range roleNames(d.nodeSet(sts)) {
			if counts[role] == nil {
				counts[role] = map[string]int32{}
			}
			counts[role][rack] += n
		}
	}
	var rows []string
	for _, r := range append(esspec.RoleNames(esspec.AllRoles), "coordinating") {
		if counts[r] != nil {
			rows = append(rows, r)
		}
	}
	b.WriteString("\nPods per rack and role\n")
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "ROLE\t%s\tTOTAL\n", strings.Join(rackHeaders(columns), "\t"))
	line := func(name string, per map[string]int32) {
		var cells []string
		var sum int32
		for _, col := range columns {
			cells = append(cells, fmt.Sprint(per[col]))
			sum += per[col]
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\n", name, strings.Join(cells, "\t"), sum)
	}
	for _, r := range rows {
		line(r, counts[r])
	}
	line("all pods", totals)
	tw.Flush()
}

func rackHeaders(columns []string) []string {
	if len(columns) == 1 && columns[0] == "-" {
		return []string{"ANY RACK"}
	}
	return columns
}

func (d *describer) services(b *strings.Builder, services []*corev1.Service) {
	b.WriteString("\nServices\n")
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tTYPE\tPORTS\tSELECTS")
	for _, svc := range services {
		// The API server's default type.
		kind := cmp.Or(string(svc.Spec.Type), string(corev1.ServiceTypeClusterIP))
		if svc.Spec.ClusterIP == corev1.ClusterIPNone {
			kind = "headless"
		}
		var ports []string
		for _, p := range svc.Spec.Ports {
			ports = append(ports, fmt.Sprintf("%s/%d", p.Name, p.Port))
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", svc.Name, kind, strings.Join(ports, ","), d.selects(labels.SelectorFromSet(svc.Spec.Selector)))
	}
	tw.Flush()
}

// selects says which pods a Service selector matches: their count and
// nodeSets.
func (d *describer) selects(sel labels.Selector) string {
	var pods int32
	var withPods, matched []string
	for _, sts := range d.sets {
		if !sel.Matches(labels.Set(sts.Spec.Template.Labels)) {
			continue
		}
		ns := d.nodeSet(sts).Name
		pods += *sts.Spec.Replicas
		if !slices.Contains(matched, ns) {
			matched = append(matched, ns)
		}
		if *sts.Spec.Replicas > 0 && !slices.Contains(withPods, ns) {
			withPods = append(withPods, ns)
		}
	}
	switch {
	case len(matched) == 0:
		return d.deploymentPods(sel)
	case len(withPods) == 0:
		return "0 pods of " + strings.Join(matched, ", ")
	case pods == 1:
		return "1 pod of " + withPods[0]
	}
	return fmt.Sprintf("%d pods of %s", pods, strings.Join(withPods, ", "))
}

// deploymentPods says which pods of Kibana or the exporter a selector
// matches.
func (d *describer) deploymentPods(sel labels.Selector) string {
	var names []string
	var pods int32
	for _, dep := range d.deployments {
		if sel.Matches(labels.Set(dep.Spec.Template.Labels)) {
			names = append(names, dep.Name)
			pods += ptr.Deref(dep.Spec.Replicas, 1)
		}
	}
	switch {
	case len(names) == 0:
		return "no pods"
	case pods == 1:
		return "1 pod of Deployment " + names[0]
	}
	return fmt.Sprintf("%d pods of Deployment %s", pods, strings.Join(names, ", "))
}

// monitoring says what the exporter's alerts watch, with the counts and
// thresholds they were rendered with.
func (d *describer) monitoring(b *strings.Builder) {
	m := d.c.Spec.Monitoring
	if !m.Enabled {
		return
	}
	name := d.c.Metadata.Name
	a := m.Alerts
	fmt.Fprintf(b, "\nMonitoring\n- Deployment %s (elasticsearch_exporter) is scraped every %s through ServiceMonitor %s.\n",
		ExporterName(name), m.Interval, MonitoringName(name))
	var total int32
	for _, sts := range d.sets {
		total += *sts.Spec.Replicas
	}
	fmt.Fprintf(b, "- PrometheusRule %s alerts: red for %s; yellow for %s; fewer than %d nodes (and per role) for %s; unassigned shards for %s; heap above %d%%; disk past %s.\n",
		MonitoringName(name), a.RedFor, a.YellowFor, total, a.NodesMissingFor, a.UnassignedShardsFor, a.HeapPercent, a.DiskWatermark)
}

// disruptions lists the PodDisruptionBudgets with the pods they hold,
// and says what a restarted master or data pod waits for, and what
// kubectl apply does to pods whose template changes.
func (d *describer) disruptions(b *strings.Builder, budgets []*policyv1.PodDisruptionBudget) {
	b.WriteString("\nDisruptions and restarts\n")
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "BUDGET\tLIMIT\tSELECTS")
	for _, pdb := range budgets {
		limit := "-"
		switch {
		case pdb.Spec.MinAvailable != nil:
			limit = "minAvailable " + pdb.Spec.MinAvailable.String()
		case pdb.Spec.MaxUnavailable != nil:
			limit = "maxUnavailable " + pdb.Spec.MaxUnavailable.String()
		}
		selects := "?"
		if sel, err := metav1.LabelSelectorAsSelector(pdb.Spec.Selector); err == nil {
			selects = d.selects(sel)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", pdb.Name, limit, selects)
	}
	tw.Flush()
	var stateful, onDelete, rolling int32
	for _, sts := range d.sets {
		if ns := d.nodeSet(sts); ns.Stateful() {
			stateful += *sts.Spec.Replicas
		}
		if sts.Spec.UpdateStrategy.Type == appsv1.OnDeleteStatefulSetStrategyType {
			onDelete++
		} else {
			rolling++
		}
	}
	if stateful == 1 {
		b.WriteString("- The cluster has one master or data pod: its budget lets a drain evict it rather than block the server's maintenance, and the cluster is down until the pod is back.\n")
	}
	target, why := topology.HealthTarget(topology.Plan(d.c))
	if target == topology.Green {
		b.WriteString("- A restarted master or data pod is ready, and frees its budget, once the cluster is green again (during a version upgrade: yellow with no shard initializing or relocating).\n")
	} else {
		fmt.Fprintf(b, "- A restarted master or data pod is ready, and frees its budget, once the cluster is yellow or green: %s.\n", why)
	}
	switch {
	case rolling == 0:
		b.WriteString("- kubectl apply restarts no pod: esgen rollout restarts those whose template changed, one at a time.\n")
	case onDelete == 0:
		b.WriteString("- kubectl apply restarts the pods whose template changed: one pod at a time per StatefulSet, every StatefulSet at once.\n")
	default:
		b.WriteString("- kubectl apply restarts no master or data pod (esgen rollout does, one at a time); the other StatefulSets replace their changed pods at once, one pod at a time each.\n")
	}
}
