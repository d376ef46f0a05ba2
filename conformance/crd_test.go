package conformance_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apiextensions-apiserver/pkg/apis/apiextensions"
	"k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/install"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	crdvalidation "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/validation"
	structuralschema "k8s.io/apiextensions-apiserver/pkg/apiserver/schema"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/defaulting"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/objectmeta"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/pruning"
	apiservervalidation "k8s.io/apiextensions-apiserver/pkg/apiserver/validation"
	"k8s.io/apiextensions-apiserver/pkg/crdserverscheme"
	"k8s.io/apiextensions-apiserver/pkg/registry/customresource"
	"k8s.io/apiextensions-apiserver/pkg/registry/customresource/tableconvertor"
	"k8s.io/apiextensions-apiserver/pkg/registry/customresourcedefinition"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"
	"sigs.k8s.io/yaml"

	"github.com/esgen/esgen/conformance"
	"github.com/esgen/esgen/esspec"
	"github.com/esgen/esgen/esspec/specgen"
	esgenschema "github.com/esgen/esgen/schema"
)

// crdServer is what the API server builds from the CRD to serve its
// objects: the structural schema, and the strategy that validates a
// create with the schema validator.
type crdServer struct {
	v1         *apiextensionsv1.CustomResourceDefinition
	structural *structuralschema.Structural
	strategy   interface {
		PrepareForCreate(context.Context, runtime.Object)
		Validate(context.Context, runtime.Object) field.ErrorList
		WarningsOnCreate(context.Context, runtime.Object) []string
	}
}

// decodeCRD decodes the CRD strictly: sigs.k8s.io/yaml refuses unknown
// fields only down to the first nested schema (apiextensions' items and
// additionalProperties decode themselves, leniently), so the typed CRD is
// also encoded again and must give back the very document it came from.
func decodeCRD(doc []byte) (*apiextensionsv1.CustomResourceDefinition, error) {
	crd := &apiextensionsv1.CustomResourceDefinition{}
	if err := yaml.UnmarshalStrict(doc, crd); err != nil {
		return nil, fmt.Errorf("strict decoding: %w", err)
	}
	var want, got any
	if err := yaml.Unmarshal(doc, &want); err != nil {
		return nil, err
	}
	back, err := json.Marshal(crd)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(back, &got); err != nil {
		return nil, err
	}
	delete(got.(map[string]any), "status") // the type's, never omitted; the server writes it
	if diff := cmp.Diff(want, got); diff != "" {
		return nil, fmt.Errorf("fields apiextensions.k8s.io/v1 does not have (-file +decoded):\n%s", diff)
	}
	return crd, nil
}

// serveCRD runs on the CRD what kube-apiserver runs when the CRD is
// created (defaulting, conversion to the internal type, the create
// strategy, ValidateCustomResourceDefinition), then checks its schema is
// structural and builds what the API server serves the custom resources
// with.
func serveCRD(doc []byte) (*crdServer, error) {
	ctx := context.Background()
	crd, err := decodeCRD(doc)
	if err != nil {
		return nil, err
	}
	scheme := runtime.NewScheme()
	install.Install(scheme)
	scheme.Default(crd)
	internal := &apiextensions.CustomResourceDefinition{}
	if err := scheme.Convert(crd, internal, nil); err != nil {
		return nil, err
	}
	strategy := customresourcedefinition.NewStrategy(scheme)
	strategy.PrepareForCreate(ctx, internal) // sets status.storedVersions
	if errs := crdvalidation.ValidateCustomResourceDefinition(ctx, internal); len(errs) > 0 {
		return nil, fmt.Errorf("the API server refuses the CRD:\n%s", errorLines(errs))
	}
	if w := strategy.WarningsOnCreate(ctx, internal); len(w) > 0 {
		return nil, fmt.Errorf("the API server warns about the CRD: %v", w)
	}

	// What the API server serves a version with, built as its
	// customresource_handler builds it: from the v1 version's schema.
	if len(crd.Spec.Versions) != 1 || crd.Spec.Versions[0].Schema == nil {
		return nil, errors.New("want one version, with a schema")
	}
	version := crd.Spec.Versions[0]
	validation := &apiextensions.CustomResourceValidation{}
	if err := apiextensionsv1.Convert_v1_CustomResourceValidation_To_apiextensions_CustomResourceValidation(version.Schema, validation, nil); err != nil {
		return nil, err
	}
	props := validation.OpenAPIV3Schema
	structural, err := structuralschema.NewStructural(props)
	if err != nil {
		return nil, fmt.Errorf("not structural: %w", err)
	}
	if errs := structuralschema.ValidateStructural(nil, structural); len(errs) > 0 {
		return nil, fmt.Errorf("not structural:\n%s", errorLines(errs))
	}
	validator, _, err := apiservervalidation.NewSchemaValidator(props)
	if err != nil {
		return nil, err
	}
	gvk := schema.GroupVersionKind{Group: internal.Spec.Group, Version: version.Name, Kind: internal.Spec.Names.Kind}
	return &crdServer{
		v1:         crd,
		structural: structural,
		strategy: customresource.NewStrategy(crdserverscheme.NewUnstructuredObjectTyper(),
			internal.Spec.Scope == apiextensions.NamespaceScoped, gvk, validator, nil, structural, nil, nil, nil),
	}, nil
}

