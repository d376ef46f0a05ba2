package render_test

import (
	"github.com/esgen/esgen/esspec"
	"regexp"
	"strings"
	"testing"
)

// secretLeak matches what must never be in a render: a Secret object, PEM
// key or certificate material, and credentials given as plain values.
var secretLeak = regexp.MustCompile(`(?mi)^kind: Secret$|-----BEGIN |^\s*-?\s*name: (ELASTIC_PASSWORD|ELASTICSEARCH_PASSWORD|ELASTICSEARCH_SERVICEACCOUNTTOKEN|KEYSTORE_PASSWORD|ES_PASSWORD|ES_API_KEY)\n\s*value:|bootstrap\.password:|xpack\.security\.authc\..*password|://[^/\s:@]+:[^/\s@]+@`)

// assertNoSecrets fails when a render carries key material or a password:
// esgen references Secrets and never writes one.
func assertNoSecrets(t testing.TB, name string, stream []byte) {
	t.Helper()
	if m := secretLeak.Find(stream); m != nil {
		t.Errorf("%s carries secret material: %q", name, m)
	}
}

func TestNoSecretsInExamples(t *testing.T) {
	forEachExample(t, func(t *testing.T, _ *esspec.Cluster, _ manifest, stream []byte) {
		assertNoSecrets(t, t.Name(), stream)
	})
}

// TestSecretLeakDetector: the scan above bites.
func TestSecretLeakDetector(t *testing.T) {
	for _, leak := range []string{
		"apiVersion: v1\nkind: Secret\n",
		"data:\n  tls.key: |\n    -----BEGIN PRIVATE KEY-----\n",
		"        - name: ELASTIC_PASSWORD\n          value: hunter2\n",
		"        - name: ES_PASSWORD\n          value: hunter2\n",
		"        - --es.uri=https://monitor:hunter2@logs-es-http:9200\n",
	} {
		if !secretLeak.MatchString(leak) {
			t.Errorf("not caught: %q", leak)
		}
	}
	if secretLeak.MatchString(strings.Join([]string{"        - name: ELASTIC_PASSWORD", "          valueFrom:"}, "\n")) {
		t.Error("a reference to a Secret is not a leak")
	}
}
