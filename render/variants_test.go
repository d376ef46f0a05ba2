package render_test

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/esgen/esgen/esspec"
	"github.com/esgen/esgen/render"
)

// renderSpec parses, defaults and renders an inline spec, decodes the
// result strictly and checks it against the spec's Pod Security level.
func renderSpec(t *testing.T, spec string) (*esspec.Cluster, manifest, string) {
	t.Helper()
	c, err := esspec.Parse([]byte(spec))
	if err != nil {
		t.Fatal(err)
	}
	esspec.SetDefaults(c)
	out := renderYAML(t, c)
	m := decodeManifest(t, out)
	for i := range m.statefulSets {
		if reason := podSecurityViolation(t, c, &m.statefulSets[i].Spec.Template); reason != "" {
			t.Errorf("%s breaks Pod Security %q: %s", m.statefulSets[i].Name, c.Spec.PodSecurity, reason)
		}
	}
	return c, m, string(out)
}

const head = "apiVersion: esgen.dev/v1alpha1\nkind: ElasticsearchCluster\nmetadata: {name: logs}\n"

func TestLegacyRolesAndCurlProbe(t *testing.T) {
	_, m, out := renderSpec(t, head+`spec:
  version: 7.8.1
  system: {systemCallFilter: false}
  security: {enabled: true, elasticPasswordSecret: pw, tls: {secretName: certs}}
  nodeSets:
  - {name: master, count: 3, roles: [master], resources: {memory: 2Gi}, storage: {size: 10Gi}}
  - {name: client, count: 1, roles: [], resources: {memory: 2Gi}}
`)
	yml := m.configMaps[0].Data["elasticsearch.yml"] // logs-es-client-config
	for _, want := range []string{"node.master: false\n", "node.data: false\n", "node.ingest: false\n", "node.ml: false\n",
		"node.transform: false\n", "bootstrap.system_call_filter: false\n"} {
		if !strings.Contains(yml, want) {
			t.Errorf("7.8 coordinating node lacks %q:\n%s", want, yml)
		}
	}
	if strings.Contains(out, "node.roles") || strings.Contains(out, "readiness.port") {
		t.Error("7.8 got node.roles or readiness.port, which it does not know")
	}
	probe := m.statefulSets[0].Spec.Template.Spec.Containers[0].ReadinessProbe
	if probe.Exec == nil {
		t.Fatalf("7.8 readiness probe %+v, want an HTTP check through curl", probe)
	}
	script := probe.Exec.Command[2]
	// The internal user's credentials, read from the pod, never the
	// elastic user's: a changed elastic password cannot make pods
	// unready. Only 200 is ready: 401 would pass a node that cannot
	// authenticate anyone.
	for _, want := range []string{`"https://127.0.0.1:9200$path"`, "--insecure", "esgen-internal:%s", "/mnt/esgen-internal/password",
		"--config -", `es / --output /dev/null --write-out '%{http_code}'`, `[ "$code" = 200 ] && exit 0`} {
		if !strings.Contains(script, want) {
			t.Errorf("probe script lacks %q: %s", want, script)
		}
	}
	if strings.Contains(script, "PASSWORD") || strings.Contains(script, "401") {
		t.Errorf("probe script uses ELASTIC_PASSWORD or accepts 401: %s", script)
	}
	// The password never shows in a process list: curl reads it from stdin.
	if strings.Contains(script, "--user") || strings.Contains(script, " -u ") {
		t.Errorf("probe script passes credentials on the command line: %s", script)
	}
}

func TestProbeWithoutTLS(t *testing.T) {
	_, m, _ := renderSpec(t, head+`spec:
  version: 8.1.3
  profile: development
  nodeSets:
  - {name: one, count: 1}
`)
	script := m.statefulSets[0].Spec.Template.Spec.Containers[0].ReadinessProbe.Exec.Command[2]
	if !strings.Contains(script, `[ "$code" = 200 ]`) || strings.Contains(script, "--insecure") || !strings.Contains(script, `"http://127.0.0.1:9200$path"`) {
		t.Errorf("probe script %s", script)
	}
}

