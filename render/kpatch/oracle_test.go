package kpatch_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	sigsyaml "sigs.k8s.io/yaml"

	"github.com/esgen/esgen/esspec"
	"github.com/esgen/esgen/render"
	"github.com/esgen/esgen/render/kpatch"
)

// kustomize is the oracle: the kustomization esgen ran before kpatch, a
// stream of objects as its only resource and one patch, and the JSON of
// each object it builds.
func kustomize(stream []byte, patch string, target *kpatch.Target) (out []string, err error) {
	// kustomize panics on a patch that gives two objects one id.
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, fmt.Errorf("kustomize panics: %v", r)
		}
	}()
	entry := map[string]any{"patch": patch}
	if target != nil {
		t := map[string]string{}
		for k, v := range map[string]string{"group": target.Group, "version": target.Version, "kind": target.Kind,
			"name": target.Name, "namespace": target.Namespace, "labelSelector": target.LabelSelector,
			"annotationSelector": target.AnnotationSelector} {
			if v != "" {
				t[k] = v
			}
		}
		entry["target"] = t
	}
	k := map[string]any{"resources": []string{"objects.yaml"}, "patches": []any{entry}}
	kustomization, err := sigsyaml.Marshal(k)
	if err != nil {
		return nil, err
	}
	fs := filesys.MakeFsInMemory()
	if err := fs.WriteFile("/esgen/objects.yaml", stream); err != nil {
		return nil, err
	}
	if err := fs.WriteFile("/esgen/kustomization.yaml", kustomization); err != nil {
		return nil, err
	}
	resources, err := krusty.MakeKustomizer(krusty.MakeDefaultOptions()).Run(fs, "/esgen")
	if err != nil {
		return nil, err
	}
	for _, r := range resources.Resources() {
		data, err := r.MarshalJSON()
		if err != nil {
			return nil, err
		}
		out = append(out, string(data))
	}
	return out, nil
}

// ours runs kpatch on the same stream.
func ours(stream []byte, patch string, target *kpatch.Target) ([]string, error) {
	nodes, err := parseStream(stream)
	if err != nil {
		return nil, err
	}
	nodes, err = kpatch.Apply(nodes, patch, target)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, n := range nodes {
		data, err := kpatch.ToJSON(n)
		if err != nil {
			return nil, err
		}
		out = append(out, string(data))
	}
	return out, nil
}

func parseStream(stream []byte) ([]*yaml.Node, error) {
	var nodes []*yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(stream))
	for {
		var doc yaml.Node
		if err := dec.Decode(&doc); errors.Is(err, io.EOF) {
			return nodes, nil
		} else if err != nil {
			return nil, err
		}
		nodes = append(nodes, doc.Content[0])
	}
}

// compare runs both and reports a difference: other objects, or one
// refusing what the other applies. Objects that do not decode into
// their Go types count as refused, as render refuses them.
func compare(stream []byte, patch string, target *kpatch.Target) error {
	want, wantErr := typed(kustomize(stream, patch, target))
	got, gotErr := typed(ours(stream, patch, target))
	switch {
	case wantErr != nil && gotErr != nil:
		return nil
	case wantErr != nil:
		return fmt.Errorf("kustomize refuses (%v), kpatch applies", wantErr)
	case gotErr != nil && strings.Contains(gotErr.Error(), "rename through the spec"):
		// The one deliberate difference: kustomize renames the object
		// and the references to it; kpatch refuses a rename.
		return nil
	case gotErr != nil:
		return fmt.Errorf("kpatch refuses (%v), kustomize applies", gotErr)
	}
	if len(got) != len(want) {
		return fmt.Errorf("kpatch leaves %d objects, kustomize %d", len(got), len(want))
	}
	for i := range got {
		if got[i] != want[i] {
			return fmt.Errorf("object %d:\nkpatch:    %s\nkustomize: %s", i, jsonDiff(got[i], want[i]), jsonDiff(want[i], got[i]))
		}
	}
	return nil
}

// jsonDiff shortens a to the region where it differs from b.
func jsonDiff(a, b string) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	from, to := max(0, i-150), min(len(a), i+250)
	return a[from:to]
}

// exampleStreams renders every example spec.
func exampleStreams(t testing.TB) map[string][]byte {
	files, err := filepath.Glob("../../examples/*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		c, err := esspec.Parse(data)
		if err != nil {
			t.Fatal(err)
		}
		esspec.SetDefaults(c)
		c.Spec.Patches = nil
		objs, err := render.Render(c)
		if err != nil {
			t.Fatal(err)
		}
		y, err := objs.YAML()
		if err != nil {
			t.Fatal(err)
		}
		out[strings.TrimSuffix(filepath.Base(f), ".yaml")] = y
	}
	return out
}

// typed checks that every object decodes strictly into its Go type, as
// render reads patched objects back.
func typed(objs []string, err error) ([]string, error) {
	if err != nil {
		return nil, err
	}
	for _, o := range objs {
		var meta struct{ APIVersion, Kind string }
		if err := json.Unmarshal([]byte(o), &meta); err != nil {
			return nil, err
		}
		obj := render.NewObject(meta.APIVersion, meta.Kind)
		if obj == nil {
			continue
		}
		dec := json.NewDecoder(strings.NewReader(o))
		dec.DisallowUnknownFields()
		if err := dec.Decode(obj); err != nil {
			return nil, fmt.Errorf("%s: %w", meta.Kind, err)
		}
	}
	return objs, nil
}
