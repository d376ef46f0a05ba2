// Command esgen renders a typed Elasticsearch cluster spec into
// deterministic Kubernetes manifests. It is a thin shell over the esspec
// and render packages: each command parses its flags and calls them.
//
// Usage:
//
//	esgen render SPEC [-o DIR]   print (or write) the cluster's manifests; SPEC may be - for stdin
//	esgen render SPEC... -o DIR  render many specs in parallel
//	esgen validate SPEC          report errors and warnings [--strict] [-o yaml]
//	esgen describe SPEC          print the layout: placement groups, racks, Services
//	esgen check SPEC             Elasticsearch's bootstrap checks against the pods [-o json]
//	esgen diff OLD NEW           what applying NEW over OLD does to a running cluster
//	esgen rollout SPEC           the runbook that restarts stale pods one at a time
//	esgen schema                 print the spec's JSON Schema
//	esgen crd                    print the CustomResourceDefinition of ElasticsearchCluster
//	esgen fn                     run as a KRM function: a ResourceList on stdin, specs rendered
//	esgen version                print esgen's version
//
// Exit status: 0 ok, 1 invalid input (a failing check, an unsafe diff),
// 2 usage error.
package main

import "os"

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
