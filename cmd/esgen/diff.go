package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"

	"github.com/esgen/esgen/diff"
	"github.com/esgen/esgen/esspec"
)

const diffUsage = `Usage: esgen diff OLD NEW [--rendered] [-o json] [--fail-on SEVERITY] [--replicas N]

Compares what OLD and NEW render and says what applying NEW over OLD does
to a running cluster: the objects added, removed and changed (field by
field), then the findings, unsafe first, each with the field that causes
it and what to do instead. OLD or NEW may be - for stdin.

  --rendered         OLD and NEW may each be rendered manifests (esgen render
                     output, e.g. committed in git) instead of a spec; an
                     empty file (/dev/null) is a cluster not applied yet
  -o json            print the report as JSON
  --fail-on SEVERITY exit 1 when a finding is this serious or more:
                     unsafe (the default), disruptive or info
  --replicas N       the largest index.number_of_replicas of the cluster's
                     indices: the data nodes left must hold N+1 copies

Severities: unsafe (data or quorum lost, the cluster split by a change that
needs a full restart, or Kubernetes refuses the change), disruptive (pods
restart, on apply or through esgen rollout, or shards move; safe done as
the finding says), info (nothing to do).

Exit status: 0 nothing at or above --fail-on, 1 something is (or invalid
input), 2 usage error.
`

func cmdDiff(e *env, args []string) error {
	fs := flag.NewFlagSet("diff", flag.ContinueOnError)
	rendered := fs.Bool("rendered", false, "either side may be rendered manifests")
	output := fs.String("o", "", "output format: json")
	failOn := fs.String("fail-on", string(diff.Unsafe), "severity that fails: unsafe, disruptive or info")
	var opts diff.Options
	fs.Func("replicas", "largest index replica count", func(s string) error {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return errors.New("want a whole number, 0 or more")
		}
		opts.Replicas = &n
		return nil
	})
	positional, err := parseArgs(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		_, err = io.WriteString(e.stdout, diffUsage)
		return err
	}
	if err != nil {
		return err
	}
	if len(positional) != 2 {
		return &usageError{fmt.Sprintf("want OLD and NEW, got %d argument(s)", len(positional))}
	}
	if positional[0] == "-" && positional[1] == "-" {
		return &usageError{"only one of OLD and NEW can be - (stdin)"}
	}
	if err := checkOutput(*output, "json"); err != nil {
		return err
	}
	threshold, err := diff.ParseSeverity(*failOn)
	if err != nil {
		return &usageError{"--fail-on: " + err.Error()}
	}
	// Read both sides before giving up on either, so that one run reports
	// the problems of both files.
	// The old spec's warnings describe what is applied already, not the
	// change: only its errors are shown.
	oldSide, oldErr := e.withoutWarnings().diffSide(positional[0], *rendered)
	newSide, newErr := e.diffSide(positional[1], *rendered)
	if oldErr != nil || newErr != nil {
		return errReported
	}
	report := diff.Compare(oldSide.side, newSide.side, opts)
	var out bytes.Buffer
	if *output == "json" {
		data, err := report.JSON()
		if err != nil {
			return err
		}
		out.Write(data)
	} else {
		file := ""
		if newSide.spec {
			file = displayName(positional[1])
		}
		if err := report.WriteText(&out, file); err != nil {
			return err
		}
	}
	// The report is the command's answer even when it fails the check,
	// as diff(1) prints the differences it exits 1 for.
	if _, err := e.stdout.Write(out.Bytes()); err != nil {
		return err
	}
	if n := report.CountAtLeast(threshold); n > 0 {
		if threshold == diff.Unsafe {
			fmt.Fprintf(e.stderr, "error: %d unsafe finding(s)\n", n)
		} else {
			fmt.Fprintf(e.stderr, "error: %d finding(s) at %s or above (--fail-on %s)\n", n, threshold, threshold)
		}
		return errReported
	}
	return nil
}

// loadedSide is one side of a diff and whether it came from a spec.
type loadedSide struct {
	side diff.Side
	spec bool
}

// diffSide reads one side: a spec, or with rendered, whatever the file
// holds (a spec when its first document is one, else manifests).
// Problems go to stderr and return errReported.
func (e *env) diffSide(path string, rendered bool) (loadedSide, error) {
	name := displayName(path)
	data, err := e.readInput(path)
	if err != nil {
		fmt.Fprintf(e.stderr, "error: %v\n", err)
		return loadedSide{}, errReported
	}
	kind := diff.DocumentKind(data)
	if rendered && kind == "" {
		// No document at all: nothing is applied yet (e.g. /dev/null).
		if objs, err := diff.ParseManifests(data); err == nil && len(objs) == 0 {
			side, err := diff.ManifestSide(nil)
			return loadedSide{side: side}, err
		}
	}
	if kind != "" && kind != esspec.Kind {
		if !rendered {
			fmt.Fprintf(e.stderr, "error: %s: holds rendered manifests (kind %s), not a spec: add --rendered to compare them\n", name, kind)
			return loadedSide{}, errReported
		}
		objs, err := diff.ParseManifests(data)
		if err != nil {
			var me *diff.ManifestError
			if errors.As(err, &me) {
				fmt.Fprintf(e.stderr, "error: %s\n", location(name, me.Line, "", me.Detail))
			} else {
				fmt.Fprintf(e.stderr, "error: %s: %v\n", name, err)
			}
			return loadedSide{}, errReported
		}
		side, err := diff.ManifestSide(objs)
		if err != nil {
			fmt.Fprintf(e.stderr, "error: %s: %v\n", name, err)
			return loadedSide{}, errReported
		}
		return loadedSide{side: side}, nil
	}
	// A spec: its problems print as render and validate print them.
	c, _, lines := prepare(name, bytes.NewReader(data))
	for _, l := range lines {
		fmt.Fprintln(e.stderr, l)
	}
	if c == nil {
		return loadedSide{}, errReported
	}
	side, err := diff.SpecSide(c)
	if err != nil {
		fmt.Fprintf(e.stderr, "error: %s: %v\n", name, err)
		return loadedSide{}, errReported
	}
	return loadedSide{side: side, spec: true}, nil
}

// withoutWarnings returns an env whose stderr drops "warning: " lines.
func (e *env) withoutWarnings() *env {
	return &env{stdin: e.stdin, stdout: e.stdout, stderr: &dropWarnings{w: e.stderr}}
}

// dropWarnings passes on every line written to it but warnings. loadSpec
// writes one whole line per call.
type dropWarnings struct{ w io.Writer }

func (d *dropWarnings) Write(p []byte) (int, error) {
	if bytes.HasPrefix(p, []byte("warning: ")) {
		return len(p), nil
	}
	return d.w.Write(p)
}

// maxInputBytes bounds what diff reads of one side: a spec, or a file of
// rendered manifests, which may be many times a spec's size.
const maxInputBytes = esspec.MaxSpecBytes * 16

// readInput reads a file, or stdin for -, whole; one larger than
// maxInputBytes is an error, never read into memory.
func (e *env) readInput(path string) ([]byte, error) {
	var data []byte
	var err error
	if path == "-" {
		data, err = io.ReadAll(io.LimitReader(e.stdin, maxInputBytes+1))
	} else {
		data, err = readLimited(path, maxInputBytes+1)
	}
	if err == nil && len(data) > maxInputBytes {
		err = fmt.Errorf("%s is larger than %d bytes", displayName(path), maxInputBytes)
	}
	return data, err
}
