package drill

import (
	"bytes"
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strconv"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/validation"
	"sigs.k8s.io/yaml"

	"github.com/esgen/esgen/esspec"
	"github.com/esgen/esgen/topology"
)

// Fleet is the servers a drill schedules onto: racks of identical
// servers, or the Nodes of a real cluster (kubectl get nodes -o yaml).
// The drill creates one Node per server, Ready, with the fleet's labels
// and allocatable resources, and the PersistentVolumes its storage says.
type Fleet struct {
	// APIVersion is esgen.dev/v1alpha1 and Kind is Fleet in a fleet file.
	APIVersion string `json:"apiVersion,omitempty"`
	Kind       string `json:"kind,omitempty"`
	// RackLabel is the node label that holds a server's rack. Default:
	// the spec's spec.topology.rackLabel, else topology.kubernetes.io/rack.
	RackLabel string `json:"rackLabel,omitempty"`
	// Racks are the fleet's racks of identical servers.
	Racks []Rack `json:"racks,omitempty"`
	// Labels go on every server, e.g. the labels a nodeSelector wants.
	Labels map[string]string `json:"labels,omitempty"`
	// Storage says how volumes of each StorageClass attach: local to a
	// server (the default, as on the local SSDs of bare-metal fleets) or
	// over the network.
	Storage []Storage `json:"storage,omitempty"`

	// nodes are a real cluster's Nodes (LoadFleet of a node list); the
	// drill uses their names, labels, taints and allocatable resources.
	nodes []corev1.Node
}

// Rack is a rack of identical servers.
type Rack struct {
	// Name is the rack's value of the rack label.
	Name string `json:"name"`
	// Zone is the rack's topology.kubernetes.io/zone, if any.
	Zone string `json:"zone,omitempty"`
	// Servers is the number of servers in the rack.
	Servers int `json:"servers"`
	// CPU, Memory, EphemeralStorage and Pods are each server's
	// allocatable resources; EphemeralStorage defaults to 1Ti (the
	// kubelet reports its root disk; emptyDir volumes and container
	// layers draw on it) and Pods to 110, the kubelet's default.
	CPU              resource.Quantity `json:"cpu"`
	Memory           resource.Quantity `json:"memory"`
	EphemeralStorage resource.Quantity `json:"ephemeralStorage,omitzero"`
	Pods             int               `json:"pods,omitempty"`
	// Resources are other allocatable resources of each server:
	// hugepages-2Mi, example.com/gpu.
	Resources corev1.ResourceList `json:"resources,omitempty"`
}

// Storage describes the volumes of one StorageClass.
type Storage struct {
	// StorageClassName is the class; empty is the default class, which
	// claims without a class get.
	StorageClassName string `json:"storageClassName,omitempty"`
	// Network volumes attach to any server; local ones (the default)
	// belong to one server, as local PersistentVolumes do, so a pod
	// bound to one can only ever run there.
	Network bool `json:"network,omitempty"`
	// PerServer is the number of local volumes of each server (for
	// network storage: of the fleet); 0 is as many as the spec claims.
	PerServer int `json:"perServer,omitempty"`
	// Size of each volume; zero is as large as the largest claim.
	Size resource.Quantity `json:"size,omitzero"`
}

// FleetAPIVersion and FleetKind name a fleet file.
const (
	FleetAPIVersion = esspec.APIVersion
	FleetKind       = "Fleet"
)

// DefaultRackLabel is a fleet's rack label when neither the fleet nor the
// spec names one.
const DefaultRackLabel = "topology.kubernetes.io/rack"

