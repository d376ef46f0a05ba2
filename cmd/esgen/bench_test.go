package main

import (
	"io"
	"testing"
)

// BenchmarkCLIRender measures one `esgen render` of the production
// example inside the process: reading, validating, rendering, writing.
func BenchmarkCLIRender(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if code := run([]string{"render", "../../examples/production.yaml"}, nil, io.Discard, io.Discard); code != exitOK {
			b.Fatalf("exit %d", code)
		}
	}
}
