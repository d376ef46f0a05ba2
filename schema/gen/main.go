// Command gen writes schema/esgen.schema.json from the esspec types. Run
// it from the repository root: make schema.
package main

import (
	"fmt"
	"os"

	"github.com/esgen/esgen/schema"
)

func main() {
	out, err := schema.Generate()
	if err != nil {
		fmt.Fprintln(os.Stderr, "schema:", err)
		os.Exit(1)
	}
	if err := os.WriteFile("schema/esgen.schema.json", out, 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "schema:", err)
		os.Exit(1)
	}
}
