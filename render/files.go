package render

import (
	"strings"

	"sigs.k8s.io/yaml"
)

// File is one file of a rendered layout.
type File struct {
	Name string
	Data []byte
}

// FileName names an object's file: <kind>-<name>.yaml in lower case, e.g.
// statefulset-logs-es-master.yaml. Names are unique within a render.
func FileName(obj Object) string {
	return strings.ToLower(obj.GetObjectKind().GroupVersionKind().Kind) + "-" + obj.GetName() + ".yaml"
}

// Files lays the objects out one per file, in output order, followed,
// with kustomization, by a kustomization.yaml that lists them in that
// order: a base that kustomize builds into exactly the objects of the
// stream, and that overlays kept in git can patch.
func (objs Objects) Files(kustomization bool) ([]File, error) {
	files := make([]File, 0, len(objs)+1)
	var names []string
	for _, obj := range objs {
		data, err := MarshalObject(obj)
		if err != nil {
			return nil, err
		}
		files = append(files, File{Name: FileName(obj), Data: data})
		names = append(names, FileName(obj))
	}
	if kustomization {
		data, err := yaml.Marshal(map[string]any{
			"apiVersion": "kustomize.config.k8s.io/v1beta1",
			"kind":       "Kustomization",
			"resources":  names,
		})
		if err != nil {
			return nil, err
		}
		files = append(files, File{Name: "kustomization.yaml", Data: data})
	}
	return files, nil
}
