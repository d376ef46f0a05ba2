package bootstrap_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"

	"github.com/esgen/esgen/bootstrap"
	"github.com/esgen/esgen/esspec"
)

func names(r bootstrap.Report) []string {
	var n []string
	for _, res := range r.Results {
		n = append(n, res.Check)
	}
	return n
}

// TestChecksPerVersion: each version gets the checks it runs, in
// Elasticsearch's order.
func TestChecksPerVersion(t *testing.T) {
	all := []string{"heap size", "file descriptors", "memory lock", "max threads", "max file size", "max size virtual memory",
		"max map count", "client JVM", "use serial collector", "system call filter", "OnError and OnOutOfMemoryError",
		"early-access JVM", "G1GC", "all permission", "discovery configuration", "transport TLS"}
	without := func(drop ...string) []string {
		return slices.DeleteFunc(slices.Clone(all), func(s string) bool { return slices.Contains(drop, s) })
	}
	for _, tc := range []struct {
		version string
		want    []string
	}{
		{"2.4.6", nil},
		{"5.0.2", without("max file size", "system call filter", "early-access JVM", "G1GC", "all permission", "discovery configuration", "transport TLS")},
		{"5.6.16", without("all permission", "discovery configuration", "transport TLS")},
		{"6.8.23", without("discovery configuration")},
		{"7.17.29", all},
		{"8.1.3", all},
		{"8.19.20", without("G1GC")},
		{"9.5.2", without("G1GC")},
	} {
		c := spec(t, tc.version, nil, nodeSet("m", 3, "master"))
		if diff := cmp.Diff(tc.want, names(bootstrap.Check(c, nil))); diff != "" {
			t.Errorf("%s checks (-want +got):\n%s", tc.version, diff)
		}
	}
}

// pod is a rendered-like pod of nodeSet 0 with the given parts.
func pod(settings esspec.Settings, javaOpts string, caps []corev1.Capability, inits ...corev1.Container) bootstrap.Pod {
	ctr := corev1.Container{Name: "elasticsearch", SecurityContext: &corev1.SecurityContext{Capabilities: &corev1.Capabilities{Add: caps}}}
	if javaOpts != "" {
		ctr.Env = []corev1.EnvVar{{Name: "ES_JAVA_OPTS", Value: javaOpts}}
	}
	return bootstrap.Pod{StatefulSet: "es-es-m", Spec: &corev1.PodSpec{Containers: []corev1.Container{ctr}, InitContainers: inits}, Settings: settings}
}

func sysctl(value string) corev1.Container {
	return corev1.Container{Name: "sysctl", Command: []string{"sh", "-c", "sysctl -w vm.max_map_count=" + value}}
}

// TestCheckFailures: one failing case for every check the manifests can
// break. The others (file descriptors, threads, file size, virtual
// memory, system call filter, early access, G1GC, all permission) depend
// on the node or the image's JVM, never on the manifests.
func TestCheckFailures(t *testing.T) {
	seeds := esspec.Settings{"discovery.seed_hosts": []any{"es-es-discovery"}, "xpack.security.enabled": false}
	with := func(extra esspec.Settings) esspec.Settings {
		s := esspec.Settings{}
		for k, v := range seeds {
			s[k] = v
		}
		for k, v := range extra {
			s[k] = v
		}
		return s
	}
	for _, tc := range []struct {
		check  string
		env    []corev1.EnvVar
		pod    bootstrap.Pod
		field  string
		detail string
	}{
		{"heap size", []corev1.EnvVar{{Name: "ES_JAVA_OPTS", Value: "-Xmx8g"}}, pod(seeds, "-Xms4g -Xmx4g -Xmx8g", nil),
			"spec.nodeSets[0].env[0]", "-Xms4g and -Xmx8g: they must be equal"},
		{"heap size", nil, pod(seeds, "-Xms4g", nil), "spec.nodeSets[0].env", "-Xms4g and -Xmx (unset)"},
		{"memory lock", nil, pod(with(esspec.Settings{"bootstrap.memory_lock": true}), "", nil), "spec.system.memoryLock", "without the IPC_LOCK capability"},
		{"max map count", nil, pod(seeds, "", nil, sysctl("65530")), "spec.system.maxMapCount", "sets vm.max_map_count to 65530, below 262144"},
		{"client JVM", []corev1.EnvVar{{Name: "ES_JAVA_OPTS", Value: "-client"}}, pod(seeds, "-client", nil), "spec.nodeSets[0].env[0]", "with -client"},
		{"use serial collector", []corev1.EnvVar{{Name: "ES_JAVA_OPTS", Value: "-XX:+UseSerialGC"}}, pod(seeds, "-XX:+UseSerialGC", nil),
			"spec.nodeSets[0].env[0]", "with -XX:+UseSerialGC"},
		{"OnError and OnOutOfMemoryError", []corev1.EnvVar{{Name: "ES_JAVA_OPTS", Value: "-XX:OnOutOfMemoryError=kill"}},
			pod(seeds, "-XX:OnOutOfMemoryError=kill", nil), "spec.nodeSets[0].env[0]", "use -XX:+ExitOnOutOfMemoryError instead"},
		{"discovery configuration", nil, pod(esspec.Settings{}, "", nil), "spec.nodeSets", "no discovery.seed_hosts"},
		{"transport TLS", nil, pod(with(esspec.Settings{"xpack.security.enabled": true}), "", nil), "spec.security.tls.secretName", "without transport TLS"},
	} {
		t.Run(tc.check, func(t *testing.T) {
			ns := nodeSet("m", 3, "master")
			ns.Env = tc.env
			c := spec(t, "7.17.29", nil, ns)
			r := bootstrap.Check(c, []bootstrap.Pod{tc.pod})
			i := slices.IndexFunc(r.Results, func(res bootstrap.Result) bool { return res.Check == tc.check })
			if i < 0 {
				t.Fatalf("no %s row", tc.check)
			}
			got := r.Results[i]
			if got.Verdict != bootstrap.VerdictFail || got.Field != tc.field || !strings.Contains(got.Detail, tc.detail) {
				t.Errorf("got %+v, want fail on %s with %q", got, tc.field, tc.detail)
			}
			if !r.Failed() {
				t.Error("report does not say it failed")
			}
		})
	}
}