func TestHostPathStorage(t *testing.T) {
	_, m, _ := renderSpec(t, head+`spec:
  version: 8.19.20
  security: {enabled: false}
  nodeSets:
  - {name: master, count: 3, roles: [master, data], resources: {memory: 4Gi}, storage: {hostPath: /data/es}}
`)
	sts := m.statefulSets[0]
	spec := sts.Spec.Template.Spec
	if len(sts.Spec.VolumeClaimTemplates) != 0 {
		t.Error("hostPath storage with a volume claim template")
	}
	var data *corev1.Volume
	for i := range spec.Volumes {
		if spec.Volumes[i].Name == "elasticsearch-data" {
			data = &spec.Volumes[i]
		}
	}
	if data == nil || data.HostPath == nil || data.HostPath.Path != "/data/es" || *data.HostPath.Type != corev1.HostPathDirectoryOrCreate {
		t.Fatalf("data volume %+v", data)
	}
	// Each pod gets its own directory, and the directory is handed to the
	// elasticsearch user before it starts.
	for _, c := range append(spec.InitContainers, spec.Containers...) {
		for _, vm := range c.VolumeMounts {
			if vm.Name == "elasticsearch-data" && vm.SubPathExpr != "$(POD_NAMESPACE)/$(POD_NAME)" {
				t.Errorf("%s mounts the data volume at subPathExpr %q", c.Name, vm.SubPathExpr)
			}
		}
	}
	if names := containerNames(spec.InitContainers); names != "sysctl,data-permissions,config" {
		t.Errorf("init containers %s", names)
	}
}

func containerNames(cs []corev1.Container) string {
	var names []string
	for _, c := range cs {
		names = append(names, c.Name)
	}
	return strings.Join(names, ",")
}

func TestRestrictedDevelopment(t *testing.T) {
	_, m, out := renderSpec(t, head+`spec:
  version: 9.5.2
  profile: development
  podSecurity: restricted
  security: {enabled: false}
  nodeSets:
  - {name: master, count: 3, roles: [master], resources: {memory: 2Gi}}
  - {name: data, count: 2, roles: [data], resources: {memory: 4Gi}, storage: {size: 100Gi}}
`)
	if strings.Contains(out, "privileged") || strings.Contains(out, "IPC_LOCK") || strings.Contains(out, "memory_lock") {
		t.Error("restricted render holds privileged settings")
	}
	for _, sts := range m.statefulSets {
		spec := sts.Spec.Template.Spec
		// Only the copy of elasticsearch.yml, which needs no privilege.
		if names := containerNames(spec.InitContainers); names != "config" {
			t.Errorf("%s has init containers %s", sts.Name, names)
		}
		// Preferred: the nodeSet's pods apart (weight 100), then every
		// master or data pod of the cluster apart (50).
		anti := spec.Affinity.PodAntiAffinity
		if len(anti.RequiredDuringSchedulingIgnoredDuringExecution) != 0 || len(anti.PreferredDuringSchedulingIgnoredDuringExecution) != 2 {
			t.Errorf("%s: development wants preferred host anti-affinity, got %+v", sts.Name, anti)
		}
	}
}

// TestCleanYAML: the output carries no status, no null, no
// creationTimestamp and no empty map but an emptyDir's, a selector's
// that selects everything, and the ServiceMonitor's namespaceSelector,
// which the typed object always writes (empty: its own namespace).
func TestCleanYAML(t *testing.T) {
	bad := regexp.MustCompile(`(?m)(^\s*status:|: null$|creationTimestamp|: \{\}$|: \[\]$)`)
	emptyDir := regexp.MustCompile(`(?m)^\s*(- )?(emptyDir|podSelector): \{\}$|^  namespaceSelector: \{\}$`)
	for _, path := range examplePaths(t) {
		out := renderYAML(t, loadSpec(t, path))
		for _, line := range strings.Split(string(out), "\n") {
			if bad.MatchString(line) && !emptyDir.MatchString(line) && !strings.HasPrefix(line, "    node.roles: []") {
				t.Errorf("%s: unclean line %q", exampleName(path), line)
			}
		}
	}
}

