package diff_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
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
		says     map[string][]string
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
				{diff.Disruptive, "restart-pending", "StatefulSet/old-es-master spec.template"},
				{diff.Disruptive, "restart-pending", "StatefulSet/old-es-data spec.template"},
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
				{diff.Disruptive, "restart-pending", "StatefulSet/logs-es-data spec.template"},
			},
		},
		{
			// Manifests rendered by an older esgen, with one budget per
			// nodeSet, against a new render with one budget over every
			// master and data pod: kubectl apply leaves the old ones.
			name: "per-nodeSet budgets left behind",
			old:  perNodeSetBudgets(t, renderObjects(t, base)),
			new:  renderObjects(t, base),
			want: []want{{diff.Disruptive, "budget-removed",
				"PodDisruptionBudget/logs-es-master, PodDisruptionBudget/logs-es-coordinating, PodDisruptionBudget/logs-es-data"}},
			says: map[string][]string{"budget-removed": {
				"PodDisruptionBudgets logs-es-master, logs-es-coordinating, logs-es-data are no longer rendered, and kubectl apply does not delete them",
				"logs-es-master-0, logs-es-master-1, logs-es-master-2, logs-es-coordinating-0 and 7 more then fall under two budgets",
				"the eviction API refuses to evict a pod under two", "kubectl drain stops",
				"after applying the new budgets, delete the old ones: kubectl delete pdb logs-es-master -n search; kubectl delete pdb logs-es-coordinating -n search; kubectl delete pdb logs-es-data -n search"}},
		},
		{
			name: "update strategy edited",
			old:  renderObjects(t, base),
			new: editObjects(renderObjects(t, base), func(o render.Object) {
				if sts, ok := o.(*appsv1.StatefulSet); ok && sts.Name == "logs-es-data" {
					sts.Spec.UpdateStrategy.Type = appsv1.RollingUpdateStatefulSetStrategyType
				}
			}),
			want: []want{{diff.Info, "update-strategy", "StatefulSet/logs-es-data spec.updateStrategy.type"}},
			says: map[string][]string{"update-strategy": {"StatefulSet logs-es-data switches from OnDelete to RollingUpdate"}},
		},
		{
			// The disposable mark is read from the StatefulSets.
			name: "disposable annotation",
			old:  renderObjects(t, spec(t, devCluster)),
			new: editObjects(renderObjects(t, spec(t, devCluster, config(0, "node.attr.zone", "a"))), func(o render.Object) {
				if sts, ok := o.(*appsv1.StatefulSet); ok {
					sts.Annotations = map[string]string{render.DisposableAnnotation: "true"}
				}
			}),
			want: []want{{diff.Disruptive, "data-lost-on-restart", "StatefulSet/dev-es-default spec.template"}},
			says: map[string][]string{"data-lost-on-restart": {"which this cluster accepts (spec.disposable)"}},
		},
		{
			name: "transport TLS turned off in a ConfigMap",
			old:  renderObjects(t, base),
			new: editObjects(renderObjects(t, base), func(o render.Object) {
				if cm, ok := o.(*corev1.ConfigMap); ok && cm.Name == "logs-es-data-config" {
					cm.Data["elasticsearch.yml"] = strings.Replace(cm.Data["elasticsearch.yml"],
						"xpack.security.transport.ssl.enabled: true", "xpack.security.transport.ssl.enabled: false", 1)
				}
			}),
			// No pod restarts now, but each data node reads the file at its
			// next start.
			want: []want{
				{diff.Unsafe, "full-restart-security", "ConfigMap/logs-es-data-config data[elasticsearch.yml][xpack.security.transport.ssl.enabled]"},
				{diff.Info, "config-only", "ConfigMap/logs-es-data-config data[elasticsearch.yml][xpack.security.transport.ssl.enabled]"},
			},
			says: map[string][]string{"full-restart-security": {"transport TLS goes off (xpack.security.transport.ssl.enabled: true -> false)", "esgen rollout --full-restart SPEC"}},
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
			r := diff.Compare(o, n, diff.Options{})
			if d := cmp.Diff(tc.want, got(r)); d != "" {
				t.Errorf("findings (-want +got):\n%s", d)
			}
			checkSays(t, r, tc.says)
		})
	}
}

// perNodeSetBudgets replaces a render's budgets with one per nodeSet,
// <c>-es-<nodeSet>, as esgen rendered them before one budget covered
// every master and data pod.
func perNodeSetBudgets(t *testing.T, objs render.Objects) render.Objects {
	t.Helper()
	var out, budgets render.Objects
	var template *policyv1.PodDisruptionBudget
	for _, o := range objs {
		switch o := o.(type) {
		case *policyv1.PodDisruptionBudget:
			template = o
		case *appsv1.StatefulSet:
			out = append(out, o)
			nodeSet := o.Labels[esspec.LabelNodeSet]
			pdb := template.DeepCopy()
			pdb.Name = o.Name
			pdb.Spec.Selector.MatchLabels = map[string]string{
				esspec.LabelCluster: o.Labels[esspec.LabelCluster],
				esspec.LabelNodeSet: nodeSet,
			}
			budgets = append(budgets, pdb)
		default:
			out = append(out, o)
		}
	}
	if template == nil || len(budgets) == 0 {
		t.Fatal("want a render with budgets and StatefulSets")
	}
	return append(out, budgets...)
}

