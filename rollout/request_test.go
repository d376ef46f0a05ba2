package rollout

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/esgen/esgen/bootstrap"
)

// fakeCurl answers as Elasticsearch would for the runbook's in-pod
// request, and records its arguments and its standard input (curl's
// config, which carries the credentials). CURL_HTTPS_FAILS makes https
// fail as it does against a node without TLS; CURL_CODE is the answer's
// status.
const fakeCurl = `#!/bin/sh
printf '%s\n' "$@" > "$CURL_LOG.args"
cat > "$CURL_LOG.config"
for a in "$@"; do url=$a; done
case "$url" in https://*) [ -z "${CURL_HTTPS_FAILS-}" ] || exit 35 ;; esac
printf '{"status":"green"}\n%s' "${CURL_CODE:-200}"
`

// runRequest runs the request script in a shell with the fake curl first
// on PATH, the password file at pw (if any) and env; it returns stdout,
// stderr, the exit code, curl's arguments and the config it read.
func runRequest(t *testing.T, pw string, env []string, args ...string) (stdout, stderr string, code int, curlArgs, config string) {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "curl"), []byte(fakeCurl), 0o755); err != nil {
		t.Fatal(err)
	}
	passwordFile := filepath.Join(dir, "password")
	if pw != "" {
		if err := os.WriteFile(passwordFile, []byte(pw+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	script := strings.ReplaceAll(esRequest(), bootstrap.InternalPasswordFile, passwordFile)
	cmd := exec.Command("sh", append([]string{"-c", script, "es"}, args...)...)
	cmd.Env = append([]string{"PATH=" + dir + ":" + os.Getenv("PATH"), "CURL_LOG=" + filepath.Join(dir, "curl")}, env...)
	var out, errOut strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	a, _ := os.ReadFile(filepath.Join(dir, "curl.args"))
	c, _ := os.ReadFile(filepath.Join(dir, "curl.config"))
	return out.String(), errOut.String(), code, string(a), string(c)
}

func TestRequestInPod(t *testing.T) {
	// The internal user when its password file is there, over https.
	out, _, code, args, config := runRequest(t, "c2VjcmV0", nil, "GET", "/_cluster/health")
	if code != 0 || out != "{\"status\":\"green\"}\n" {
		t.Errorf("exit %d, stdout %q", code, out)
	}
	if config != "user = \"esgen-internal:c2VjcmV0\"\n" {
		t.Errorf("curl config %q", config)
	}
	if strings.Contains(args, "c2VjcmV0") {
		t.Errorf("the password is on curl's command line:\n%s", args)
	}
	for _, want := range []string{"--request\nGET\n", "--config\n-\n", "https://127.0.0.1:9200/_cluster/health\n"} {
		if !strings.Contains(args, want) {
			t.Errorf("curl arguments lack %q:\n%s", want, args)
		}
	}

	// A pod rendered before the internal user existed: the elastic user,
	// its password escaped for curl's config; a body; http where https
	// fails.
	_, _, code, args, config = runRequest(t, "", []string{`ELASTIC_PASSWORD=p"a\ss`, "CURL_HTTPS_FAILS=1"},
		"PUT", "/_cluster/settings", `{"persistent":{}}`)
	if code != 0 {
		t.Errorf("exit %d", code)
	}
	if want := "user = \"elastic:p\\\"a\\\\ss\"\n"; config != want {
		t.Errorf("curl config %q, want %q", config, want)
	}
	if !strings.Contains(args, "--data\n{\"persistent\":{}}\n") || !strings.Contains(args, "http://127.0.0.1:9200/_cluster/settings\n") {
		t.Errorf("curl arguments:\n%s", args)
	}

	// No security: no credentials at all.
	_, _, _, _, config = runRequest(t, "", nil, "GET", "/")
	if config != "" {
		t.Errorf("curl config %q without credentials", config)
	}

	// An error status: the body still, and exit 22 with the status.
	out, stderr, code, _, _ := runRequest(t, "", []string{"CURL_CODE=503"}, "GET", "/_cluster/health")
	if code != 22 || !strings.Contains(stderr, "HTTP 503 from GET /_cluster/health") || out == "" {
		t.Errorf("503: exit %d, stdout %q, stderr %q", code, out, stderr)
	}
}
