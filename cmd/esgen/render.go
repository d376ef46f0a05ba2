package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/esgen/esgen/esspec"
	"github.com/esgen/esgen/render"
)

// Output formats of render -o.
const (
	formatKustomize = "kustomize"
	formatFiles     = "files"
	formatStream    = "stream"
)

// renderError prints the errors render returns for a valid spec (a patch
// that fails, a ConfigMap too large) like validation errors, with lines.
func (e *env) renderError(path string, c *esspec.Cluster, err error) error {
	for _, l := range renderErrorLines(displayName(path), c, err) {
		fmt.Fprintln(e.stderr, l)
	}
	return errReported
}

// renderErrorLines formats an error of render: an *esspec.InvalidError
// field by field, with lines; anything else as it is.
func renderErrorLines(name string, c *esspec.Cluster, err error) []string {
	var invalid *esspec.InvalidError
	if errors.As(err, &invalid) {
		return errorLines(name, c, invalid.Errors)
	}
	return []string{fmt.Sprintf("error: %s: %v", name, err)}
}

func cmdRender(e *env, args []string) error {
	fs := flag.NewFlagSet("render", flag.ContinueOnError)
	out := fs.String("o", "", "write to this directory instead of stdout")
	format := fs.String("format", "", "with -o: kustomize (one file per object and a kustomization.yaml), files, or stream (one file per spec)")
	positional, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(positional) == 0 {
		return &usageError{"missing SPEC (a file, a directory of specs, a glob, or - for stdin)"}
	}
	switch *format {
	case "", formatKustomize, formatFiles, formatStream:
	default:
		return &usageError{fmt.Sprintf("unknown format %q: want kustomize, files or stream", *format)}
	}
	if *format != "" && *out == "" {
		return &usageError{"--format needs -o DIR"}
	}
	specs, batch, err := expandSpecs(positional)
	if err != nil {
		return err
	}
	if batch && *out == "" {
		return &usageError{"rendering several specs needs -o OUTDIR"}
	}
	if !batch && *out == "" {
		return e.renderToStdout(specs[0])
	}
	f := *format
	if f == "" {
		f = formatKustomize
		if batch {
			f = formatStream
		}
	}
	return e.renderToDir(specs, batch, *out, f)
}

// expandSpecs turns the SPEC arguments into spec files: a directory
// stands for its *.yaml and *.yml files, a pattern for its matches. The
// render is a batch unless it is exactly one file (or stdin).
func expandSpecs(args []string) (specs []string, batch bool, err error) {
	for _, a := range args {
		switch info, statErr := os.Stat(a); {
		case a == "-":
			specs = append(specs, a)
		case statErr == nil && info.IsDir():
			batch = true
			for _, pattern := range []string{"*.yaml", "*.yml"} {
				m, _ := filepath.Glob(filepath.Join(a, pattern))
				specs = append(specs, m...)
			}
		case statErr != nil && strings.ContainsAny(a, "*?["):
			batch = true
			m, globErr := filepath.Glob(a)
			if globErr != nil {
				return nil, false, &usageError{fmt.Sprintf("bad pattern %q: %v", a, globErr)}
			}
			if len(m) == 0 {
				return nil, false, &usageError{fmt.Sprintf("no spec matches %q", a)}
			}
			specs = append(specs, m...)
		default:
			specs = append(specs, a)
		}
	}
	slices.Sort(specs)
	specs = slices.Compact(specs)
	if slices.Contains(specs, "-") && len(specs) > 1 {
		return nil, false, &usageError{"- (stdin) cannot be combined with other SPECs"}
	}
	if len(specs) == 0 {
		return nil, false, &usageError{"no spec files found"}
	}
	return specs, batch || len(specs) > 1, nil
}

func (e *env) renderToStdout(path string) error {
	c, _, err := e.loadSpec(path)
	if err != nil {
		return err
	}
	objs, err := render.Render(c)
	if err != nil {
		return e.renderError(path, c, err)
	}
	// Render everything before writing anything: a failure leaves stdout
	// empty rather than holding half a cluster.
	out, err := objs.YAML()
	if err != nil {
		return err
	}
	_, err = e.stdout.Write(out)
	return err
}

// rendered is the outcome of one spec of a batch.
type rendered struct {
	cluster *esspec.Cluster
	files   []render.File // the output, serialised (see serialise)
	err     error         // why it could not be serialised
	lines   []string      // errors and warnings, in order
}

