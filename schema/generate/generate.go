// Package generate writes the spec's JSON Schema and the
// ElasticsearchCluster CustomResourceDefinition from the esspec types
// (make schema). It is apart from package schema, which only embeds the
// results, so that the esgen command does not link the JSON Schema
// reflector.
package generate

import (
	"encoding/json"
	"reflect"

	"github.com/invopop/jsonschema"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/esgen/esgen/esspec"
)

// ID is the schema's $id: where editors and tools fetch it from.
const ID = "https://raw.githubusercontent.com/esgen/esgen/main/schema/esgen.schema.json"

// Generate reflects the JSON Schema of esspec.Cluster. Field descriptions
// come from the doc comments of the esspec sources, so it must run from
// the repository root (make schema does).
func Generate() ([]byte, error) {
	r := &jsonschema.Reflector{
		// Fields the spec requires say so in their jsonschema tag; the
		// rest get defaults from esspec.SetDefaults.
		RequiredFromJSONSchemaTags: true,
		Mapper:                     mapType,
	}
	if err := r.AddGoComments("github.com/esgen/esgen", "./esspec"); err != nil {
		return nil, err
	}
	s := r.Reflect(&esspec.Cluster{})
	s.ID = ID
	s.Title = "esgen ElasticsearchCluster spec"
	out, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(out, '\n'), nil
}

// mapType describes types whose JSON form differs from their Go form.
func mapType(t reflect.Type) *jsonschema.Schema {
	if t == reflect.TypeFor[resource.Quantity]() {
		return &jsonschema.Schema{
			AnyOf: []*jsonschema.Schema{
				{Type: "string", Pattern: `^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+|[numkMGTPE]|[KMGTPE]i)?$`},
				{Type: "number"},
			},
			Description: "a Kubernetes quantity, e.g. 8Gi, 500m or 2",
		}
	}
	return nil
}
