package diff

import (
	"bytes"
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/yaml"

	"github.com/esgen/esgen/esspec"
	"github.com/esgen/esgen/render"
)

// ManifestError is a problem with one document of a manifest stream.
type ManifestError struct {
	// Line is the line the document starts on, 1-based.
	Line int
	// Detail says what is wrong.
	Detail string
}

func (e *ManifestError) Error() string {
	return fmt.Sprintf("line %d: %s", e.Line, e.Detail)
}

// document is one YAML document of a stream and the line it starts on.
type document struct {
	line int
	data []byte
}

// splitDocuments splits a YAML stream at its "---" lines, dropping
// documents that hold nothing but comments and blank lines.
func splitDocuments(data []byte) []document {
	var docs []document
	start, line := 1, 1
	var cur bytes.Buffer
	flush := func() {
		if hasContent(cur.Bytes()) {
			docs = append(docs, document{line: start, data: bytes.Clone(cur.Bytes())})
		}
		cur.Reset()
	}
	for l := range bytes.Lines(data) {
		if t := bytes.TrimRight(l, " \t\r\n"); bytes.Equal(t, []byte("---")) || bytes.HasPrefix(t, []byte("--- ")) {
			flush()
			start = line + 1
		} else {
			if cur.Len() == 0 {
				start = line
			}
			cur.Write(l)
		}
		line++
	}
	flush()
	return docs
}

func hasContent(doc []byte) bool {
	for l := range bytes.Lines(doc) {
		t := strings.TrimSpace(string(l))
		if t != "" && !strings.HasPrefix(t, "#") {
			return true
		}
	}
	return false
}

// typeMeta is what identifies a document.
type typeMeta struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
}

// DocumentKind returns the kind of the first document of a YAML stream,
// or "" when it has none: esspec.Kind for a spec, a Kubernetes kind for
// rendered manifests.
func DocumentKind(data []byte) string {
	docs := splitDocuments(data)
	if len(docs) == 0 {
		return ""
	}
	var tm typeMeta
	if err := yaml.Unmarshal(docs[0].data, &tm); err != nil {
		return ""
	}
	return tm.Kind
}

// ParseManifests reads a stream of rendered manifests, such as the output
// of esgen render, into objects: the kinds esgen renders strictly into
// their Go types (an unknown field is an error, so a typo never hides a
// change), any other kind as unstructured. Errors are *ManifestError and
// name the line of the document.
func ParseManifests(data []byte) (render.Objects, error) {
	var objs render.Objects
	for _, doc := range splitDocuments(data) {
		obj, err := parseObject(doc.data)
		if err != nil {
			return nil, &ManifestError{Line: doc.line, Detail: err.Error()}
		}
		objs = append(objs, obj)
	}
	return objs, nil
}

func parseObject(data []byte) (render.Object, error) {
	var tm typeMeta
	if err := yaml.Unmarshal(data, &tm); err != nil {
		return nil, fmt.Errorf("not a Kubernetes object: %v", err)
	}
	switch {
	case tm.Kind == esspec.Kind:
		return nil, fmt.Errorf("an esgen spec (kind %s), not rendered manifests: a file is either one spec or manifests", esspec.Kind)
	case tm.Kind == "" || tm.APIVersion == "":
		return nil, fmt.Errorf("not a Kubernetes object: apiVersion and kind are required")
	}
	obj := render.NewObject(tm.APIVersion, tm.Kind)
	if obj == nil {
		u := &unstructured.Unstructured{}
		if err := yaml.Unmarshal(data, &u.Object); err != nil {
			return nil, fmt.Errorf("%s: %v", tm.Kind, err)
		}
		obj = u
	} else if err := yaml.UnmarshalStrict(data, obj); err != nil {
		return nil, fmt.Errorf("%s: %s", tm.Kind, decodeDetail(err))
	}
	if obj.GetName() == "" {
		return nil, fmt.Errorf("%s: metadata.name is required", tm.Kind)
	}
	return obj, nil
}

// decodeDetail drops the layers of wrapping a strict YAML decode puts
// around what is wrong.
func decodeDetail(err error) string {
	msg := err.Error()
	for _, prefix := range []string{"error unmarshaling JSON: ", "while decoding JSON: ", "json: "} {
		msg = strings.TrimPrefix(msg, prefix)
	}
	return msg
}
