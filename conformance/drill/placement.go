package drill

import (
	"context"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/esgen/esgen/esspec"
	"github.com/esgen/esgen/topology"
)

// Placed is where the scheduler put one pod, or why it did not.
type Placed struct {
	// Pod is the pod's name; Owner its StatefulSet or Deployment.
	Pod, Owner string
	// NodeSet is the pod's nodeSet ("" for Kibana).
	NodeSet string
	// Master and Data say whether the pod is master-eligible and holds
	// data.
	Master, Data bool
	// DataGroup is the pod's data roles (see the health model).
	DataGroup string
	// PinnedRack is the rack the pod's StatefulSet is pinned to, if any.
	PinnedRack string
	// Node, Rack and Zone are where the pod runs; empty while Pending.
	Node, Rack, Zone string
	// Pending is the scheduler's reason for not placing the pod.
	Pending string
	// Image is the pod's Elasticsearch or Kibana image.
	Image string
}

// Placement is every pod of a deployment, by pod name.
type Placement []Placed

// Placement reads where every pod of the deployment runs.
func (d *Deployment) Placement(ctx context.Context) (Placement, error) {
	pods, err := d.pods(ctx)
	if err != nil {
		return nil, err
	}
	nodes, err := d.cp.Client.CoreV1().Nodes().List(ctx, metav1.ListOptions{LabelSelector: drillLabel + "=" + d.id})
	if err != nil {
		return nil, err
	}
	byName := map[string]corev1.Node{}
	for _, n := range nodes.Items {
		byName[n.Name] = n
	}
	var out Placement
	for _, p := range pods {
		pl := Placed{
			Pod:        p.Name,
			NodeSet:    p.Labels[esspec.LabelNodeSet],
			Master:     p.Labels[esspec.LabelRolePrefix+string(esspec.RoleMaster)] == "true",
			DataGroup:  dataGroupOf(p.Labels),
			PinnedRack: p.Labels[esspec.LabelRack],
			Node:       p.Spec.NodeName,
			Pending:    unschedulable(p),
		}
		pl.Data = pl.DataGroup != ""
		if len(p.OwnerReferences) > 0 {
			pl.Owner = p.OwnerReferences[0].Name
		}
		if len(p.Spec.Containers) > 0 {
			pl.Image = p.Spec.Containers[0].Image
		}
		if n, ok := byName[p.Spec.NodeName]; ok {
			pl.Rack = n.Labels[d.RackLabel]
			pl.Zone = n.Labels[topology.ZoneLabel]
		}
		out = append(out, pl)
	}
	return out, nil
}

// Pending lists the pods the scheduler refused.
func (p Placement) Pending() Placement {
	return slices.DeleteFunc(slices.Clone(p), func(x Placed) bool { return x.Pending == "" })
}

// Write prints the placement table, then the Pending pods with the
// scheduler's reasons.
func (p Placement) Write(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "POD\tNODESET\tROLES\tNODE\tRACK\tZONE")
	for _, x := range p {
		node := x.Node
		if node == "" {
			node = "Pending"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", x.Pod, orDash(x.NodeSet), x.roles(), node, orDash(x.Rack), orDash(x.Zone))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if pending := p.Pending(); len(pending) > 0 {
		fmt.Fprintf(w, "\n%d pod(s) Pending:\n", len(pending))
		for _, x := range pending {
			fmt.Fprintf(w, "  %s: %s\n", x.Pod, x.Pending)
		}
	}
	return nil
}

func (x Placed) roles() string {
	switch {
	case x.NodeSet == "":
		return "kibana"
	case x.Master && x.Data:
		return "master,data"
	case x.Master:
		return "master"
	case x.Data:
		return "data"
	}
	return "other"
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// Check returns every way the placement breaks the spec's promises:
// a pod of a per-rack StatefulSet outside its rack, two pods of a nodeSet
// on one server (or rack) despite required anti-affinity, zones more than
// one pod apart for a nodeSet spread over zones, and a pod on a server
// that lacks a label its nodeSelector names.
func (p Placement) Check(spec *esspec.Resolved) []string {
	t := spec.Spec.Topology
	var problems []string
	perNodeSet := map[string]Placement{}
	for _, x := range p {
		if x.Node == "" || x.NodeSet == "" {
			continue
		}
		perNodeSet[x.NodeSet] = append(perNodeSet[x.NodeSet], x)
		if x.PinnedRack != "" && x.Rack != x.PinnedRack {
			problems = append(problems, fmt.Sprintf("%s belongs in rack %s but runs on %s in rack %q", x.Pod, x.PinnedRack, x.Node, x.Rack))
		}
	}
	for _, name := range slices.Sorted(maps.Keys(perNodeSet)) {
		pods := perNodeSet[name]
		if t.HostAntiAffinity == esspec.AntiAffinityRequired {
			problems = append(problems, together(name, pods, "server", func(x Placed) string { return x.Node })...)
		}
		if t.RackAntiAffinity == esspec.AntiAffinityRequired && len(t.Racks) == 0 && t.RackLabel != "" {
			problems = append(problems, together(name, pods, "rack", func(x Placed) string { return x.Rack })...)
		}
		if t.ZoneSpread && len(t.Racks) == 0 {
			count := map[string]int{}
			for _, x := range pods {
				count[x.Zone]++
			}
			lo, hi := len(pods), 0
			for _, n := range count {
				lo, hi = min(lo, n), max(hi, n)
			}
			if len(count) > 1 && hi-lo > 1 {
				problems = append(problems, fmt.Sprintf("nodeSet %s: pods per zone %v, more than 1 apart", name, count))
			}
		}
	}
	return problems
}

// together reports pods of one nodeSet that share a server or rack.
func together(nodeSet string, pods Placement, what string, key func(Placed) string) []string {
	seen := map[string][]string{}
	for _, x := range pods {
		seen[key(x)] = append(seen[key(x)], x.Pod)
	}
	var out []string
	for _, k := range slices.Sorted(maps.Keys(seen)) {
		if len(seen[k]) > 1 {
			out = append(out, fmt.Sprintf("nodeSet %s: %s share %s %s despite required anti-affinity", nodeSet, strings.Join(seen[k], ", "), what, k))
		}
	}
	return out
}

// PerRack counts running pods per nodeSet and rack.
func (p Placement) PerRack() map[string]map[string]int {
	out := map[string]map[string]int{}
	for _, x := range p {
		if x.Node == "" || x.NodeSet == "" {
			continue
		}
		if out[x.NodeSet] == nil {
			out[x.NodeSet] = map[string]int{}
		}
		out[x.NodeSet][x.Rack]++
	}
	return out
}

// statefulSets returns the deployment's StatefulSets by name.
func (d *Deployment) statefulSets() []*appsv1.StatefulSet {
	var out []*appsv1.StatefulSet
	for _, o := range d.Objects {
		if sts, ok := o.(*appsv1.StatefulSet); ok {
			out = append(out, sts)
		}
	}
	return sortedSets(out)
}
