package conformance

import (
	"encoding/json"
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/strategicpatch"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"k8s.io/kubernetes/pkg/api/legacyscheme"
	podutil "k8s.io/kubernetes/pkg/api/pod"
	"k8s.io/kubernetes/pkg/apis/apps"
	appsvalidation "k8s.io/kubernetes/pkg/apis/apps/validation"
)

// ApplyStatefulSet returns what kube-apiserver's validation says when
// `kubectl apply` (client side) replaces a StatefulSet created from old
// by new: the live object is old as the API server stored it (defaulted),
// optionally changed first by `kubectl patch` with the strategic merge
// patch patchFirst; kubectl then sends the three-way merge patch from old
// (its last applied configuration) to new, and the server validates the
// patched object as an update.
func ApplyStatefulSet(old, new *appsv1.StatefulSet, patchFirst []byte) (field.ErrorList, error) {
	lookup, err := strategicpatch.NewPatchMetaFromStruct(appsv1.StatefulSet{})
	if err != nil {
		return nil, err
	}
	stored := old.DeepCopy()
	if stored.Namespace == "" {
		stored.Namespace = DefaultNamespace
	}
	// What the API server adds on create, and an update must carry.
	stored.ResourceVersion, stored.UID, stored.Generation = "1", placeholderUID, 1
	legacyscheme.Scheme.Default(stored)
	live, err := json.Marshal(stored)
	if err != nil {
		return nil, err
	}
	if patchFirst != nil {
		if live, err = strategicpatch.StrategicMergePatchUsingLookupPatchMeta(live, patchFirst, lookup); err != nil {
			return nil, fmt.Errorf("kubectl patch: %w", err)
		}
		if live, err = defaulted(live); err != nil {
			return nil, err
		}
	}
	original, err := json.Marshal(old)
	if err != nil {
		return nil, err
	}
	modified, err := json.Marshal(new)
	if err != nil {
		return nil, err
	}
	patch, err := strategicpatch.CreateThreeWayMergePatch(original, modified, live, lookup, true)
	if err != nil {
		return nil, fmt.Errorf("kubectl apply: %w", err)
	}
	merged, err := strategicpatch.StrategicMergePatchUsingLookupPatchMeta(live, patch, lookup)
	if err != nil {
		return nil, fmt.Errorf("kubectl apply: %w", err)
	}
	if merged, err = defaulted(merged); err != nil {
		return nil, err
	}
	before, err := internalStatefulSet(live)
	if err != nil {
		return nil, err
	}
	after, err := internalStatefulSet(merged)
	if err != nil {
		return nil, err
	}
	return appsvalidation.ValidateStatefulSetUpdate(after, before, podutil.GetValidationOptionsFromPodTemplate(&after.Spec.Template, &before.Spec.Template)), nil
}

// defaulted decodes a StatefulSet's JSON and defaults it, as the API
// server does to every request body.
func defaulted(data []byte) ([]byte, error) {
	var sts appsv1.StatefulSet
	if err := json.Unmarshal(data, &sts); err != nil {
		return nil, err
	}
	legacyscheme.Scheme.Default(&sts)
	return json.Marshal(&sts)
}

func internalStatefulSet(data []byte) (*apps.StatefulSet, error) {
	var sts appsv1.StatefulSet
	if err := json.Unmarshal(data, &sts); err != nil {
		return nil, err
	}
	out, err := legacyscheme.Scheme.ConvertToVersion(&sts, schema.GroupVersion{Group: apps.GroupName, Version: runtime.APIVersionInternal})
	if err != nil {
		return nil, err
	}
	return out.(*apps.StatefulSet), nil
}
