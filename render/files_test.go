package render_test

import (
	"testing"

	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"

	"github.com/esgen/esgen/diff"
	"github.com/esgen/esgen/render"
)

// TestFilesBuildToTheStream: the kustomize layout of render -o DIR builds
// into exactly the objects of the stream, in the same order.
func TestFilesBuildToTheStream(t *testing.T) {
	for _, path := range examplePaths(t) {
		t.Run(exampleName(path), func(t *testing.T) {
			objs, err := render.Render(loadSpec(t, path))
			if err != nil {
				t.Fatal(err)
			}
			stream, err := objs.YAML()
			if err != nil {
				t.Fatal(err)
			}
			files, err := objs.Files(true)
			if err != nil {
				t.Fatal(err)
			}
			fs := filesys.MakeFsInMemory()
			for _, f := range files {
				if err := fs.WriteFile("/out/"+f.Name, f.Data); err != nil {
					t.Fatal(err)
				}
			}
			res, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(fs, "/out")
			if err != nil {
				t.Fatalf("kustomize build: %v", err)
			}
			built, err := res.AsYaml()
			if err != nil {
				t.Fatal(err)
			}
			// kustomize writes its own YAML; compare the objects, decoded.
			want, got := decodeManifest(t, stream), decodeManifest(t, normalize(t, built))
			if len(got.order) != len(want.order) {
				t.Fatalf("built %d objects, want %d", len(got.order), len(want.order))
			}
			for i := range want.order {
				if got.order[i] != want.order[i] {
					t.Errorf("object %d is %s, want %s", i, got.order[i], want.order[i])
				}
			}
		})
	}
}

// normalize re-encodes kustomize's YAML stream the way esgen writes it.
func normalize(t *testing.T, stream []byte) []byte {
	t.Helper()
	objs, err := diff.ParseManifests(stream)
	if err != nil {
		t.Fatal(err)
	}
	out, err := objs.YAML()
	if err != nil {
		t.Fatal(err)
	}
	return out
}
