package bootstrap_test

import (
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/esgen/esgen/bootstrap"
	"github.com/esgen/esgen/esspec"
)

// TestDNSCacheTTL: every version caches successful DNS lookups for a
// bounded time, so that nodes find masters that moved behind the
// discovery Service. Before 6.6 esgen bounds it with the JVM's own
// property; from 6.6 Elasticsearch sets es.networkaddress.cache.ttl=60 in
// its jvm.options, and esgen adds nothing.
func TestDNSCacheTTL(t *testing.T) {
	for _, tc := range []struct {
		version string
		heap    string
		userOpt string // the nodeSet's own ES_JAVA_OPTS
		want    string // ES_JAVA_OPTS; "" for none
	}{
		// 2.x takes the heap from ES_HEAP_SIZE, and ES_JAVA_OPTS carries the TTL alone.
		{version: "2.3.5", heap: "4g", want: "-Dsun.net.inetaddr.ttl=60"},
		{version: "2.4.6", want: "-Dsun.net.inetaddr.ttl=60"},
		{version: "5.0.2", heap: "2g", want: "-Xms2g -Xmx2g -Dsun.net.inetaddr.ttl=60"},
		{version: "5.6.16", heap: "2g", want: "-Xms2g -Xmx2g -Dsun.net.inetaddr.ttl=60"},
		{version: "6.5.4", heap: "2g", want: "-Xms2g -Xmx2g -Dsun.net.inetaddr.ttl=60"},
		// The nodeSet's own options come last, so that they win.
		{version: "6.5.4", heap: "2g", userOpt: "-Dsun.net.inetaddr.ttl=5", want: "-Xms2g -Xmx2g -Dsun.net.inetaddr.ttl=60 -Dsun.net.inetaddr.ttl=5"},
		{version: "6.6.0", heap: "2g", want: "-Xms2g -Xmx2g"},
		{version: "6.8.23", heap: "2g", want: "-Xms2g -Xmx2g"},
		{version: "7.17.29", heap: "2g", want: "-Xms2g -Xmx2g"},
		{version: "8.19.20", heap: "2g", want: "-Xms2g -Xmx2g"},
		{version: "9.5.2", want: ""},
	} {
		t.Run(tc.version+"/"+tc.userOpt, func(t *testing.T) {
			c := spec(t, tc.version, nil, nodeSet("a", 1, "master", "data"))
			ns := c.NodeSets[0]
			ns.Heap = tc.heap
			if tc.userOpt != "" {
				ns.Env = []corev1.EnvVar{{Name: "ES_JAVA_OPTS", Value: tc.userOpt}}
			}
			got, found := "", false
			for _, e := range bootstrap.Env(c, ns) {
				if e.Name == "ES_JAVA_OPTS" {
					if found {
						t.Fatal("ES_JAVA_OPTS twice")
					}
					got, found = e.Value, true
				}
			}
			if got != tc.want || found != (tc.want != "") {
				t.Errorf("ES_JAVA_OPTS = %q (set: %v), want %q", got, found, tc.want)
			}
		})
	}
}

func TestDNSCacheOpts(t *testing.T) {
	for v, want := range map[string]string{
		"2.0.0": "-Dsun.net.inetaddr.ttl=60", "5.1.1": "-Dsun.net.inetaddr.ttl=60",
		"6.5.4": "-Dsun.net.inetaddr.ttl=60", "6.6.0": "", "7.0.0": "", "9.0.0": "",
	} {
		ver, err := esspec.ParseVersion(v)
		if err != nil {
			t.Fatal(err)
		}
		if got := bootstrap.DNSCacheOpts(ver); got != want {
			t.Errorf("DNSCacheOpts(%s) = %q, want %q", v, got, want)
		}
	}
}