// renderOne prepares, renders and serialises one spec in the format
// without printing or writing: the workers do all of it, so that a batch
// serialises on every core.
func (e *env) renderOne(path, format string) rendered {
	r, err := e.open(path)
	if err != nil {
		return rendered{lines: []string{"error: " + err.Error()}}
	}
	name := displayName(path)
	c, _, lines := prepare(name, r)
	if c == nil {
		return rendered{lines: lines}
	}
	objs, err := render.Render(c)
	if err != nil {
		return rendered{lines: append(lines, renderErrorLines(name, c, err)...)}
	}
	files, err := serialise(format, objs)
	return rendered{cluster: c, files: files, err: err, lines: lines}
}

// renderAll renders specs on up to GOMAXPROCS goroutines; results come
// back in the order of specs, whatever the scheduling.
func (e *env) renderAll(specs []string, format string) []rendered {
	results := make([]rendered, len(specs))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(specs)) {
		wg.Go(func() {
			for i := range next {
				results[i] = e.renderOne(specs[i], format)
			}
		})
	}
	progress := e.progress(len(specs))
	for i := range specs {
		next <- i
		progress(i)
	}
	close(next)
	wg.Wait()
	progress(len(specs))
	return results
}

// progress returns a function that shows "rendered i/n" on stderr when it
// is a terminal and the batch is large enough to wait for.
func (e *env) progress(n int) func(int) {
	f, ok := e.stderr.(*os.File)
	if !ok || n < 50 {
		return func(int) {}
	}
	if info, err := f.Stat(); err != nil || info.Mode()&os.ModeCharDevice == 0 {
		return func(int) {}
	}
	return func(i int) {
		fmt.Fprintf(f, "\rrendering %d/%d", i, n)
		if i == n {
			fmt.Fprint(f, "\r\033[K")
		}
	}
}

// renderToDir renders specs and writes each into dir in the format. Every
// good spec is written even when others fail; the failures are reported
// in order, with a summary, and the command exits 1.
func (e *env) renderToDir(specs []string, batch bool, dir, format string) error {
	results := e.renderAll(specs, format)
	written := map[string]string{} // output path -> spec
	failed := 0
	for i, res := range results {
		for _, l := range res.lines {
			fmt.Fprintln(e.stderr, l)
		}
		if res.cluster == nil {
			failed++
			continue
		}
		base := dir
		if batch || format == formatStream {
			base = filepath.Join(dir, orUnderscore(res.cluster.Metadata.Namespace), res.cluster.Metadata.Name)
		}
		if other, dup := written[base]; dup {
			fmt.Fprintf(e.stderr, "error: %s: renders to %s, as %s does: give the clusters different names or namespaces\n", displayName(specs[i]), base, other)
			failed++
			continue
		}
		written[base] = displayName(specs[i])
		err := res.err
		if err == nil {
			err = writeOutput(base, format, res.files)
		}
		if err != nil {
			fmt.Fprintf(e.stderr, "error: %s: %v\n", displayName(specs[i]), err)
			failed++
		}
	}
	if failed > 0 {
		if batch {
			fmt.Fprintf(e.stderr, "esgen: %d of %d specs failed; the others were written to %s\n", failed, len(specs), dir)
		}
		return errReported
	}
	return nil
}

func orUnderscore(namespace string) string {
	if namespace == "" {
		return "_"
	}
	return namespace
}

// serialise turns one cluster's objects into its output: one stream
// (stream), or one file per object (files), plus a kustomization.yaml
// listing them (kustomize).
func serialise(format string, objs render.Objects) ([]render.File, error) {
	if format == formatStream {
		data, err := objs.YAML()
		return []render.File{{Data: data}}, err
	}
	return objs.Files(format == formatKustomize)
}

// writeOutput writes one cluster's output: as base.yaml (stream), or as
// files in the directory base.
func writeOutput(base, format string, files []render.File) error {
	if format == formatStream {
		if err := os.MkdirAll(filepath.Dir(base), 0o755); err != nil {
			return err
		}
		return os.WriteFile(base+".yaml", files[0].Data, 0o644)
	}
	if err := os.MkdirAll(base, 0o755); err != nil {
		return err
	}
	for _, f := range files {
		if err := os.WriteFile(filepath.Join(base, f.Name), f.Data, 0o644); err != nil {
			return err
		}
	}
	return nil
}
