package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/yaml"

	"github.com/esgen/esgen/esspec"
	"github.com/esgen/esgen/render"
	"github.com/esgen/esgen/schema"
)

// Exit codes.
const (
	exitOK      = 0
	exitInvalid = 1
	exitUsage   = 2
)

// version is set at build time with -ldflags "-X main.version=v1.2.3";
// otherwise the module version from the build info is used.
var version = ""

const usage = `esgen renders an Elasticsearch cluster spec into Kubernetes manifests.

Usage:
  esgen render SPEC                 print the manifests (SPEC may be - for stdin)
  esgen render SPEC -o DIR [--format kustomize|files|stream]
                                    write one file per object and a kustomization.yaml
  esgen render SPEC... -o OUTDIR    render many specs (files, directories, globs) in
                                    parallel into OUTDIR/<namespace or _>/<name>.yaml
  esgen validate SPEC [--strict] [-o yaml]
                                    report errors and warnings; -o yaml prints the
                                    spec with every default filled in
  esgen describe SPEC               print the layout: placement groups, pods per
                                    rack and role, Services
  esgen check SPEC [-o json]        Elasticsearch's bootstrap checks against the pods
  esgen diff OLD NEW                what applying NEW over OLD does (esgen diff -h)
  esgen rollout SPEC [--by-rack | --full-restart] [--timeout 30m] [-o json]
                                    print the sh runbook that restarts, with kubectl,
                                    the pods whose template is out of date, one at a
                                    time, waiting for the cluster to recover
  esgen schema                      print the spec's JSON Schema
  esgen crd                         print the CustomResourceDefinition of
                                    ElasticsearchCluster, to store specs as objects
  esgen fn                          run as a KRM function (kustomize, kpt, Argo CD):
                                    a ResourceList on stdin, ElasticsearchCluster
                                    items replaced by their rendered objects
  esgen version                     print esgen's version

Exit status: 0 ok, 1 invalid input, 2 usage error.
`

// env is what a command may touch: its input and output streams.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
}

// usageError is a command-line mistake: exit 2 with the usage text.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

// reported means the command already printed its problems to stderr.
var errReported = errors.New("reported")

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr}
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	commands := map[string]func(*env, []string) error{
		"render":   cmdRender,
		"validate": cmdValidate,
		"describe": cmdDescribe,
		"check":    cmdCheck,
		"diff":     cmdDiff,
		"rollout":  cmdRollout,
		"schema":   cmdSchema,
		"crd":      cmdCRD,
		"fn":       cmdFn,
		"version":  cmdVersion,
	}
	name, rest := args[0], args[1:]
	if name == "help" || name == "-h" || name == "--help" {
		fmt.Fprint(stdout, usage)
		return exitOK
	}
	cmd, ok := commands[name]
	if !ok {
		fmt.Fprintf(stderr, "esgen: unknown command %q\n\n%s", name, usage)
		return exitUsage
	}
	err := cmd(e, rest)
	var ue *usageError
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, flag.ErrHelp):
		fmt.Fprint(stdout, usage)
		return exitOK
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "esgen %s: %s\n\n%s", name, ue.msg, usage)
		return exitUsage
	case errors.Is(err, errReported):
		return exitInvalid
	default:
		fmt.Fprintf(stderr, "error: %v\n", err)
		return exitInvalid
	}
}

// parseArgs parses flags that may come before or after the positional
// arguments, as users type them (esgen validate spec.yaml --strict).
// Everything after a "--" is positional.
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	fs.SetOutput(io.Discard)
	var tail []string
	if i := slices.Index(args, "--"); i >= 0 {
		args, tail = args[:i], args[i+1:]
	}
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, &usageError{err.Error()}
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return append(positional, tail...), nil
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
}

// parseSpecArgs parses the flags of a command that takes one SPEC, and
// returns that SPEC.
func parseSpecArgs(fs *flag.FlagSet, args []string) (string, error) {
	positional, err := parseArgs(fs, args)
	if err != nil {
		return "", err
	}
	switch len(positional) {
	case 1:
		return positional[0], nil
	case 0:
		return "", &usageError{"missing SPEC (a file, or - for stdin)"}
	}
	return "", &usageError{fmt.Sprintf("want one SPEC, got %d: %s", len(positional), strings.Join(positional, " "))}
}

// checkOutput refuses an -o value other than the one format a command
// prints besides its default.
func checkOutput(got, want string) error {
	if got != "" && got != want {
		return &usageError{fmt.Sprintf("unknown output format %q: want %s", got, want)}
	}
	return nil
}

// loadSpec reads, defaults and validates a spec, printing every problem
// and warning to stderr. It returns errReported when the spec is invalid.
func (e *env) loadSpec(path string) (*esspec.Cluster, field.ErrorList, error) {
	r, err := e.open(path)
	if err != nil {
		fmt.Fprintf(e.stderr, "error: %v\n", err)
		return nil, nil, errReported
	}
	c, warnings, lines := prepare(displayName(path), r)
	for _, l := range lines {
		fmt.Fprintln(e.stderr, l)
	}
	if c == nil {
		return nil, nil, errReported
	}
	return c, warnings, nil
}

