package conformance

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer/json"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/kubernetes/pkg/api/legacyscheme"
)

// strictYAML decodes a manifest into the versioned type its apiVersion and
// kind name, refusing unknown and duplicate fields as kubectl's default
// server-side field validation (Strict) does. It neither defaults nor
// converts: Validate does both, as the API server does.
var strictYAML = json.NewSerializerWithOptions(json.DefaultMetaFactory, legacyscheme.Scheme, legacyscheme.Scheme,
	json.SerializerOptions{Yaml: true, Strict: true})

// strictJSON is strictYAML for JSON.
var strictJSON = json.NewSerializerWithOptions(json.DefaultMetaFactory, legacyscheme.Scheme, legacyscheme.Scheme,
	json.SerializerOptions{Strict: true})

// DecodeYAML reads a stream of YAML documents separated by "---" (such as
// esgen render prints, or a golden file) into typed objects; a kind that
// Kubernetes does not build in is read as unstructured.Unstructured.
func DecodeYAML(stream []byte) ([]runtime.Object, error) {
	reader := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(stream)))
	var objs []runtime.Object
	for i := 0; ; i++ {
		doc, err := reader.Read()
		if errors.Is(err, io.EOF) {
			return objs, nil
		}
		if err != nil {
			return nil, fmt.Errorf("document %d: %w", i, err)
		}
		if len(bytes.TrimSpace(doc)) == 0 {
			continue
		}
		obj, _, err := strictYAML.Decode(doc, nil, nil)
		if runtime.IsNotRegisteredError(err) {
			// A kind Kubernetes does not build in, such as a custom
			// resource: Validate decides what to do with it.
			obj, err = decodeUnstructured(doc)
		}
		if err != nil {
			return nil, fmt.Errorf("document %d: %w", i, err)
		}
		objs = append(objs, obj)
	}
}

func decodeUnstructured(doc []byte) (runtime.Object, error) {
	data, err := utilyaml.ToJSON(doc)
	if err != nil {
		return nil, err
	}
	u := &unstructured.Unstructured{}
	if err := u.UnmarshalJSON(data); err != nil {
		return nil, err
	}
	return u, nil
}

// ValidateYAML decodes a stream (see DecodeYAML) and validates its objects.
func ValidateYAML(stream []byte) (Report, error) {
	objs, err := DecodeYAML(stream)
	if err != nil {
		return nil, err
	}
	return Validate(objs), nil
}
