package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"go.yaml.in/yaml/v3"

	"github.com/esgen/esgen/krm/specs"
)

// maxResourceListBytes bounds what esgen fn reads from stdin. A
// ResourceList holds a whole kustomization, so the limit is far above
// one spec's, but stdin that never ends (/dev/zero) is still refused
// instead of filling memory.
const maxResourceListBytes = 64 << 20

// resourceListKind is the only input esgen fn takes. kyaml's reader would
// also accept a bare stream of resources and write it back bare, but a
// spec piped in by mistake is esgen render's job, which prints it exactly.
const resourceListKind = "ResourceList"

// cmdFn runs esgen as a KRM function (see package krm): a ResourceList on
// stdin, the same list with specs replaced by their objects on stdout.
// Unlike the other commands it writes stdout when a spec is invalid: the
// function specification wants the results there, and the exit status
// says that they hold an error. stderr gets them too, one line each, as
// kustomize shows a function's stderr and not its results.
func cmdFn(e *env, args []string) error {
	if err := noArgs("fn", args, "it reads a ResourceList on stdin"); err != nil {
		return err
	}
	input, err := io.ReadAll(io.LimitReader(e.stdin, maxResourceListBytes+1))
	if err != nil {
		return err
	}
	if len(input) > maxResourceListBytes {
		return fmt.Errorf("stdin: the ResourceList is larger than %d bytes", maxResourceListBytes)
	}
	var out bytes.Buffer
	results, err := execute(input, &out)
	if errors.Is(err, errNotList) {
		return fmt.Errorf("stdin holds no ResourceList (kind: %s); to render a spec file, use esgen render", resourceListKind)
	}
	if err != nil {
		return fmt.Errorf("stdin: %v", err)
	}
	for _, r := range results {
		fmt.Fprintln(e.stderr, resultLine(r))
	}
	if _, werr := e.stdout.Write(out.Bytes()); werr != nil {
		return werr
	}
	if specs.HasError(results) {
		return errReported
	}
	return nil
}

// execute runs specs.Process on a ResourceList as kyaml's
// framework.Execute runs krm.Process over a kio.ByteReadWriter with
// KeepReaderAnnotations: read the items, keep the orchestrator's
// annotations in step, write the items back with the results, which on
// an error hold it and leave the items as they came. What it writes is
// framework.Execute's output byte for byte (TestFnDifferential); esgen
// does it itself so that the esgen binary does not link kyaml.
func execute(input []byte, w io.Writer) ([]*specs.Result, error) {
	list, err := readResourceList(input)
	if errors.Is(err, errNotList) {
		return nil, err
	}
	if err != nil {
		return nil, fmt.Errorf("failed to read ResourceList input: %w", err)
	}
	originals, err := preprocessAnnotations(list.items)
	if err != nil {
		return nil, err
	}
	items, results := specs.Process(list.items, list.functionConfig)
	if err := reconcileAnnotations(items, originals); err != nil {
		return nil, err
	}
	if len(results) > 0 {
		if list.results, err = resultsNode(results); err != nil {
			return nil, err
		}
	}
	return results, writeResourceList(w, list, items)
}

// resultsNode returns the results as framework.Execute puts them in the
// ResourceList: marshalled with kyaml's encoder settings, then parsed.
func resultsNode(results []*specs.Result) (*yaml.Node, error) {
	var b bytes.Buffer
	if err := encode(&b, results); err != nil {
		return nil, err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(b.Bytes(), &doc); err != nil {
		return nil, err
	}
	return doc.Content[0], nil
}

// resultLine writes a result as esgen writes its problems:
// "error: WHERE: FIELD: message", WHERE being the file the spec came from
// or, for a generator's config, which comes without one, the spec's kind,
// namespace and name.
func resultLine(r *specs.Result) string {
	where := "ResourceList"
	switch {
	case r.File != nil && r.File.Path != "":
		where = r.File.Path
	case r.ResourceRef != nil:
		where = r.ResourceRef.Kind + " " + r.ResourceRef.Name
		if r.ResourceRef.Namespace != "" {
			where = r.ResourceRef.Kind + " " + r.ResourceRef.Namespace + "/" + r.ResourceRef.Name
		}
	}
	fieldPath := ""
	if r.Field != nil {
		fieldPath = r.Field.Path
	}
	return string(r.Severity) + ": " + location(where, 0, fieldPath, r.Message)
}