// LoadFleet reads a fleet file: a Fleet, or a list of Nodes as
// kubectl get nodes -o yaml prints it (kind List or NodeList).
func LoadFleet(data []byte) (*Fleet, error) {
	var head struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
	}
	if err := yaml.Unmarshal(data, &head); err != nil {
		return nil, fmt.Errorf("fleet: %w", err)
	}
	switch {
	case head.Kind == FleetKind:
		f := &Fleet{}
		if err := yaml.UnmarshalStrict(data, f); err != nil {
			return nil, fmt.Errorf("fleet: %w", err)
		}
		if f.APIVersion != FleetAPIVersion {
			return nil, fmt.Errorf("fleet: apiVersion %q, want %s", f.APIVersion, FleetAPIVersion)
		}
		return f, f.validate()
	case head.APIVersion == "v1" && (head.Kind == "List" || head.Kind == "NodeList"):
		var list struct {
			Items []corev1.Node `json:"items"`
		}
		if err := yaml.Unmarshal(data, &list); err != nil {
			return nil, fmt.Errorf("fleet: node list: %w", err)
		}
		f := &Fleet{}
		for i, n := range list.Items {
			if n.Kind != "" && n.Kind != "Node" {
				return nil, fmt.Errorf("fleet: items[%d] is a %s, not a Node", i, n.Kind)
			}
			if n.Name == "" {
				return nil, fmt.Errorf("fleet: items[%d] has no name", i)
			}
			f.nodes = append(f.nodes, n)
		}
		if len(f.nodes) == 0 {
			return nil, fmt.Errorf("fleet: the node list has no items")
		}
		return f, nil
	default:
		return nil, fmt.Errorf("fleet: kind %q: want apiVersion %s, kind %s, or the output of kubectl get nodes -o yaml", head.Kind, FleetAPIVersion, FleetKind)
	}
}

func (f *Fleet) validate() error {
	if len(f.Racks) == 0 {
		return fmt.Errorf("fleet.racks: Required value: at least one rack of servers")
	}
	seen := map[string]bool{}
	for i, r := range f.Racks {
		p := fmt.Sprintf("fleet.racks[%d]", i)
		switch {
		case r.Name == "":
			return fmt.Errorf("%s.name: Required value", p)
		case len(validation.IsValidLabelValue(r.Name)) > 0 || len(validation.IsDNS1123Label(r.Name)) > 0:
			return fmt.Errorf("%s.name: Invalid value: %q: a rack name becomes a label value and part of node names: lower-case letters, digits and '-'", p, r.Name)
		case seen[r.Name]:
			return fmt.Errorf("%s.name: Duplicate value: %q", p, r.Name)
		case r.Servers < 1 || r.Servers > 1000:
			return fmt.Errorf("%s.servers: Invalid value: %d: between 1 and 1000", p, r.Servers)
		case r.CPU.Sign() <= 0 || r.Memory.Sign() <= 0:
			return fmt.Errorf("%s: cpu and memory are each server's allocatable resources, e.g. cpu: \"32\", memory: 128Gi", p)
		}
		seen[r.Name] = true
	}
	return nil
}

// FleetFor returns a fleet sized for a spec: its racks (listed, counted
// by rackCount, or as many as required rack anti-affinity needs), with
// servers enough that every nodeSet could put each pod on a server of
// its own in every rack, each server able to hold every pod of the
// cluster, with the labels the spec's nodeSelectors want and local
// volumes for every claim. Zones, when the spec spreads over zones, go
// round the racks.
func FleetFor(c *esspec.Resolved) *Fleet {
	t := c.Spec.Topology
	f := &Fleet{RackLabel: cmp.Or(t.RackLabel, DefaultRackLabel), Labels: map[string]string{}}
	racks := slices.Clone(t.Racks)
	if len(racks) == 0 {
		n := int(t.RackCount)
		if n == 0 {
			n = 1
			if t.RackLabel != "" {
				n = 3
				if t.RackAntiAffinity != esspec.AntiAffinityNone {
					for _, ns := range c.NodeSets {
						n = max(n, int(ns.Replicas()))
					}
				}
			}
		}
		for i := range n {
			racks = append(racks, "r"+strconv.Itoa(i+1))
		}
	}
	largest, total := 0, 0
	// The most any pod asks of each resource.
	most := corev1.ResourceList{
		corev1.ResourceCPU: resource.MustParse("8"), corev1.ResourceMemory: resource.MustParse("32Gi"),
		corev1.ResourceEphemeralStorage: resource.MustParse("100Gi"),
	}
	for _, ns := range c.NodeSets {
		largest = max(largest, int(ns.Replicas()))
		total += int(ns.Replicas())
		maps.Copy(f.Labels, ns.NodeSelector)
		for _, rl := range []corev1.ResourceList{ns.Resources.ContainerRequests(), ns.Resources.ContainerLimits()} {
			for name, q := range rl {
				if have, ok := most[name]; !ok || q.Cmp(have) > 0 {
					most[name] = q
				}
			}
		}
	}
	total += int(c.Spec.Kibana.Count)
	// Room for every pod of the cluster on any one server: resources
	// never decide placement in a sized fleet.
	room := corev1.ResourceList{}
	for name, q := range most {
		q = q.DeepCopy()
		q.Mul(int64(max(total, 1)))
		room[name] = q
	}
	servers := largest + (total+len(racks)-1)/len(racks) + 1
	zones := t.ZoneSpread && t.RackLabel != topology.ZoneLabel
	for i, name := range racks {
		r := Rack{Name: name, Servers: servers, Pods: 110, Resources: room.DeepCopy()}
		r.CPU, r.Memory, r.EphemeralStorage = room[corev1.ResourceCPU], room[corev1.ResourceMemory], room[corev1.ResourceEphemeralStorage]
		for _, n := range []corev1.ResourceName{corev1.ResourceCPU, corev1.ResourceMemory, corev1.ResourceEphemeralStorage} {
			delete(r.Resources, n)
		}
		if zones {
			r.Zone = "zone-" + string(rune('a'+i%3))
		}
		f.Racks = append(f.Racks, r)
	}
	return f
}

