package bootstrap

import (
	"fmt"
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

// DNSCacheTTL is how long, in seconds, a node caches a successful DNS
// lookup: the value Elasticsearch itself sets from 6.6.
const DNSCacheTTL = 60

// DNSCacheOpts returns the JVM option that bounds how long a node caches
// successful DNS lookups, or "" where the version bounds it itself.
//
// Nodes find the masters through one name, the headless discovery
// Service, whose addresses change whenever a master pod is recreated.
// Elasticsearch runs under a Java security manager, and with one
// installed the JVM caches successful lookups forever unless
// networkaddress.cache.ttl says otherwise (java.net.InetAddress,
// "InetAddress Caching"): a long-running node then pings the addresses
// the masters had when it first looked, and cannot rejoin once every
// master has moved. Failed lookups are bounded already: the JDK's
// java.security sets networkaddress.cache.negative.ttl=10.
//
// From 6.6 Elasticsearch overrides the JVM with its own system properties
// es.networkaddress.cache.ttl=60 and es.networkaddress.cache.negative.ttl=10
// in jvm.options (elastic/elasticsearch#36570; Elasticsearch Reference,
// "DNS cache settings"): the JVM arguments a 6.5.1 node logs carry
// neither, those of 6.6.1 both. Before 6.6 the documented remedy is
// networkaddress.cache.ttl in the JVM's security policy, a file of the
// image; -Dsun.net.inetaddr.ttl is the JDK's command-line form of the
// same policy, read when the security property is not set, which the
// JDK's java.security leaves commented out (Java Networking Properties;
// sun.net.InetAddressCachePolicy). esgen sets it to the value 6.6 uses.
//
// On 2.x and 5.0 the bound reaches every lookup but the seed hosts, which
// those versions resolve once, at start: lazy resolution on each round
// of pinging came in 5.1 (elastic/elasticsearch#21630). There a node that
// lost every master it knew must be restarted to find them again.
func DNSCacheOpts(v esspec.Version) string {
	if v.AtLeast(6, 6, 0) {
		return ""
	}
	return fmt.Sprintf("-Dsun.net.inetaddr.ttl=%d", DNSCacheTTL)
}

// Env returns the environment of the Elasticsearch container of ns: the
// pod identity that elasticsearch.yml refers to, the heap, the DNS cache
// bound (see DNSCacheOpts), the elastic user's password, then the
// nodeSet's own variables. A nodeSet's ES_JAVA_OPTS is appended to
// esgen's, in one variable, so that it adds JVM options without hiding
// the heap; where both set a system property, the JVM takes the last,
// the nodeSet's. 2.x reads ES_JAVA_OPTS too: its bin/elasticsearch
// passes it to java after the options of bin/elasticsearch.in.sh.
func Env(c *esspec.Resolved, ns *esspec.ResolvedNodeSet) []corev1.EnvVar {
	v := c.Version
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
	if opt := DNSCacheOpts(v); opt != "" {
		javaOpts = append(javaOpts, opt)
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
