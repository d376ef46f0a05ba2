package drill

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"text/tabwriter"
)

// Loss is what a cluster keeps when a rack or a server goes down with
// every pod on it (pods the scheduler left Pending count as down too).
type Loss struct {
	// What names what went down: "rack r1", "server r1-s01", or "none"
	// for the placement as it is.
	What string
	// Pods is how many of the cluster's running pods went down.
	Pods int
	// Remaining counts, per nodeSet, the pods still up; Wanted how many
	// the nodeSet has; Lost how many of its running pods went down.
	Remaining, Wanted, Lost map[string]int
	// Masters and MastersUp count master-eligible nodes, all and up.
	Masters, MastersUp int
	// Health is the health model's answer (NoMaster without a quorum).
	Health Health
}

// Quorum reports whether more than half of the master-eligible nodes are
// up, so that the cluster can elect a master.
func (l Loss) Quorum() bool { return 2*l.MastersUp > l.Masters }

// Losses computes, from the placement, what the cluster keeps with
// nothing lost, without each rack and without each server that runs a
// pod of the cluster, with the deployment's health model.
func (d *Deployment) Losses(p Placement) (none Loss, racks, servers []Loss) {
	return d.lose(p, "none", func(Placed) bool { return false }), d.eachOf(p, "rack", func(x Placed) string { return x.Rack }),
		d.eachOf(p, "server", func(x Placed) string { return x.Node })
}

func (d *Deployment) eachOf(p Placement, what string, key func(Placed) string) []Loss {
	var keys []string
	for _, x := range p {
		if k := key(x); x.Node != "" && k != "" && !slices.Contains(keys, k) {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	var out []Loss
	for _, k := range keys {
		out = append(out, d.lose(p, what+" "+k, func(x Placed) bool { return key(x) == k }))
	}
	return out
}

func (d *Deployment) lose(p Placement, name string, lost func(Placed) bool) Loss {
	l := Loss{What: name, Remaining: map[string]int{}, Wanted: map[string]int{}, Lost: map[string]int{}}
	var members []member
	for _, x := range p {
		if x.NodeSet == "" {
			continue
		}
		up := x.Node != "" && !lost(x)
		if x.Node != "" && lost(x) {
			l.Pods++
			l.Lost[x.NodeSet]++
		}
		l.Wanted[x.NodeSet]++
		if up {
			l.Remaining[x.NodeSet]++
		}
		if x.Master {
			l.Masters++
			if up {
				l.MastersUp++
			}
		}
		members = append(members, member{pod: x.Pod, up: up, master: x.Master, dataGroup: x.DataGroup, rack: x.PinnedRack, image: x.Image})
	}
	l.Health = d.model.health(members)
	return l
}

// WriteLosses prints one line per loss: what went down, how many pods,
// the master quorum, the modelled health and what each nodeSet keeps.
func WriteLosses(w io.Writer, losses []Loss) error {
	if len(losses) == 0 {
		return nil
	}
	sets := slices.Sorted(maps.Keys(losses[0].Wanted))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "LOST\tPODS DOWN\tMASTERS UP\tQUORUM\tHEALTH\t%s\n", strings.ToUpper(strings.Join(sets, "\t")))
	for _, l := range losses {
		quorum := "kept"
		if !l.Quorum() {
			quorum = "LOST"
		}
		var cells []string
		for _, s := range sets {
			cells = append(cells, fmt.Sprintf("%d/%d", l.Remaining[s], l.Wanted[s]))
		}
		fmt.Fprintf(tw, "%s\t%d\t%d/%d\t%s\t%s\t%s\n", l.What, l.Pods, l.MastersUp, l.Masters, quorum, l.Health, strings.Join(cells, "\t"))
	}
	return tw.Flush()
}