// TestRenderedFields pins the objects and fields that findings name for
// rendered input, where a spec would name spec fields (TestRenderedInput
// checks that everything else is the same).
func TestRenderedFields(t *testing.T) {
	b := baseSpec
	for _, tc := range []struct {
		name     string
		old, new *esspec.Cluster
		want     []want
	}{
		{name: "config changed", old: spec(t, b), new: spec(t, b, config(1, "node.attr.zone", "a")),
			want: []want{{diff.Disruptive, "restart-pending", "StatefulSet/logs-es-data spec.template"}}},
		{name: "coordinating config changed", old: spec(t, b), new: spec(t, b, config(2, "node.attr.zone", "a")),
			want: []want{{diff.Disruptive, "rolling-restart", "StatefulSet/logs-es-coordinating spec.template"}}},
		{name: "development config changed on emptyDir", old: spec(t, devCluster), new: spec(t, devCluster, config(0, "node.attr.zone", "a")),
			want: []want{{diff.Unsafe, "data-lost-on-restart", "StatefulSet/dev-es-default spec.template"}}},
		{name: "data claim to hostPath", old: spec(t, b),
			new: spec(t, b, func(c *esspec.Cluster) { c.Spec.NodeSets[1].Storage = esspec.Storage{HostPath: "/data/es"} }),
			want: []want{
				{diff.Unsafe, "data-volume-replaced", "StatefulSet/logs-es-data spec.template.spec.volumes[name=elasticsearch-data]"},
				{diff.Disruptive, "restart-pending", "StatefulSet/logs-es-data spec.template"},
			}},
		{name: "to RollingUpdate", old: spec(t, b), new: spec(t, b, strategy(esspec.UpdateRollingUpdate)),
			want: []want{{diff.Info, "update-strategy", "StatefulSet/logs-es-master spec.updateStrategy.type, StatefulSet/logs-es-data spec.updateStrategy.type"}}},
		{name: "security turned on", old: spec(t, b, version("7.17.29"), securityOff), new: spec(t, b, version("7.17.29")),
			want: []want{
				{diff.Unsafe, "full-restart-security", strings.Join([]string{
					"ConfigMap/logs-es-master-config data[elasticsearch.yml][xpack.security.enabled]",
					"ConfigMap/logs-es-coordinating-config data[elasticsearch.yml][xpack.security.enabled]",
					"ConfigMap/logs-es-data-config data[elasticsearch.yml][xpack.security.enabled]",
					"ConfigMap/logs-es-master-config data[elasticsearch.yml][xpack.security.transport.ssl.enabled]",
					"ConfigMap/logs-es-coordinating-config data[elasticsearch.yml][xpack.security.transport.ssl.enabled]",
					"ConfigMap/logs-es-data-config data[elasticsearch.yml][xpack.security.transport.ssl.enabled]",
				}, ", ")},
				{diff.Disruptive, "restart-pending", "StatefulSet/logs-es-master spec.template"},
				{diff.Disruptive, "rolling-restart", "StatefulSet/logs-es-coordinating spec.template"},
				{diff.Disruptive, "restart-pending", "StatefulSet/logs-es-data spec.template"},
			}},
		{name: "transport certificates from another Secret", old: spec(t, b),
			new: spec(t, b, func(c *esspec.Cluster) { c.Spec.Security.TLS.SecretName = "logs-es-certs-2026" }),
			want: []want{
				{diff.Disruptive, "transport-certificates", "StatefulSet/logs-es-master spec.template.spec.volumes, StatefulSet/logs-es-coordinating spec.template.spec.volumes, StatefulSet/logs-es-data spec.template.spec.volumes"},
				{diff.Disruptive, "restart-pending", "StatefulSet/logs-es-master spec.template"},
				{diff.Disruptive, "rolling-restart", "StatefulSet/logs-es-coordinating spec.template"},
				{diff.Disruptive, "restart-pending", "StatefulSet/logs-es-data spec.template"},
			}},
		{name: "6.8 to 7.17 bootstrapping", old: spec(t, legacy), new: spec(t, legacy, version("7.17.29"), bootstrapOn),
			want: []want{
				{diff.Unsafe, "initial-master-nodes-upgrade", "ConfigMap/old-es-master-config data[elasticsearch.yml][cluster.initial_master_nodes]"},
				{diff.Disruptive, "major-upgrade", "StatefulSet/old-es-master metadata.labels[app.kubernetes.io/version]"},
				{diff.Disruptive, "restart-pending", "StatefulSet/old-es-master spec.template"},
				{diff.Disruptive, "restart-pending", "StatefulSet/old-es-data spec.template"},
				{diff.Info, "minimum-master-nodes", "ConfigMap/old-es-master-config data[elasticsearch.yml][discovery.zen.minimum_master_nodes]"},
			}},
		{name: "warm 2 to 1", old: spec(t, hotWarm), new: spec(t, hotWarm, count(2, 1)),
			want: []want{
				{diff.Disruptive, "data-scale-down", "StatefulSet/tiers-es-warm spec.replicas"},
			}},
		{name: "coordinating removed", old: spec(t, b),
			new: spec(t, b, func(c *esspec.Cluster) { c.Spec.NodeSets = c.Spec.NodeSets[:2] }),
			want: []want{
				{diff.Unsafe, "nodeset-removed", "StatefulSet/logs-es-coordinating"},
				{diff.Info, "budget-removed", "PodDisruptionBudget/logs-es-stateless"},
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := diff.Compare(manifestSide(t, tc.old), manifestSide(t, tc.new), diff.Options{})
			if d := cmp.Diff(tc.want, got(r)); d != "" {
				t.Errorf("findings (-want +got):\n%s", d)
			}
		})
	}
}
