package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
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

// BenchmarkBatch1000 renders 1,000 generated specs in one batch into a
// directory, as a platform's CI does on every change.
func BenchmarkBatch1000(b *testing.B) {
	specs := b.TempDir()
	for i := range 1000 {
		if err := os.WriteFile(filepath.Join(specs, fmt.Sprintf("s%04d.yaml", i)), []byte(batchSpec(i)), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		if code := run([]string{"render", specs, "-o", b.TempDir()}, nil, io.Discard, io.Discard); code != exitOK {
			b.Fatalf("exit %d", code)
		}
	}
}
