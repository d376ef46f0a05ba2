// Package schema holds the JSON Schema of the esgen spec, generated from
// the esspec types (make schema) and embedded so that `esgen schema` and
// editors need nothing else.
package schema

import (
	_ "embed"
)

// JSON is the JSON Schema of the spec (schema/esgen.schema.json).
//
//go:embed esgen.schema.json
var JSON []byte
