// Command gen writes schema/esgen.schema.json and schema/esgen.crd.yaml
// from the esspec types. Run it from the repository root: make schema.
package main

import (
	"fmt"
	"os"

	"github.com/esgen/esgen/schema/generate"
)

func main() {
	for _, f := range []struct {
		path     string
		generate func() ([]byte, error)
	}{
		{"schema/esgen.schema.json", generate.Generate},
		{"schema/esgen.crd.yaml", generate.GenerateCRD},
	} {
		out, err := f.generate()
		if err == nil {
			err = os.WriteFile(f.path, out, 0o644)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "schema:", err)
			os.Exit(1)
		}
	}
}
