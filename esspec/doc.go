// Package esspec is the typed esgen spec: the Go form of SPEC.md, read
// strictly from YAML (Load), completed with defaults (SetDefaults) and
// checked (Validate), with what each Elasticsearch version supports
// (Version).
//
// The pipeline is Load → SetDefaults → Validate; render.Render takes the
// result. Validate never changes the spec and reports every problem with
// the path of the field to change, as k8s.io/apimachinery's field errors;
// Cluster.LineOf maps such a path back to the line of the loaded file.
package esspec