// server is one Node of the fleet, before it is created.
type server struct {
	node corev1.Node
	rack string
	zone string
}

// servers lists the fleet's Nodes, in rack order, for a spec whose rack
// label is rackLabel.
func (f *Fleet) servers(rackLabel string) []server {
	label := cmp.Or(f.RackLabel, rackLabel, DefaultRackLabel)
	if f.nodes != nil {
		var out []server
		for _, n := range f.nodes {
			node := corev1.Node{}
			node.Name = n.Name
			node.Labels = maps.Clone(n.Labels)
			if node.Labels == nil {
				node.Labels = map[string]string{}
			}
			node.Labels[corev1.LabelHostname] = cmp.Or(node.Labels[corev1.LabelHostname], n.Name)
			maps.Copy(node.Labels, f.Labels)
			node.Spec.Taints = n.Spec.Taints
			node.Spec.Unschedulable = n.Spec.Unschedulable
			node.Status.Allocatable, node.Status.Capacity = n.Status.Allocatable, n.Status.Capacity
			if node.Status.Allocatable == nil {
				node.Status.Allocatable = n.Status.Capacity
			}
			if node.Status.Capacity == nil {
				node.Status.Capacity = n.Status.Allocatable
			}
			out = append(out, server{node: node, rack: node.Labels[label], zone: node.Labels[topology.ZoneLabel]})
		}
		return out
	}
	var out []server
	for _, r := range f.Racks {
		for i := range r.Servers {
			name := fmt.Sprintf("%s-s%02d", r.Name, i+1)
			labels := maps.Clone(f.Labels)
			if labels == nil {
				labels = map[string]string{}
			}
			labels[corev1.LabelHostname] = name
			labels[label] = r.Name
			if r.Zone != "" {
				labels[topology.ZoneLabel] = r.Zone
			}
			pods := resource.MustParse(strconv.Itoa(cmp.Or(r.Pods, 110)))
			disk := r.EphemeralStorage
			if disk.IsZero() {
				disk = resource.MustParse("1Ti")
			}
			res := r.Resources.DeepCopy()
			if res == nil {
				res = corev1.ResourceList{}
			}
			maps.Copy(res, corev1.ResourceList{corev1.ResourceCPU: r.CPU, corev1.ResourceMemory: r.Memory, corev1.ResourceEphemeralStorage: disk, corev1.ResourcePods: pods})
			node := corev1.Node{}
			node.Name = name
			node.Labels = labels
			node.Status.Allocatable = res
			node.Status.Capacity = res.DeepCopy()
			out = append(out, server{node: node, rack: r.Name, zone: r.Zone})
		}
	}
	return out
}

// storageOf returns how volumes of a class attach.
func (f *Fleet) storageOf(class string) Storage {
	for _, s := range f.Storage {
		if s.StorageClassName == class {
			return s
		}
	}
	return Storage{StorageClassName: class}
}

// YAML writes the fleet as a fleet file.
func (f *Fleet) YAML() ([]byte, error) {
	out := *f
	out.APIVersion, out.Kind = FleetAPIVersion, FleetKind
	b, err := yaml.Marshal(out)
	return bytes.TrimSpace(b), err
}

// Summary describes the fleet in a line: servers, racks, rack label.
func (f *Fleet) Summary(rackLabel string) string {
	servers := f.servers(rackLabel)
	var racks []string
	for _, s := range servers {
		if s.rack != "" && !slices.Contains(racks, s.rack) {
			racks = append(racks, s.rack)
		}
	}
	return fmt.Sprintf("%d servers in %d racks (rack label %s)", len(servers), len(racks), cmp.Or(f.RackLabel, rackLabel, DefaultRackLabel))
}
