package bootstrap

import (
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/esgen/esgen/esspec"
)

// JavaOpts returns the JVM options for a heap: -Xms equal to -Xmx, as
// the heap size bootstrap check requires, and so that the JVM never
// resizes the heap at run time.
func JavaOpts(heap string) string {
	return "-Xms" + heap + " -Xmx" + heap
}

// HeapEnv is the variable that carries the heap: ES_HEAP_SIZE, which 2.x
// reads and turns into -Xms and -Xmx itself, and ES_JAVA_OPTS from 5.0.
func HeapEnv(v esspec.Version) string {
	if v.Major < 5 {
		return "ES_HEAP_SIZE"
	}
	return "ES_JAVA_OPTS"
}

// Env returns the environment of the Elasticsearch container of ns: the
// pod identity that elasticsearch.yml refers to, the heap, the elastic
// user's password, then the nodeSet's own variables. A nodeSet's
// ES_JAVA_OPTS is appended to esgen's, in one variable, so that it adds
// JVM options without hiding the heap.
func Env(c *esspec.Cluster, ns *esspec.NodeSet) []corev1.EnvVar {
	v, _ := esspec.ParseVersion(c.Spec.Version)
	env := []corev1.EnvVar{
		fieldEnv("POD_NAME", "metadata.name"),
		fieldEnv("POD_IP", "status.podIP"),
	}
	if ns.Storage.HostPath != "" {
		env = append(env, fieldEnv("POD_NAMESPACE", "metadata.namespace"))
	}
	var javaOpts []string
	if ns.Heap != "" {
		if HeapEnv(v) == "ES_HEAP_SIZE" {
			env = append(env, corev1.EnvVar{Name: "ES_HEAP_SIZE", Value: ns.Heap})
		} else {
			javaOpts = append(javaOpts, JavaOpts(ns.Heap))
		}
	}
	var own []corev1.EnvVar
	for _, e := range ns.Env {
		if e.Name == "ES_JAVA_OPTS" {
			javaOpts = append(javaOpts, e.Value)
			continue
		}
		own = append(own, e)
	}
	if len(javaOpts) > 0 {
		env = append(env, corev1.EnvVar{Name: "ES_JAVA_OPTS", Value: strings.Join(javaOpts, " ")})
	}
	if secret := c.Spec.Security.ElasticPasswordSecret; secret != "" {
		env = append(env, passwordEnv(secret))
	}
	return append(env, own...)
}

// passwordEnv reads the elastic user's password from key "password" of
// an existing Secret; the image stores it as the bootstrap password.
func passwordEnv(secret string) corev1.EnvVar {
	return corev1.EnvVar{Name: "ELASTIC_PASSWORD", ValueFrom: &corev1.EnvVarSource{
		SecretKeyRef: &corev1.SecretKeySelector{
			LocalObjectReference: corev1.LocalObjectReference{Name: secret},
			Key:                  "password",
		},
	}}
}

func fieldEnv(name, path string) corev1.EnvVar {
	return corev1.EnvVar{Name: name, ValueFrom: &corev1.EnvVarSource{
		FieldRef: &corev1.ObjectFieldSelector{APIVersion: "v1", FieldPath: path},
	}}
}
