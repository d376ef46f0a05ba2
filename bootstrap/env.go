package bootstrap

import (
	corev1 "k8s.io/api/core/v1"

	"github.com/esgen/esgen/esspec"
)

// JavaOpts returns the JVM options for a heap: -Xms equal to -Xmx, as
// the heap size bootstrap check requires, and so that the JVM never
// resizes the heap at run time.
func JavaOpts(heap string) string {
	return "-Xms" + heap + " -Xmx" + heap
}

// Env returns the environment of the Elasticsearch container of ns, before
// the nodeSet's own variables: the pod identity that elasticsearch.yml
// refers to, the heap and the elastic user's password.
func Env(c *esspec.Cluster, ns *esspec.NodeSet) []corev1.EnvVar {
	env := []corev1.EnvVar{
		fieldEnv("POD_NAME", "metadata.name"),
		fieldEnv("POD_IP", "status.podIP"),
	}
	if ns.Storage.HostPath != "" {
		env = append(env, fieldEnv("POD_NAMESPACE", "metadata.namespace"))
	}
	if ns.Heap != "" {
		env = append(env, corev1.EnvVar{Name: "ES_JAVA_OPTS", Value: JavaOpts(ns.Heap)})
	}
	if secret := c.Spec.Security.ElasticPasswordSecret; secret != "" {
		env = append(env, corev1.EnvVar{Name: "ELASTIC_PASSWORD", ValueFrom: &corev1.EnvVarSource{
			SecretKeyRef: &corev1.SecretKeySelector{
				LocalObjectReference: corev1.LocalObjectReference{Name: secret},
				Key:                  "password",
			},
		}})
	}
	return env
}

func fieldEnv(name, path string) corev1.EnvVar {
	return corev1.EnvVar{Name: name, ValueFrom: &corev1.EnvVarSource{
		FieldRef: &corev1.ObjectFieldSelector{APIVersion: "v1", FieldPath: path},
	}}
}