// newCRDServer serves the CRD that esgen crd prints.
func newCRDServer(t *testing.T) *crdServer {
	t.Helper()
	s, err := serveCRD(esgenschema.CRD)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// create runs what kube-apiserver runs on a create of a custom resource,
// given as YAML. Decoding, as its unstructuredSchemaCoercer and defaulter
// do: unknown metadata fields and unknown fields are pruned (their paths
// returned, as kubectl's strict field validation would report them), nulls
// of fields that cannot be null are dropped, defaults (none) applied. Then
// the namespace of the request, the create strategy and its validation.
func (s *crdServer) create(t *testing.T, doc []byte) (*unstructured.Unstructured, []string, field.ErrorList) {
	t.Helper()
	data, err := yaml.YAMLToJSON(doc)
	if err != nil {
		t.Fatal(err)
	}
	u := &unstructured.Unstructured{}
	if err := u.UnmarshalJSON(data); err != nil {
		t.Fatal(err)
	}
	meta, _, unknown, err := objectmeta.GetObjectMetaWithOptions(u.Object, objectmeta.ObjectMetaOptions{ReturnUnknownFieldPaths: true})
	if err != nil {
		t.Fatal(err)
	}
	unknown = append(unknown, pruning.PruneWithOptions(u.Object, s.structural, true,
		structuralschema.UnknownFieldPathOptions{TrackUnknownFieldPaths: true})...)
	defaulting.PruneNonNullableNullsWithoutDefaults(u.Object, s.structural)
	ferr, paths := objectmeta.CoerceWithOptions(nil, u.Object, s.structural, false, objectmeta.CoerceOptions{ReturnUnknownFieldPaths: true})
	if ferr != nil {
		return u, unknown, field.ErrorList{ferr}
	}
	unknown = append(unknown, paths...)
	if err := objectmeta.SetObjectMeta(u.Object, meta); err != nil {
		t.Fatal(err)
	}
	defaulting.Default(u.Object, s.structural)

	if u.GetNamespace() == "" {
		u.SetNamespace(conformance.DefaultNamespace) // kubectl's, when the spec names none
	}
	ctx := context.Background()
	s.strategy.PrepareForCreate(ctx, u)
	errs := s.strategy.Validate(ctx, u)
	if w := s.strategy.WarningsOnCreate(ctx, u); len(w) > 0 {
		t.Errorf("warnings: %v", w)
	}
	return u, unknown, errs
}

// sameSpec fails the test unless esgen reads the stored object's spec as
// it reads the spec file's: storing a spec changes nothing esgen renders.
func sameSpec(t *testing.T, doc []byte, stored *unstructured.Unstructured) {
	t.Helper()
	var file map[string]any
	if err := yaml.Unmarshal(doc, &file); err != nil {
		t.Fatal(err)
	}
	// The server's own metadata (namespace, generation) is not the spec's.
	back := map[string]any{"apiVersion": stored.GetAPIVersion(), "kind": stored.GetKind(), "metadata": file["metadata"], "spec": stored.Object["spec"]}
	storedDoc, err := yaml.Marshal(back)
	if err != nil {
		t.Fatal(err)
	}
	want, got := loadSpec(t, doc), loadSpec(t, storedDoc)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("esgen reads the stored object differently (-file +stored):\n%s", diff)
	}
}