func TestConfigTooLarge(t *testing.T) {
	c, err := esspec.Parse([]byte(head + "spec:\n  version: 8.19.20\n  security: {enabled: false}\n  nodeSets:\n  - {name: a, count: 1, resources: {memory: 1Gi}, storage: {size: 10Gi}}\n"))
	if err != nil {
		t.Fatal(err)
	}
	esspec.SetDefaults(c)
	c.Spec.NodeSets[0].Config = esspec.Settings{"node.attr.blob": strings.Repeat("x", 1<<20)}
	_, err = render.Render(c)
	var invalid *esspec.InvalidError
	if !errors.As(err, &invalid) || invalid.Errors[0].Field != "spec.nodeSets[0].config" {
		t.Fatalf("got %v, want a too-long error on spec.nodeSets[0].config", err)
	}
}

// TestDisposableAnnotation: a disposable cluster says so on its
// StatefulSets, so that rendered manifests carry what the spec says.
func TestDisposableAnnotation(t *testing.T) {
	for _, disposable := range []bool{false, true} {
		_, m, _ := renderSpec(t, head+fmt.Sprintf(`spec:
  version: 8.19.20
  profile: development
  disposable: %v
  nodeSets:
  - {name: one, count: 1}
`, disposable))
		got := m.statefulSets[0].Annotations[render.DisposableAnnotation]
		if want := map[bool]string{true: "true"}[disposable]; got != want {
			t.Errorf("disposable %v: annotation %q, want %q", disposable, got, want)
		}
	}
}

// TestPodKeepsItsConfig: the Elasticsearch container reads a copy of
// elasticsearch.yml made when its pod started, never the ConfigMap that
// an apply changes under a pod of an older template.
func TestPodKeepsItsConfig(t *testing.T) {
	_, m, _ := renderSpec(t, head+`spec:
  version: 8.19.20
  security: {enabled: false}
  nodeSets:
  - {name: master, count: 3, roles: [master], resources: {memory: 2Gi}, storage: {size: 10Gi}}
`)
	spec := m.statefulSets[0].Spec.Template.Spec
	var copier *corev1.Container
	for i := range spec.InitContainers {
		if spec.InitContainers[i].Name == "config" {
			copier = &spec.InitContainers[i]
		}
	}
	if copier == nil || strings.Join(copier.Command, " ") != "cp /mnt/esgen-config/elasticsearch.yml /mnt/esgen-pod-config/elasticsearch.yml" {
		t.Fatalf("config init container %+v", copier)
	}
	volumes := map[string]corev1.Volume{}
	for _, v := range spec.Volumes {
		volumes[v.Name] = v
	}
	for _, vm := range spec.Containers[0].VolumeMounts {
		if vm.MountPath != "/usr/share/elasticsearch/config/elasticsearch.yml" {
			continue
		}
		if v := volumes[vm.Name]; v.EmptyDir == nil || vm.SubPath != "elasticsearch.yml" {
			t.Errorf("elasticsearch.yml comes from %+v (volume %+v), want the pod's copy in an emptyDir", vm, v)
		}
	}
}

// TestToolAnnotationsStayOnTheSpec: a generator file's function and the
// other annotations kustomize, kpt and kubectl put on a spec describe the
// document, not the cluster: no object carries them, the user's do.
func TestToolAnnotationsStayOnTheSpec(t *testing.T) {
	_, m, out := renderSpec(t, `apiVersion: esgen.dev/v1alpha1
kind: ElasticsearchCluster
metadata:
  name: logs
  annotations:
    team: search
    config.kubernetes.io/function: |
      exec: {path: esgen, args: [fn]}
    internal.config.kubernetes.io/path: cluster.yaml
    kubectl.kubernetes.io/last-applied-configuration: "{}"
spec:
  version: 8.19.20
  security: {enabled: false}
  nodeSets:
  - {name: a, count: 3, resources: {memory: 2Gi}, storage: {size: 10Gi}}
`)
	if strings.Contains(out, "config.kubernetes.io") || strings.Contains(out, "last-applied") {
		t.Errorf("a tool's annotation reached the objects:\n%s", out)
	}
	for _, sts := range m.statefulSets {
		if sts.Annotations["team"] != "search" {
			t.Errorf("%s lost the user's annotation: %v", sts.Name, sts.Annotations)
		}
	}
}
