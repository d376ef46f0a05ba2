package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// batchSpec is the i-th spec of a batch: versions, counts, racks and
// namespaces vary so that the renders differ.
func batchSpec(i int) string {
	versions := []string{"6.8.23", "7.8.1", "7.17.29", "8.5.3", "8.19.20", "9.5.2"}
	racks := ""
	if i%3 == 0 {
		racks = "  topology: {rackLabel: rack, racks: [a, b, c]}\n"
	}
	namespace := ""
	if i%2 == 0 {
		namespace = fmt.Sprintf(", namespace: ns-%d", i%5)
	}
	return fmt.Sprintf(`apiVersion: esgen.dev/v1alpha1
kind: ElasticsearchCluster
metadata: {name: c%03d%s}
spec:
  version: %s
  security: {enabled: false}
%s  nodeSets:
  - {name: master, count: 3, roles: [master], resources: {memory: 2Gi}, storage: {size: 10Gi}}
  - {name: data, count: %d, roles: [data], resources: {memory: %dGi}, storage: {size: 10Gi}}
`, i, namespace, versions[i%len(versions)], racks, 1+i%7, 2+i%5)
}

// TestBatchEqualsSingleRenders: a batch render writes, for every spec,
// exactly what a render of that spec alone prints, whatever the order the
// goroutines finish in.
func TestBatchEqualsSingleRenders(t *testing.T) {
	specs, out := t.TempDir(), t.TempDir()
	const n = 50
	for i := range n {
		if err := os.WriteFile(filepath.Join(specs, fmt.Sprintf("s%03d.yaml", i)), []byte(batchSpec(i)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var stderr bytes.Buffer
	if code := run([]string{"render", specs, "-o", out}, nil, io.Discard, &stderr); code != exitOK {
		t.Fatalf("batch exit %d: %s", code, &stderr)
	}
	for i := range n {
		var single bytes.Buffer
		path := filepath.Join(specs, fmt.Sprintf("s%03d.yaml", i))
		if code := run([]string{"render", path}, nil, &single, io.Discard); code != exitOK {
			t.Fatalf("render %s: exit %d", path, code)
		}
		ns := "_"
		if i%2 == 0 {
			ns = fmt.Sprintf("ns-%d", i%5)
		}
		got, err := os.ReadFile(filepath.Join(out, ns, fmt.Sprintf("c%03d.yaml", i)))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, single.Bytes()) {
			t.Errorf("spec %d: the batch wrote something else than its single render", i)
		}
	}
}