// loadSpec loads a spec as esgen does and writes its spec back as YAML.
func loadSpec(t *testing.T, doc []byte) string {
	t.Helper()
	c, err := esspec.Load(bytes.NewReader(doc))
	if err != nil {
		t.Fatalf("%v\n%s", err, doc)
	}
	out, err := yaml.Marshal(c.Spec)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

func errorLines(errs field.ErrorList) string {
	var b strings.Builder
	for _, e := range errs {
		b.WriteString("\t" + e.Error() + "\n")
	}
	return b.String()
}

// TestCRDExamples: kube-apiserver accepts the CRD, and stores every
// example as an ElasticsearchCluster object as it is, with nothing pruned
// and the printer columns filled.
func TestCRDExamples(t *testing.T) {
	server := newCRDServer(t)
	columns, err := tableconvertor.New(server.v1.Spec.Versions[0].AdditionalPrinterColumns)
	if err != nil {
		t.Fatal(err)
	}
	paths, err := filepath.Glob("../examples/*.yaml")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no examples: %v", err)
	}
	for _, path := range paths {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".yaml"), func(t *testing.T) {
			doc, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			// Only specs esgen accepts are a fair test of the CRD.
			c, err := esspec.Load(bytes.NewReader(doc))
			if err != nil {
				t.Fatal(err)
			}
			esspec.SetDefaults(c)
			if errs, _ := esspec.Validate(c); len(errs) > 0 {
				t.Fatalf("esgen refuses the example: %v", errs.ToAggregate())
			}

			var before map[string]any
			if err := yaml.Unmarshal(doc, &before); err != nil {
				t.Fatal(err)
			}
			u, pruned, errs := server.create(t, doc)
			if len(pruned) > 0 {
				t.Errorf("the API server prunes %v", pruned)
			}
			if len(errs) > 0 {
				t.Errorf("the API server refuses the example:\n%s", errorLines(errs))
			}
			if diff := cmp.Diff(before["spec"], roundTrip(t, u.Object["spec"])); diff != "" {
				t.Errorf("the stored spec differs (-file +stored):\n%s", diff)
			}
			sameSpec(t, doc, u)

			table, err := columns.ConvertToTable(context.Background(), u, nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(table.Rows) != 1 || len(table.Rows[0].Cells) < 2 || table.Rows[0].Cells[1] != c.Spec.Version {
				t.Errorf("kubectl get shows %v, want the version %s second", table.Rows, c.Spec.Version)
			}
		})
	}
}

// TestCRDGeneratedSpecs: the API server stores every spec the property
// tests generate (esspec/specgen), as the user wrote it and with esgen's
// defaults filled in, with nothing pruned.
func TestCRDGeneratedSpecs(t *testing.T) {
	server := newCRDServer(t)
	first, count := generatedSeeds(t)
	for seed := first; seed < first+count; seed++ {
		c := specgen.Generate(seed)
		for _, defaulted := range []bool{false, true} {
			if defaulted {
				esspec.SetDefaults(c)
			}
			doc, err := yaml.Marshal(c)
			if err != nil {
				t.Fatal(err)
			}
			u, pruned, errs := server.create(t, doc)
			if len(pruned) > 0 || len(errs) > 0 {
				t.Fatalf("seed %d (defaulted: %v): pruned %v, errors:\n%s%s", seed, defaulted, pruned, errorLines(errs), doc)
			}
			sameSpec(t, doc, u)
		}
	}
}

