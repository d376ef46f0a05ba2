package main

import (
	"flag"
	"fmt"
	"time"

	"github.com/esgen/esgen/rollout"
)

// cmdRollout prints the runbook (or with -o json the plan) that restarts
// a cluster's stale pods safely.
func cmdRollout(e *env, args []string) error {
	fs := flag.NewFlagSet("rollout", flag.ContinueOnError)
	output := fs.String("o", "", "print the plan instead of the runbook: json")
	byRack := fs.Bool("by-rack", false, "restart the stale pods of one rack at a time")
	fullRestart := fs.Bool("full-restart", false, "Elastic's full cluster restart: every stale pod at once")
	timeout := fs.Duration("timeout", rollout.DefaultTimeout, "how long each wait of the runbook may take")
	path, err := parseSpecArgs(fs, args)
	if err != nil {
		return err
	}
	if err := checkOutput(*output, "json"); err != nil {
		return err
	}
	opts := rollout.Options{Mode: rollout.Rolling, Timeout: *timeout}
	switch {
	case *byRack && *fullRestart:
		return &usageError{"--by-rack and --full-restart exclude each other"}
	case *byRack:
		opts.Mode = rollout.ByRack
	case *fullRestart:
		opts.Mode = rollout.FullRestart
	}
	if *timeout < time.Second {
		return &usageError{fmt.Sprintf("--timeout %s: want at least 1s, e.g. 30m", *timeout)}
	}
	c, _, err := e.loadSpec(path)
	if err != nil {
		return err
	}
	plan, err := rollout.New(c, opts)
	if err != nil {
		return e.renderError(path, c, err)
	}
	for _, w := range plan.Warnings {
		fmt.Fprintf(e.stderr, "warning: %s: %s\n", displayName(path), w)
	}
	out := plan.Script()
	if *output == "json" {
		if out, err = plan.JSON(); err != nil {
			return err
		}
	}
	_, err = e.stdout.Write(out)
	return err
}
