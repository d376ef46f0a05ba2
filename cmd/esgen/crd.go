package main

import (
	"bytes"
	"flag"
	"io"

	"github.com/esgen/esgen/schema"
)

// cmdCRD prints the CustomResourceDefinition of ElasticsearchCluster, so
// that a platform can store specs as objects (esgen crd | kubectl apply -f -)
// and have the API server check them against the same types as esgen.
func cmdCRD(e *env, args []string) error {
	positional, err := parseArgs(flag.NewFlagSet("crd", flag.ContinueOnError), args)
	if err != nil {
		return err
	}
	if len(positional) > 0 {
		return &usageError{"crd takes no arguments"}
	}
	_, err = io.Copy(e.stdout, bytes.NewReader(schema.CRD))
	return err
}