// roundTrip passes a value through JSON, as sigs.k8s.io/yaml decodes a file.
func roundTrip(t *testing.T, v any) any {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestCRDRefuses: the API server refuses objects that break the schema,
// naming the field, and prunes (under kubectl's strict field validation:
// refuses) fields the spec does not have. Each case changes the
// quickstart example.
func TestCRDRefuses(t *testing.T) {
	server := newCRDServer(t)
	base, err := os.ReadFile("../examples/quickstart.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		change func(spec map[string]any, nodeSet map[string]any)
		field  string
		typ    field.ErrorType
		pruned string
	}{{
		name:   "unknown profile",
		change: func(spec, _ map[string]any) { spec["profile"] = "staging" },
		field:  "spec.profile", typ: field.ErrorTypeNotSupported,
	}, {
		name:   "count of the wrong type",
		change: func(_, ns map[string]any) { ns["count"] = "three" },
		field:  "spec.nodeSets[0].count", typ: field.ErrorTypeTypeInvalid,
	}, {
		name:   "count above the maximum",
		change: func(_, ns map[string]any) { ns["count"] = 1001 },
		field:  "spec.nodeSets[0].count", typ: field.ErrorTypeInvalid,
	}, {
		name:   "unknown role",
		change: func(_, ns map[string]any) { ns["roles"] = []any{"master", "coordinator"} },
		field:  "spec.nodeSets[0].roles[1]", typ: field.ErrorTypeNotSupported,
	}, {
		name:   "role twice",
		change: func(_, ns map[string]any) { ns["roles"] = []any{"master", "master"} },
		field:  "spec.nodeSets[0].roles[1]", typ: field.ErrorTypeDuplicate,
	}, {
		name: "nodeSet name twice",
		change: func(spec, ns map[string]any) {
			spec["nodeSets"] = append(spec["nodeSets"].([]any), map[string]any{"name": ns["name"], "count": 1})
		},
		field: "spec.nodeSets[1]", typ: field.ErrorTypeDuplicate,
	}, {
		name:   "nodeSet without a count",
		change: func(_, ns map[string]any) { delete(ns, "count") },
		field:  "spec.nodeSets[0].count", typ: field.ErrorTypeRequired,
	}, {
		name:   "no version",
		change: func(spec, _ map[string]any) { delete(spec, "version") },
		field:  "spec.version", typ: field.ErrorTypeRequired,
	}, {
		name:   "not a quantity",
		change: func(_, ns map[string]any) { ns["resources"] = map[string]any{"memory": "lots"} },
		field:  "spec.nodeSets[0].resources.memory", typ: field.ErrorTypeInvalid,
	}, {
		// A quantity is an integer or a string in Kubernetes' schemas:
		// half a CPU must be written "0.5" or 500m.
		name:   "fractional number as a quantity",
		change: func(_, ns map[string]any) { ns["resources"] = map[string]any{"cpu": 0.5} },
		field:  "spec.nodeSets[0].resources.cpu", typ: field.ErrorTypeTypeInvalid,
	}, {
		name:   "unknown field",
		change: func(_, ns map[string]any) { ns["replicas"] = 3 },
		pruned: "spec.nodeSets[0].replicas",
	}} {
		t.Run(tc.name, func(t *testing.T) {
			var obj map[string]any
			if err := yaml.Unmarshal(base, &obj); err != nil {
				t.Fatal(err)
			}
			spec := obj["spec"].(map[string]any)
			tc.change(spec, spec["nodeSets"].([]any)[0].(map[string]any))
			doc, err := yaml.Marshal(obj)
			if err != nil {
				t.Fatal(err)
			}
			_, pruned, errs := server.create(t, doc)
			if tc.pruned != "" {
				if !reflect.DeepEqual(pruned, []string{tc.pruned}) || len(errs) > 0 {
					t.Errorf("pruned %v, errors:\n%swant %s pruned and no error", pruned, errorLines(errs), tc.pruned)
				}
				return
			}
			if len(pruned) > 0 {
				t.Errorf("pruned %v", pruned)
			}
			for _, e := range errs {
				if e.Field == tc.field && e.Type == tc.typ {
					return
				}
			}
			t.Errorf("want %s at %s, got:\n%s", tc.typ, tc.field, errorLines(errs))
		})
	}
}

// TestCRDChecksCanFail: serveCRD refuses a CRD that breaks each of its
// checks, so that TestCRDExamples passing means something.
func TestCRDChecksCanFail(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(root map[string]any)
		want   string
	}{{
		name: "unknown keyword deep in the schema",
		change: func(root map[string]any) {
			nodeSets := dig(root, "properties", "spec", "properties", "nodeSets", "items")
			nodeSets["bogusKeyword"] = true
		},
		want: "bogusKeyword",
	}, {
		name:   "field without a type",
		change: func(root map[string]any) { delete(dig(root, "properties", "spec", "properties", "version"), "type") },
		want:   "properties[spec].properties[version].type: Required value",
	}, {
		name:   "metadata described",
		change: func(root map[string]any) { dig(root, "properties", "metadata")["description"] = "the cluster" },
		want:   "metadata",
	}, {
		name: "map list keyed by an optional field",
		change: func(root map[string]any) {
			items := dig(root, "properties", "spec", "properties", "nodeSets", "items")
			items["required"] = []any{"count"}
		},
		want: "x-kubernetes-list-map-keys",
	}} {
		t.Run(tc.name, func(t *testing.T) {
			var crd map[string]any
			if err := yaml.Unmarshal(esgenschema.CRD, &crd); err != nil {
				t.Fatal(err)
			}
			tc.change(dig(crd, "spec", "versions", 0, "schema", "openAPIV3Schema"))
			doc, err := yaml.Marshal(crd)
			if err != nil {
				t.Fatal(err)
			}
			_, err = serveCRD(doc)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one with %q", err, tc.want)
			}
		})
	}
}

// dig walks a decoded document down map keys and list indexes to a map.
func dig(v any, path ...any) map[string]any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			v = v.(map[string]any)[k]
		case int:
			v = v.([]any)[k]
		}
	}
	return v.(map[string]any)
}
