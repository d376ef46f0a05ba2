package esspec

import (
	"slices"
	"strings"
)

// toolPrefixes are the annotation prefixes of what kustomize, kpt and the
// KRM function framework put on resources they pass around: the function
// a generator names, local-config, the file, index and id of each item,
// kustomize's resource ids and build metadata.
var toolPrefixes = []string{
	"config.kubernetes.io/",
	"internal.config.kubernetes.io/",
	"alpha.config.kubernetes.io/",
	"kustomize.config.k8s.io/",
	"config.k8s.io/",
}

// lastApplied is kubectl apply's copy of what it applied, found on a spec
// read back from a cluster.
const lastApplied = "kubectl.kubernetes.io/last-applied-configuration"

// IsToolAnnotation reports whether an annotation on a spec belongs to the
// tools that handed it over rather than to the user. Render copies a
// spec's other metadata.annotations onto every object, and these must not
// follow: config.kubernetes.io/function would turn every object into a
// function call for kustomize, config.kubernetes.io/local-config would
// make it drop them, and a path or index would make kpt write them all
// into the spec's file.
func IsToolAnnotation(key string) bool {
	return key == lastApplied || slices.ContainsFunc(toolPrefixes, func(p string) bool { return strings.HasPrefix(key, p) })
}
