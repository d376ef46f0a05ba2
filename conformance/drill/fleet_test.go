package drill

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"sigs.k8s.io/yaml"
)

func TestLoadFleet(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		servers  []string
		err      string
	}{
		{"fleet", `apiVersion: esgen.dev/v1alpha1
kind: Fleet
rackLabel: esaas.hosts.rack
racks:
- {name: r1, servers: 2, cpu: "32", memory: 128Gi}
- {name: r2, zone: z2, servers: 1, cpu: "32", memory: 128Gi}
`, []string{"r1-s01 r1 ", "r1-s02 r1 ", "r2-s01 r2 z2"}, ""},
		{"node list", `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Node
  metadata: {name: a, labels: {topology.kubernetes.io/rack: x}}
  status: {allocatable: {cpu: "4", memory: 8Gi}}
`, []string{"a x "}, ""},
		{"unknown field", "apiVersion: esgen.dev/v1alpha1\nkind: Fleet\nrackz: []\n", nil, `unknown field "rackz"`},
		{"no racks", "apiVersion: esgen.dev/v1alpha1\nkind: Fleet\n", nil, "fleet.racks: Required value"},
		{"bad rack name", "apiVersion: esgen.dev/v1alpha1\nkind: Fleet\nracks: [{name: R_1, servers: 1, cpu: '1', memory: 1Gi}]\n", nil, `fleet.racks[0].name: Invalid value: "R_1"`},
		{"no servers", "apiVersion: esgen.dev/v1alpha1\nkind: Fleet\nracks: [{name: r1, servers: 0, cpu: '1', memory: 1Gi}]\n", nil, "fleet.racks[0].servers: Invalid value: 0"},
		{"no cpu", "apiVersion: esgen.dev/v1alpha1\nkind: Fleet\nracks: [{name: r1, servers: 1}]\n", nil, "fleet.racks[0]: cpu and memory"},
		{"other kind", "apiVersion: v1\nkind: Pod\n", nil, `fleet: kind "Pod"`},
		{"empty list", "apiVersion: v1\nkind: NodeList\nitems: []\n", nil, "no items"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := LoadFleet([]byte(tc.in))
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, s := range f.servers(DefaultRackLabel) {
				got = append(got, s.node.Name+" "+s.rack+" "+s.zone)
			}
			if diff := cmp.Diff(tc.servers, got); diff != "" {
				t.Errorf("servers (-want +got):\n%s", diff)
			}
		})
	}
}

// TestFleetForRoundTrips: a sized fleet written as a file loads back the
// same.
func TestFleetForRoundTrips(t *testing.T) {
	for name, spec := range examples(t) {
		f := FleetFor(spec)
		data, err := f.YAML()
		if err != nil {
			t.Fatal(err)
		}
		back, err := LoadFleet(data)
		if err != nil {
			t.Fatalf("%s: %v\n%s", name, err, data)
		}
		if diff := cmp.Diff(nodesYAML(t, f), nodesYAML(t, back)); diff != "" {
			t.Errorf("%s: (-sized +loaded):\n%s", name, diff)
		}
	}
}

func nodesYAML(t *testing.T, f *Fleet) string {
	var b strings.Builder
	for _, s := range f.servers("") {
		data, err := yaml.Marshal(s.node)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(data)
	}
	return b.String()
}
