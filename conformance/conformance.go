// Package conformance checks rendered manifests with the Kubernetes API
// server's own code: every object is defaulted, converted to its internal
// type and validated exactly as kube-apiserver does before it stores the
// object, and so are the pods and PersistentVolumeClaims a StatefulSet's
// (or Deployment's) controller would create from it.
//
// Strict decoding and Pod Security checks (the root module's tests) see
// only the shape of an object. The API server runs far more rules (label
// syntax, port ranges, affinity terms, probes, volume names, quantities),
// and it checks a StatefulSet's pod template less strictly than the pod the
// controller later creates from it: a template that passes can still give
// pods the API server refuses, which shows only in production. This
// package runs all of those rules offline.
//
// It is a module of its own, so that importers of esgen never download
// Kubernetes: k8s.io/kubernetes at the release that matches the k8s.io/api
// version esgen renders with.
package conformance

import (
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// DefaultNamespace is the namespace of objects rendered without one: the
// API server takes the namespace of the request, which kubectl sets to
// "default" unless told otherwise.
const DefaultNamespace = corev1.NamespaceDefault

// Finding lists what the API server would refuse about one rendered object.
type Finding struct {
	// Object is the rendered object, as Kind/name.
	Object string
	// Created names the object that the rendered object's controller would
	// create and the API server refuse (Pod/<name> or
	// PersistentVolumeClaim/<name>); empty when the errors are the
	// rendered object's own.
	Created string
	// Errors are the API server's validation errors, with its field paths
	// (relative to Created when it is set).
	Errors field.ErrorList
}

// String writes the object, what its controller creates, and each error.
func (f Finding) String() string {
	var b strings.Builder
	b.WriteString(f.Object)
	if f.Created != "" {
		b.WriteString(" creates " + f.Created)
	}
	for _, e := range f.Errors {
		b.WriteString("\n\t" + e.Error())
	}
	return b.String()
}

// Report is every finding of a set of objects, in the objects' order.
type Report []Finding

// Err returns nil for an empty report, else an error listing every finding.
func (r Report) Err() error {
	if len(r) == 0 {
		return nil
	}
	s := make([]string, len(r))
	for i, f := range r {
		s[i] = f.String()
	}
	return fmt.Errorf("%d object(s) the API server would refuse:\n%s", len(r), strings.Join(s, "\n"))
}

// Validate runs the API server's defaulting and validation on each object
// (typed k8s.io/api objects, as render.Render returns them) and on what
// their controllers would create from them. The objects are not modified.
// A kind the package does not know is reported as a finding, never
// skipped, so that a new kind in esgen's output cannot go unchecked.
func Validate[S ~[]E, E runtime.Object](objs S) Report {
	var r Report
	for _, obj := range objs {
		r = append(r, validateObject(obj)...)
	}
	return r
}
