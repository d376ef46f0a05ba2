// Package schema holds the JSON Schema of the esgen spec and the
// CustomResourceDefinition that stores specs as ElasticsearchCluster
// objects, both generated from the esspec types (make schema) and embedded
// so that `esgen schema`, `esgen crd` and editors need nothing else.
package schema

import (
	_ "embed"
)

// JSON is the JSON Schema of the spec (schema/esgen.schema.json).
//
//go:embed esgen.schema.json
var JSON []byte

// CRD is the CustomResourceDefinition of ElasticsearchCluster, in YAML
// (schema/esgen.crd.yaml).
//
//go:embed esgen.crd.yaml
var CRD []byte
