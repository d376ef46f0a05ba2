package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

const hostileHead = "apiVersion: esgen.dev/v1alpha1\nkind: ElasticsearchCluster\n"

// aliasBomb nests 12 levels of ten aliases: 10^12 nodes once expanded.
func aliasBomb() string {
	var b strings.Builder
	b.WriteString(hostileHead + "metadata: {name: logs}\nspec:\n  nodeSets:\n  - name: a\n    config:\n      l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i < 12; i++ {
		fmt.Fprintf(&b, "      l%d: &l%d [%s]\n", i, i, strings.TrimSuffix(strings.Repeat(fmt.Sprintf("*l%d, ", i-1), 10), ", "))
	}
	return b.String()
}

// TestHostileInput: each input exits 1, prints nothing on stdout, says
// where the problem is, and neither panics nor takes long, through every
// command that reads a spec.
func TestHostileInput(t *testing.T) {
	for _, tc := range []struct {
		name, spec, want string
	}{
		{"syntax error", hostileHead + "metadata:\n  name: [logs\n", `^error: \S+:3: YAML syntax error: `},
		{"several MiB", hostileHead + "# " + strings.Repeat("x", 5<<20) + "\n", `^error: \S+: spec is larger than 1048576 bytes`},
		{"alias bomb", aliasBomb(), `^error: \S+:\d+: spec\.nodeSets\[0\]\.config.*: spec has more than 100000 YAML nodes once aliases are expanded`},
		{"duplicate key", hostileHead + "metadata:\n  name: logs\n  name: other\n", `^error: \S+:5: metadata\.name: duplicate key \(first at line 4\)`},
		{"second document", hostileHead + "metadata: {name: logs}\n---\n" + hostileHead, `^error: \S+:4: a spec file holds one document`},
		{"not UTF-8", hostileHead + "metadata: {name: \"\xff\xfe\"}\n", `^error: \S+:3: spec is not valid UTF-8`},
		{"count 10^12", hostileHead + "metadata: {name: logs}\nspec:\n  version: 8.19.20\n  nodeSets:\n  - {name: a, count: 1000000000000}\n",
			`^error: \S+:7: spec\.nodeSets\[0\]\.count: number 1000000000000 is out of range`},
		{"heap 10^20", hostileHead + "metadata: {name: logs}\nspec:\n  version: 8.19.20\n  security: {enabled: false}\n  nodeSets:\n  - {name: a, count: 1, heap: 100000000000000000000g, resources: {memory: 1Gi}}\n",
			`^error: \S+:8: spec\.nodeSets\[0\]\.heap: Invalid value: "100000000000000000000g": is out of range`},
		{"unicode name", hostileHead + "metadata: {name: lögs}\nspec:\n  version: 8.19.20\n  nodeSets:\n  - {name: a, count: 1}\n",
			`^error: \S+:3: metadata\.name: Invalid value: "lögs": a DNS-1035 label`},
		{"uppercase name", hostileHead + "metadata: {name: logs}\nspec:\n  version: 8.19.20\n  nodeSets:\n  - {name: Data, count: 1}\n",
			`^error: \S+:7: spec\.nodeSets\[0\]\.name: Invalid value: "Data": a lowercase RFC 1123 label`},
		{"empty file", "", `^error: \S+: spec is empty`},
		{"null document", "~\n", `^error: \S+:1: spec is empty`},
		{"null spec", hostileHead + "metadata: {name: logs}\nspec: null\n", `^error: \S+:4: spec\.version: Required value`},
		{"null metadata", hostileHead + "metadata: null\nspec: {version: 8.19.20, nodeSets: [{name: a, count: 1}]}\n", `^error: \S+:3: metadata\.name: Required value`},
		{"null nodeSet", hostileHead + "metadata: {name: logs}\nspec: {version: 8.19.20, nodeSets: [null]}\n", `^error: \S+:4: spec\.nodeSets\[0\]\.name: Required value`},
		{"null count", hostileHead + "metadata: {name: logs}\nspec: {version: 8.19.20, nodeSets: [{name: a, count: null}]}\n", `^error: \S+:4: spec\.nodeSets\[0\]\.count: Required value`},
		{"a list", "- a\n- b\n", `^error: \S+:1: must be a mapping, not a list`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "spec.yaml")
			if err := os.WriteFile(path, []byte(tc.spec), 0o644); err != nil {
				t.Fatal(err)
			}
			want := regexp.MustCompile("(?m)" + tc.want)
			for _, cmd := range [][]string{{"render", path}, {"validate", path}, {"describe", path}, {"check", path}, {"render", path, "-o", t.TempDir()}} {
				var stdout, stderr bytes.Buffer
				code := run(cmd, nil, &stdout, &stderr)
				if code != exitInvalid || stdout.Len() > 0 || !want.Match(stderr.Bytes()) {
					t.Errorf("esgen %s: exit %d, stdout %d bytes, stderr:\n%s\nwant exit 1, no stdout, stderr matching %s",
						cmd[0], code, stdout.Len(), stderr.String(), tc.want)
				}
			}
		})
	}
}

// TestEndlessInput: a file that never ends is refused after its first
// bytes past the size limit, by every command, instead of being read
// into memory.
func TestEndlessInput(t *testing.T) {
	const endless = "/dev/zero"
	if _, err := os.Stat(endless); err != nil {
		t.Skipf("no %s here", endless)
	}
	spec := filepath.Join(t.TempDir(), "spec.yaml")
	if err := os.WriteFile(spec, []byte(hostileHead+"metadata: {name: logs}\nspec: {version: 8.19.20, nodeSets: [{name: a, count: 1}]}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		cmd  []string
		want string
	}{
		{[]string{"render", endless}, `^error: /dev/zero: spec is larger than 1048576 bytes`},
		{[]string{"validate", endless}, `^error: /dev/zero: spec is larger than 1048576 bytes`},
		{[]string{"render", endless, "-o", t.TempDir()}, `^error: /dev/zero: spec is larger than 1048576 bytes`},
		{[]string{"diff", endless, spec}, `^error: /dev/zero is larger than 16777216 bytes`},
		{[]string{"diff", "--rendered", spec, endless}, `^error: /dev/zero is larger than 16777216 bytes`},
	} {
		var stdout, stderr bytes.Buffer
		code := run(tc.cmd, nil, &stdout, &stderr)
		if code != exitInvalid || stdout.Len() > 0 || !regexp.MustCompile("(?m)"+tc.want).Match(stderr.Bytes()) {
			t.Errorf("esgen %s: exit %d, stdout %d bytes, stderr:\n%s\nwant exit 1, no stdout, stderr matching %s",
				strings.Join(tc.cmd, " "), code, stdout.Len(), stderr.String(), tc.want)
		}
	}
}
