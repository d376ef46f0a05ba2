package schema_test

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/esgen/esgen/schema"
	"github.com/esgen/esgen/schema/generate"
)

// TestSchemaIsCurrent fails when the esspec types changed and
// schema/esgen.schema.json was not regenerated (make schema).
func TestSchemaIsCurrent(t *testing.T) {
	t.Chdir("..") // Generate reads the esspec sources for descriptions.
	got, err := generate.Generate()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, schema.JSON) {
		t.Fatal("schema/esgen.schema.json is stale: run make schema and commit it")
	}
}

func TestSchemaIsJSON(t *testing.T) {
	var s map[string]any
	if err := json.Unmarshal(schema.JSON, &s); err != nil {
		t.Fatal(err)
	}
	if s["$id"] != generate.ID {
		t.Errorf("$id = %v, want %s", s["$id"], generate.ID)
	}
}
