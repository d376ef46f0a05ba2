package main

import "github.com/esgen/esgen/schema"

// cmdCRD prints the CustomResourceDefinition of ElasticsearchCluster, so
// that a platform can store specs as objects (esgen crd | kubectl apply -f -)
// and have the API server check them against the same types as esgen.
func cmdCRD(e *env, args []string) error { return e.printEmbedded("crd", args, schema.CRD) }
