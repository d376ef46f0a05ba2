package main

import (
	"encoding/json"
	"flag"
	"fmt"

	"github.com/esgen/esgen/render"
)

// cmdCheck prints the bootstrap-check report of a spec's pods and fails
// when a check fails.
func cmdCheck(e *env, args []string) error {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	output := fs.String("o", "", "output format: json")
	path, err := parseSpecArgs(fs, args)
	if err != nil {
		return err
	}
	if err := checkOutput(*output, "json"); err != nil {
		return err
	}
	c, _, err := e.loadSpec(path)
	if err != nil {
		return err
	}
	report, err := render.Check(c)
	if err != nil {
		return e.renderError(path, c, err)
	}
	if *output == "json" {
		data, err := json.MarshalIndent(report, "", "  ")
		if err != nil {
			return err
		}
		if _, err := fmt.Fprintf(e.stdout, "%s\n", data); err != nil {
			return err
		}
	} else if err := render.WriteCheckTable(e.stdout, report); err != nil {
		return err
	}
	if report.Failed() {
		fmt.Fprintf(e.stderr, "error: %s: a bootstrap check fails\n", displayName(path))
		return errReported
	}
	return nil
}
