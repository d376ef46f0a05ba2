package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/kio"

	"github.com/esgen/esgen/krm"
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
	rw := &kio.ByteReadWriter{Reader: bytes.NewReader(input), Writer: &out, KeepReaderAnnotations: true}
	var results framework.Results
	notList := errors.New("not a ResourceList")
	process := framework.ResourceListProcessorFunc(func(rl *framework.ResourceList) error {
		// Read has run: the reader knows what wrapped the items.
		if rw.WrappingKind != resourceListKind {
			return notList
		}
		err := krm.Process(rl)
		results = rl.Results
		return err
	})
	err = framework.Execute(process, rw)
	if errors.Is(err, notList) {
		return fmt.Errorf("stdin holds no ResourceList (kind: %s); to render a spec file, use esgen render", resourceListKind)
	}
	var failed framework.Results
	if err != nil && !errors.As(err, &failed) {
		return fmt.Errorf("stdin: %v", err)
	}
	for _, r := range results {
		fmt.Fprintln(e.stderr, resultLine(r))
	}
	if _, werr := e.stdout.Write(out.Bytes()); werr != nil {
		return werr
	}
	if err != nil {
		return errReported
	}
	return nil
}

// resultLine writes a result as esgen writes its problems:
// "error: WHERE: FIELD: message", WHERE being the file the spec came from
// or, for a generator's config, which comes without one, the spec's kind,
// namespace and name.
func resultLine(r *framework.Result) string {
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
