// Command esgen-drill answers, before a spec is applied, "will this
// cluster fit on our servers, and what does losing a rack cost it?": it
// runs the spec's rendered objects on Kubernetes' own API server,
// scheduler and controllers, in process, on a fleet of servers described
// in a file (or sized for the spec), and prints where every pod lands,
// the pods the scheduler refuses with its reason, and what the cluster
// keeps when each rack and each server is lost. It never contacts a
// cluster.
//
// Usage:
//
//	esgen-drill SPEC [--fleet FLEET.yaml] [--replicas N] [--drain] [-v]
//	esgen-drill SPEC --print-fleet
//
// FLEET.yaml is a Fleet (racks of identical servers; --print-fleet
// prints the one sized for SPEC, to edit) or the output of kubectl get
// nodes -o yaml. Exit status: 0 when every pod is placed as the spec
// says (and, with --drain, draining every server at once kept at most one
// stateful pod down and finished); 1 otherwise; 2 on a usage error.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/esgen/esgen/conformance/drill"
	"github.com/esgen/esgen/esspec"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

const usage = `usage: esgen-drill SPEC [--fleet FLEET.yaml] [--replicas N] [--drain] [-v]
       esgen-drill SPEC --print-fleet
`

// errUsage is a usage error, already reported.
var errUsage = errors.New("usage")

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	err := drillSpec(ctx, args, stdout, stderr)
	switch {
	case err == nil:
		return 0
	case errors.Is(err, errUsage):
		return 2
	case errors.Is(err, errFailed):
		return 1
	}
	fmt.Fprintln(stderr, "esgen-drill:", err)
	return 1
}

// errFailed is a drill that found a problem, already printed.
var errFailed = errors.New("the drill failed")

func drillSpec(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	flags := flag.NewFlagSet("esgen-drill", flag.ContinueOnError)
	flags.SetOutput(stderr)
	flags.Usage = func() { fmt.Fprint(stderr, usage); flags.PrintDefaults() }
	fleetFile := flags.String("fleet", "", "the servers: a Fleet file or kubectl get nodes -o yaml (default: a fleet sized for SPEC)")
	printFleet := flags.Bool("print-fleet", false, "print the fleet sized for SPEC and exit")
	replicas := flags.Int("replicas", 1, "index.number_of_replicas in the health model")
	drain := flags.Bool("drain", false, "also drain every server that runs a pod, all at once")
	verbose := flags.Bool("v", false, "print the control plane's logs to stderr")
	// Accept flags after SPEC, as esgen does.
	var positional []string
	for rest := args; ; {
		if err := flags.Parse(rest); err != nil {
			return errUsage
		}
		if flags.NArg() == 0 {
			break
		}
		positional = append(positional, flags.Arg(0))
		rest = flags.Args()[1:]
	}
	if len(positional) != 1 {
		fmt.Fprint(stderr, usage)
		return errUsage
	}
	if *replicas < 0 {
		fmt.Fprintln(stderr, "esgen-drill: --replicas: must not be negative")
		return errUsage
	}
	spec, err := loadSpec(positional[0])
	if err != nil {
		return err
	}
	fleet := drill.FleetFor(spec)
	if *fleetFile != "" {
		data, err := os.ReadFile(*fleetFile)
		if err != nil {
			return err
		}
		if fleet, err = drill.LoadFleet(data); err != nil {
			return fmt.Errorf("%s: %w", *fleetFile, err)
		}
	}
	if *printFleet {
		data, err := fleet.YAML()
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "# A fleet sized for %s: edit it, then pass it with --fleet.\n%s\n", positional[0], data)
		return nil
	}

	logs := io.Discard
	if *verbose {
		logs = stderr
	}
	cp, err := drill.Start(ctx, logs)
	if err != nil {
		return fmt.Errorf("starting the control plane: %w", err)
	}
	defer cp.Stop()
	d, err := cp.Deploy(ctx, spec, drill.Options{Fleet: fleet, Replicas: *replicas})
	if err != nil {
		return err
	}
	defer d.Delete(context.WithoutCancel(ctx))
	return report(ctx, d, *drain, stdout)
}

func loadSpec(path string) (*esspec.Resolved, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	c, err := esspec.Load(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	esspec.SetDefaults(c)
	r, err := esspec.Resolve(c)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return r, nil
}

// report prints the placement and loss tables (and drains) and returns
// errFailed when a pod is Pending or misplaced, or a drain went wrong.
func report(ctx context.Context, d *drill.Deployment, drain bool, w io.Writer) error {
	p, err := d.Placement(ctx)
	if err != nil {
		return err
	}
	servers := len(p.NodesWithPods())
	fmt.Fprintf(w, "Fleet: %s; the cluster's %d pods run on %d of them\n", d.Fleet.Summary(d.RackLabel), len(p), servers)
	if len(d.Skipped) > 0 {
		fmt.Fprintf(w, "Not applied (their API is not served here): %s\n", strings.Join(d.Skipped, ", "))
	}
	fmt.Fprintln(w, "\nPlacement")
	if err := p.Write(w); err != nil {
		return err
	}
	problems := p.Check(d.Spec)
	if len(p.Pending()) > 0 {
		problems = append(problems, fmt.Sprintf("%d pod(s) Pending", len(p.Pending())))
	}

	none, racks, lost := d.Losses(p)
	fmt.Fprintln(w, "\nLosing a rack or a server (pods on it down, Pending pods down too)")
	if err := drill.WriteLosses(w, append(append([]drill.Loss{none}, racks...), lost...)); err != nil {
		return err
	}

	if drain {
		if err := d.WaitReady(ctx, 2*time.Minute); err != nil {
			return err
		}
		res := d.Drain(ctx, p.NodesWithPods(), 5*time.Minute)
		fmt.Fprintf(w, "\nDraining all %d servers at once: %d evictions refused (429) by the budgets; at most %d stateful pod(s) unavailable at once (%s)\n",
			len(res.Nodes), res.Refused, res.WorstUnavailable, strings.Join(res.WorstAt, ", "))
		problems = append(problems, res.Check(1)...)
	}
	if len(problems) > 0 {
		fmt.Fprintln(w, "\nProblems")
		for _, pr := range problems {
			fmt.Fprintln(w, "  "+pr)
		}
		return errFailed
	}
	return nil
}