// open returns what a SPEC argument holds: stdin for -, else the file's
// first esspec.MaxSpecBytes+1 bytes, enough for Load to refuse a larger
// one without reading a huge file (or /dev/zero) into memory.
func (e *env) open(path string) (io.Reader, error) {
	if path == "-" {
		return e.stdin, nil
	}
	data, err := readLimited(path, esspec.MaxSpecBytes+1)
	if err != nil {
		return nil, err
	}
	return bytes.NewReader(data), nil
}

// readLimited reads at most limit bytes of a file.
func readLimited(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, limit))
}

// prepare loads, defaults and validates one spec and returns it (nil when
// it is invalid) with its warnings and the lines to print about it, each
// "error: " or "warning: " FILE:LINE: FIELD: detail. It prints nothing,
// so that batch renders can report specs in order.
func prepare(name string, r io.Reader) (*esspec.Cluster, field.ErrorList, []string) {
	c, err := esspec.Load(r)
	if err != nil {
		var le *esspec.LoadError
		if !errors.As(err, &le) {
			return nil, nil, []string{"error: " + err.Error()} // an I/O error names the file itself
		}
		var lines []string
		for _, p := range le.Problems {
			lines = append(lines, "error: "+location(name, p.Line, p.Field, p.Detail))
		}
		return nil, nil, lines
	}
	esspec.SetDefaults(c)
	errs, warnings := esspec.Validate(c)
	var lines []string
	for _, w := range warnings {
		lines = append(lines, "warning: "+location(name, c.LineOf(w.Field), w.Field, w.Detail))
	}
	lines = append(lines, errorLines(name, c, errs)...)
	if len(errs) > 0 {
		return nil, warnings, lines
	}
	return c, warnings, lines
}

// errorLines formats validation errors, or those render returns in an
// *esspec.InvalidError, with the line of the field they name.
func errorLines(name string, c *esspec.Cluster, errs field.ErrorList) []string {
	var lines []string
	for _, fe := range errs {
		lines = append(lines, "error: "+location(name, c.LineOf(fe.Field), fe.Field, fe.ErrorBody()))
	}
	return lines
}

// location writes file:line: field: detail, leaving out what is unknown.
func location(file string, line int, fieldPath, detail string) string {
	var b strings.Builder
	b.WriteString(file)
	if line > 0 {
		fmt.Fprintf(&b, ":%d", line)
	}
	b.WriteString(": ")
	if fieldPath != "" {
		b.WriteString(fieldPath + ": ")
	}
	b.WriteString(detail)
	return b.String()
}

func cmdDescribe(e *env, args []string) error {
	path, err := parseSpecArgs(flag.NewFlagSet("describe", flag.ContinueOnError), args)
	if err != nil {
		return err
	}
	c, _, err := e.loadSpec(path)
	if err != nil {
		return err
	}
	var out strings.Builder
	if err := render.Describe(&out, c); err != nil {
		return e.renderError(path, c, err)
	}
	_, err = io.WriteString(e.stdout, out.String())
	return err
}

func cmdValidate(e *env, args []string) error {
	fs := flag.NewFlagSet("validate", flag.ContinueOnError)
	strict := fs.Bool("strict", false, "treat warnings as errors")
	output := fs.String("o", "", "print the defaulted spec: yaml")
	path, err := parseSpecArgs(fs, args)
	if err != nil {
		return err
	}
	if err := checkOutput(*output, "yaml"); err != nil {
		return err
	}
	c, warnings, err := e.loadSpec(path)
	if err != nil {
		return err
	}
	if *strict && len(warnings) > 0 {
		fmt.Fprintf(e.stderr, "error: %d warning(s) with --strict\n", len(warnings))
		return errReported
	}
	if *output == "yaml" {
		out, err := yaml.Marshal(c)
		if err != nil {
			return err
		}
		_, err = e.stdout.Write(out)
		return err
	}
	fmt.Fprintf(e.stdout, "%s: valid\n", displayName(path))
	return nil
}

func displayName(path string) string {
	if path == "-" {
		return "<stdin>"
	}
	return path
}

// noArgs parses the flags of a command that takes no argument; hint,
// when set, says what it reads instead.
func noArgs(name string, args []string, hint string) error {
	positional, err := parseArgs(flag.NewFlagSet(name, flag.ContinueOnError), args)
	if err != nil {
		return err
	}
	if len(positional) > 0 {
		msg := name + " takes no arguments"
		if hint != "" {
			msg += ": " + hint
		}
		return &usageError{msg}
	}
	return nil
}

// printEmbedded is a command that takes no argument and prints a file
// embedded in the binary.
func (e *env) printEmbedded(name string, args []string, data []byte) error {
	if err := noArgs(name, args, ""); err != nil {
		return err
	}
	_, err := io.Copy(e.stdout, bytes.NewReader(data))
	return err
}

func cmdSchema(e *env, args []string) error { return e.printEmbedded("schema", args, schema.JSON) }

func cmdVersion(e *env, args []string) error {
	if err := noArgs("version", args, ""); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "esgen %s\n", buildVersion())
	return nil
}

func buildVersion() string {
	if version != "" {
		return version
	}
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
		return info.Main.Version
	}
	return "devel"
}
