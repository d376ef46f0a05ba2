package render

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"

	"go.yaml.in/yaml/v3"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/esgen/esgen/esspec"
	"github.com/esgen/esgen/render/kpatch"
)

// applyPatches applies spec.patches to the rendered objects as kustomize
// would (package kpatch), in memory, one patch per run so that an error names the
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
		patched, err := patchObjects(before, &p)
		if err != nil {
			return nil, invalidPatch(path, &p, "it does not apply: "+err.Error())
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

// patchObjects applies one patch to the objects of a YAML stream (esgen's
// own, which kustomize would read) and returns the objects it leaves.
func patchObjects(stream []byte, patch *esspec.Patch) (Objects, error) {
	var nodes []*yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(stream))
	for {
		var doc yaml.Node
		if err := dec.Decode(&doc); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, err
		}
		nodes = append(nodes, doc.Content[0])
	}
	var target *kpatch.Target
	if t := patch.Target; t != nil {
		target = &kpatch.Target{Group: t.Group, Version: t.Version, Kind: t.Kind, Name: t.Name, Namespace: t.Namespace,
			LabelSelector: t.LabelSelector, AnnotationSelector: t.AnnotationSelector}
	}
	nodes, err := kpatch.Apply(nodes, patch.Patch, target)
	if err != nil {
		return nil, err
	}
	out := make(Objects, 0, len(nodes))
	for _, n := range nodes {
		// Back to the Go types, so that every consumer (check, describe,
		// diff) sees patched objects as it sees unpatched ones; through
		// JSON, whose numbers the apimachinery helpers expect.
		data, err := kpatch.ToJSON(n)
		if err != nil {
			return nil, err
		}
		var meta struct {
			APIVersion string `json:"apiVersion"`
			Kind       string `json:"kind"`
		}
		if err := json.Unmarshal(data, &meta); err != nil {
			return nil, err
		}
		obj, err := typed(data, meta.APIVersion, meta.Kind)
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
