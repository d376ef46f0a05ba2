package render

import (
	"bytes"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/yaml"

	"github.com/esgen/esgen/esspec"
)

// applyPatches applies spec.patches to the rendered objects with
// kustomize, in memory, one patch per run so that an error names the
// patch it comes from. A patch that changes nothing (its target matches
// no object) is an error: it is almost always a typo in the target.
// Patches come after the config hash: a patch to a ConfigMap does not
// roll the pods (use the nodeSet's config for that).
func applyPatches(c *esspec.Resolved, objs Objects) (Objects, error) {
	if len(c.Spec.Patches) == 0 {
		return objs, nil
	}
	// esgen writes kustomize's objects exactly as its own (the goldens of
	// patched examples show it), so comparing the YAML before and after a
	// patch tells whether it changed anything.
	current := objs
	before, err := current.YAML()
	if err != nil {
		return nil, err
	}
	for i, p := range c.Spec.Patches {
		path := field.NewPath("spec", "patches").Index(i)
		patched, err := kustomize(before, &p)
		if err != nil {
			return nil, invalidPatch(path, &p, "kustomize refused it: "+err.Error())
		}
		after, err := patched.YAML()
		if err != nil {
			return nil, err
		}
		if bytes.Equal(before, after) {
			return nil, invalidPatch(path, &p, "it changed no object: check its target against the objects esgen renders")
		}
		current, before = patched, after
	}
	return current, nil
}

// invalidPatch reports a patch by its target, the usual culprit.
func invalidPatch(path *field.Path, p *esspec.Patch, detail string) error {
	target := "no target"
	if t := p.Target; t != nil {
		var parts []string
		for _, kv := range [][2]string{{"group", t.Group}, {"version", t.Version}, {"kind", t.Kind}, {"name", t.Name},
			{"namespace", t.Namespace}, {"labelSelector", t.LabelSelector}, {"annotationSelector", t.AnnotationSelector}} {
			if kv[1] != "" {
				parts = append(parts, kv[0]+"="+kv[1])
			}
		}
		target = "target " + strings.Join(parts, ",")
	}
	return &esspec.InvalidError{Errors: field.ErrorList{field.Invalid(path, target, detail)}}
}

// kustomize runs a kustomization whose only resource is a stream of
// objects, with one patch, and returns the objects it builds, in order.
func kustomize(stream []byte, patch *esspec.Patch) (Objects, error) {
	entry := map[string]any{"patch": patch.Patch}
	if patch.Target != nil {
		entry["target"] = patch.Target
	}
	k := map[string]any{"resources": []string{"objects.yaml"}, "patches": []any{entry}}
	kustomization, err := yaml.Marshal(k)
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
	var out Objects
	for _, r := range resources.Resources() {
		// Back to the Go types, so that every consumer (check, describe,
		// diff) sees patched objects as it sees unpatched ones; through
		// JSON, whose numbers the apimachinery helpers expect.
		data, err := r.MarshalJSON()
		if err != nil {
			return nil, err
		}
		obj, err := typed(data, r.GetApiVersion(), r.GetKind())
		if err != nil {
			return nil, err
		}
		if obj == nil {
			u := &unstructured.Unstructured{}
			if err := u.UnmarshalJSON(data); err != nil {
				return nil, err
			}
			obj = u
		}
		out = append(out, obj)
	}
	return out, nil
}
