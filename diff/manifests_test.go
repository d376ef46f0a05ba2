package diff_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/esgen/esgen/diff"
	"github.com/esgen/esgen/esspec"
	"github.com/esgen/esgen/render"
)

func TestParseManifests(t *testing.T) {
	stream := `# rendered by esgen
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: a
data: {x: "1"}
---
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: b}
spec: {ingressClassName: x}
`
	objs, err := diff.ParseManifests([]byte(stream))
	if err != nil {
		t.Fatal(err)
	}
	if len(objs) != 2 {
		t.Fatalf("want 2 objects, got %d", len(objs))
	}
	if cm, ok := objs[0].(*corev1.ConfigMap); !ok || cm.Data["x"] != "1" {
		t.Errorf("first object: want the typed ConfigMap, got %#v", objs[0])
	}
	if u, ok := objs[1].(*unstructured.Unstructured); !ok || u.GetName() != "b" {
		t.Errorf("second object: want an unstructured Ingress (a kind esgen does not render), got %#v", objs[1])
	}
}

func TestParseManifestsErrors(t *testing.T) {
	for _, tc := range []struct {
		name, stream string
		line         int
		detail       string
	}{
		{"unknown field", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: b}\nspec: {portz: []}\n",
			5, `Service: unknown field "portz"`},
		{"no kind", "metadata: {name: a}\n", 1, "not a Kubernetes object: apiVersion and kind are required"},
		{"no name", "apiVersion: v1\nkind: ConfigMap\n", 1, "ConfigMap: metadata.name is required"},
		{"a spec", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: esgen.dev/v1alpha1\nkind: ElasticsearchCluster\n",
			5, "an esgen spec (kind ElasticsearchCluster), not rendered manifests: a file is either one spec or manifests"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := diff.ParseManifests([]byte(tc.stream))
			var me *diff.ManifestError
			if !errors.As(err, &me) {
				t.Fatalf("want a *ManifestError, got %v", err)
			}
			if me.Line != tc.line || me.Detail != tc.detail {
				t.Errorf("got line %d %q, want line %d %q", me.Line, me.Detail, tc.line, tc.detail)
			}
		})
	}
}

func TestDocumentKind(t *testing.T) {
	for stream, want := range map[string]string{
		"# comment\napiVersion: esgen.dev/v1alpha1\nkind: ElasticsearchCluster\n": "ElasticsearchCluster",
		"---\napiVersion: v1\nkind: ConfigMap\n---\nkind: Service\n":              "ConfigMap",
		"":           "",
		"not: [yaml": "",
	} {
		if got := diff.DocumentKind([]byte(stream)); got != want {
			t.Errorf("DocumentKind(%q) = %q, want %q", stream, got, want)
		}
	}
}

func TestManifestSideOneCluster(t *testing.T) {
	a, b := renderObjects(t, spec(t, baseSpec)), renderObjects(t, spec(t, allInOne))
	_, err := diff.ManifestSide(append(a, b...))
	if err == nil || !strings.Contains(err.Error(), "belong to different clusters (search/logs, small): compare one cluster at a time") {
		t.Errorf("want the two clusters named, got %v", err)
	}
}

// renderObjects renders a spec and reads the YAML back, as --rendered does.
func renderObjects(t *testing.T, c *esspec.Cluster) render.Objects {
	t.Helper()
	objs, err := render.Render(c)
	if err != nil {
		t.Fatal(err)
	}
	data, err := objs.YAML()
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := diff.ParseManifests(data)
	if err != nil {
		t.Fatal(err)
	}
	return parsed
}

// editObjects applies edit to every object, as a hand edit of committed
// manifests would.
func editObjects(objs render.Objects, edit func(render.Object)) render.Objects {
	for _, o := range objs {
		edit(o)
	}
	return objs
}

// editConfig replaces text in every elasticsearch.yml.
func editConfig(objs render.Objects, from, to string) render.Objects {
	return editObjects(objs, func(o render.Object) {
		if cm, ok := o.(*corev1.ConfigMap); ok {
			cm.Data["elasticsearch.yml"] = strings.ReplaceAll(cm.Data["elasticsearch.yml"], from, to)
		}
	})
}

// TestRenderedOnly covers findings only rendered input can show today:
// objects edited after rendering.
func TestRenderedOnly(t *testing.T) {
	base := spec(t, baseSpec)
	for _, tc := range []struct {
		name     string
		old, new render.Objects
		want     []want
	}{
		{
			name: "label added to objects, not pods",
			old:  renderObjects(t, base),
			new: editObjects(renderObjects(t, base), func(o render.Object) {
				l := o.GetLabels()
				l["cost-center"] = "42"
				o.SetLabels(l)
			}),
			want: []want{{diff.Info, "metadata-only", strings.Join([]string{
				"ConfigMap/logs-es-coordinating-config metadata.labels", "ConfigMap/logs-es-data-config metadata.labels",
				"ConfigMap/logs-es-master-config metadata.labels", "Service/logs-es-coordinating metadata.labels",
				"Service/logs-es-data metadata.labels", "Service/logs-es-discovery metadata.labels",
				"Service/logs-es-http metadata.labels", "Service/logs-es-master metadata.labels",
				"PodDisruptionBudget/logs-es-stateful metadata.labels", "PodDisruptionBudget/logs-es-stateless metadata.labels",
				"StatefulSet/logs-es-coordinating metadata.labels",
				"StatefulSet/logs-es-data metadata.labels", "StatefulSet/logs-es-master metadata.labels",
			}, ", ")}},
		},
		{
			name: "minimum_master_nodes left behind",
			old:  renderObjects(t, spec(t, legacy)),
			new:  editConfig(renderObjects(t, spec(t, legacy, count(0, 5))), "discovery.zen.minimum_master_nodes: 3", "discovery.zen.minimum_master_nodes: 2"),
			want: []want{
				{diff.Unsafe, "minimum-master-nodes", "ConfigMap/old-es-master-config data[elasticsearch.yml][discovery.zen.minimum_master_nodes]"},
				{diff.Disruptive, "rolling-restart", "StatefulSet/old-es-master spec.template"},
				{diff.Disruptive, "rolling-restart", "StatefulSet/old-es-data spec.template"},
			},
		},
		{
			name: "selector changed",
			old:  renderObjects(t, base),
			new: editObjects(renderObjects(t, base), func(o render.Object) {
				if sts, ok := o.(*appsv1.StatefulSet); ok && sts.Name == "logs-es-data" {
					sts.Spec.Selector.MatchLabels["extra"] = "x"
					sts.Spec.Template.Labels["extra"] = "x"
				}
			}),
			want: []want{
				{diff.Unsafe, "immutable-field", "StatefulSet/logs-es-data spec.selector.matchLabels[extra]"},
				{diff.Disruptive, "rolling-restart", "StatefulSet/logs-es-data spec.template"},
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o, err := diff.ManifestSide(tc.old)
			if err != nil {
				t.Fatal(err)
			}
			n, err := diff.ManifestSide(tc.new)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.want, got(diff.Compare(o, n, diff.Options{}))); d != "" {
				t.Errorf("findings (-want +got):\n%s", d)
			}
		})
	}
}
