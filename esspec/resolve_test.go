package esspec_test

import (
	"errors"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/esgen/esgen/esspec"
)

func TestResolve(t *testing.T) {
	c := &esspec.Cluster{
		APIVersion: esspec.APIVersion, Kind: esspec.Kind,
		Metadata: esspec.Metadata{Name: "logs"},
		Spec: esspec.Spec{
			Version:  "8.19.20",
			Profile:  esspec.ProfileProduction,
			Security: esspec.Security{Enabled: new(false)},
			NodeSets: []esspec.NodeSet{
				{Name: "master", Count: new(int32(3)), Roles: []esspec.Role{"master"}},
				// Written out of canonical order.
				{Name: "hot", Count: new(int32(3)), Roles: []esspec.Role{"ingest", "data_content", "data_hot"}},
				{Name: "coord", Count: new(int32(2)), Roles: []esspec.Role{}},
			},
		},
	}
	for i := range c.Spec.NodeSets {
		ns := &c.Spec.NodeSets[i]
		ns.Resources.Memory = new(resource.MustParse("4Gi"))
		if ns.Stateful() {
			ns.Storage.Size = new(resource.MustParse("10Gi"))
		}
	}
	esspec.SetDefaults(c)
	r, err := esspec.Resolve(c)
	if err != nil {
		t.Fatal(err)
	}
	if r.Cluster != c {
		t.Error("Resolved does not hold the spec it resolved")
	}
	if want := (esspec.Version{Major: 8, Minor: 19, Patch: 20}); r.Version != want {
		t.Errorf("Version = %v, want %v", r.Version, want)
	}
	type view struct {
		Name     string
		Index    int
		Roles    []esspec.Role
		Strategy esspec.UpdateStrategy
	}
	var got []view
	for _, ns := range r.NodeSets {
		got = append(got, view{ns.Name, ns.Index, ns.Roles, ns.UpdateStrategy})
	}
	// Production: OnDelete for pods with state, RollingUpdate for the rest.
	want := []view{
		{"master", 0, []esspec.Role{"master"}, esspec.UpdateOnDelete},
		{"hot", 1, []esspec.Role{"ingest", "data_hot", "data_content"}, esspec.UpdateOnDelete},
		{"coord", 2, []esspec.Role{}, esspec.UpdateRollingUpdate},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("nodeSets (-want +got):\n%s", diff)
	}
	// The spec keeps the user's order: the resolved view is a copy.
	if !slices.Equal(c.Spec.NodeSets[1].Roles, []esspec.Role{"ingest", "data_content", "data_hot"}) {
		t.Errorf("Resolve reordered the spec's roles: %v", c.Spec.NodeSets[1].Roles)
	}
	if ns := r.NodeSet("hot"); ns == nil || ns.NodeSet != &c.Spec.NodeSets[1] {
		t.Errorf("NodeSet(hot) = %v, want the spec's nodeSets[1]", ns)
	}
	if ns := r.NodeSet("warm"); ns != nil {
		t.Errorf("NodeSet(warm) = %v, want nil", ns)
	}
}

func TestResolveInvalid(t *testing.T) {
	c := &esspec.Cluster{
		APIVersion: esspec.APIVersion, Kind: esspec.Kind,
		Metadata: esspec.Metadata{Name: "logs"},
		Spec:     esspec.Spec{Version: "8.19", Profile: esspec.ProfileDevelopment},
	}
	esspec.SetDefaults(c)
	r, err := esspec.Resolve(c)
	var invalid *esspec.InvalidError
	if r != nil || !errors.As(err, &invalid) {
		t.Fatalf("Resolve = %v, %v; want nil and an *InvalidError", r, err)
	}
	var fields []string
	for _, e := range invalid.Errors {
		fields = append(fields, e.Field)
	}
	if want := []string{"spec.version", "spec.nodeSets"}; !cmp.Equal(want, fields) {
		t.Errorf("error fields %v, want %v", fields, want)
	}
}
