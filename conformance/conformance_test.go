package conformance_test

import (
	"fmt"
	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/esgen/esgen/conformance"
	"github.com/esgen/esgen/diff"
	"github.com/esgen/esgen/esspec"
	"github.com/esgen/esgen/esspec/specgen"
	"github.com/esgen/esgen/render"
)

// TestGoldens: kube-apiserver's validation accepts every golden render,
// and the pods and claims its StatefulSets create.
func TestGoldens(t *testing.T) {
	paths, err := filepath.Glob("../golden/*.yaml")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no golden files: %v", err)
	}
	for _, path := range paths {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".yaml"), func(t *testing.T) {
			stream, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			report, err := conformance.ValidateYAML(stream)
			if err != nil {
				t.Fatal(err)
			}
			if err := report.Err(); err != nil {
				t.Error(err)
			}
		})
	}
}

// generatedSeeds mirrors the root module's property tests: ESGEN_SPECS
// specs (default 500) from seed ESGEN_SEED (default 0).
func generatedSeeds(t *testing.T) (first, count uint64) {
	t.Helper()
	first, count = 0, 500
	for name, into := range map[string]*uint64{"ESGEN_SPECS": &count, "ESGEN_SEED": &first} {
		if s := os.Getenv(name); s != "" {
			n, err := strconv.ParseUint(s, 10, 64)
			if err != nil {
				t.Fatalf("%s=%q: %v", name, s, err)
			}
			*into = n
		}
	}
	return first, count
}

// TestGeneratedSpecs: kube-apiserver's validation accepts the render of
// every spec the property tests generate (esspec/specgen).
func TestGeneratedSpecs(t *testing.T) {
	first, count := generatedSeeds(t)
	for seed := first; seed < first+count; seed++ {
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
			t.Parallel()
			c := specgen.Generate(seed)
			esspec.SetDefaults(c)
			objs, err := render.Render(c)
			if err != nil {
				t.Fatal(err)
			}
			if err := conformance.Validate(objs).Err(); err != nil {
				t.Errorf("esgen render of seed %d:\n%v", seed, err)
			}
		})
	}
}

// renderExample renders examples/<name>.yaml.
func renderExample(t *testing.T, name string) render.Objects {
	t.Helper()
	return renderExampleWith(t, name, nil)
}

// renderExampleWith renders examples/<name>.yaml after mutate changes the
// defaulted spec.
func renderExampleWith(t *testing.T, name string, mutate func(*esspec.Cluster)) render.Objects {
	t.Helper()
	f, err := os.Open(filepath.Join("..", "examples", name+".yaml"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	c, err := esspec.Load(f)
	if err != nil {
		t.Fatal(err)
	}
	esspec.SetDefaults(c)
	if mutate != nil {
		mutate(c)
	}
	objs, err := render.Render(c)
	if err != nil {
		t.Fatal(err)
	}
	return objs
}

// statefulSet returns the rendered StatefulSet of that name.
func statefulSet(t *testing.T, objs render.Objects, name string) *appsv1.StatefulSet {
	t.Helper()
	for _, o := range objs {
		if sts, ok := o.(*appsv1.StatefulSet); ok && sts.Name == name {
			return sts
		}
	}
	t.Fatalf("no StatefulSet %s", name)
	return nil
}

// wantFinding is an expected finding: its object, what the controller
// creates, and the type and field of each error.
type wantFinding struct {
	object, created string
	errors          field.ErrorList // compared by type, field and value
}

// checkReport compares findings by object, created object, and each
// error's type, field path and value.
func checkReport(t *testing.T, want []wantFinding, got conformance.Report) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d findings, want %d:\n%v", len(got), len(want), got.Err())
	}
	for i, w := range want {
		if got[i].Object != w.object || got[i].Created != w.created {
			t.Errorf("finding %d is about %s creating %q, want %s creating %q", i, got[i].Object, got[i].Created, w.object, w.created)
		}
		field.ErrorMatcher{}.ByType().ByField().ByValue().Test(t, w.errors, got[i].Errors)
	}
}

// TestCatchesKnownBadRenders: the check would fail on what a real
// cluster refuses, naming the object, the pod the controller would
// create, and the exact field and type of each error.
func TestCatchesKnownBadRenders(t *testing.T) {
	const master = "logs-es-master" // 3 replicas: pods -0 and -2 are checked
	container := field.NewPath("spec", "containers").Index(0)
	template := field.NewPath("spec", "template")
	topologyKey := func(spec *field.Path) *field.Path {
		return spec.Child("affinity", "podAntiAffinity", "requiredDuringSchedulingIgnoredDuringExecution").Index(0).Child("topologyKey")
	}
	for _, tc := range []struct {
		name   string
		breaks func(t *testing.T, objs render.Objects) render.Objects
		want   []wantFinding
	}{
		{
			name: "container port 70000",
			breaks: func(t *testing.T, objs render.Objects) render.Objects {
				statefulSet(t, objs, master).Spec.Template.Spec.Containers[0].Ports[0].ContainerPort = 70000
				return objs
			},
			want: []wantFinding{
				{object: "StatefulSet/" + master, errors: field.ErrorList{
					field.Invalid(template.Child("spec", "containers").Index(0).Child("ports").Index(0).Child("containerPort"), int32(70000), ""),
				}},
				{object: "StatefulSet/" + master, created: "Pod/" + master + "-0", errors: field.ErrorList{
					field.Invalid(container.Child("ports").Index(0).Child("containerPort"), int32(70000), ""),
				}},
				{object: "StatefulSet/" + master, created: "Pod/" + master + "-2", errors: field.ErrorList{
					field.Invalid(container.Child("ports").Index(0).Child("containerPort"), int32(70000), ""),
				}},
			},
		},
		{
			name: "anti-affinity term with an empty topologyKey",
			breaks: func(t *testing.T, objs render.Objects) render.Objects {
				aff := statefulSet(t, objs, master).Spec.Template.Spec.Affinity.PodAntiAffinity
				aff.RequiredDuringSchedulingIgnoredDuringExecution[0].TopologyKey = ""
				return objs
			},
			want: []wantFinding{
				{object: "StatefulSet/" + master, errors: field.ErrorList{
					field.Required(topologyKey(template.Child("spec")), ""),
					field.Invalid(topologyKey(template.Child("spec")), "", "name part must be non-empty"),
					field.Invalid(topologyKey(template.Child("spec")), "", "name part must consist of alphanumeric characters"),
				}},
				{object: "StatefulSet/" + master, created: "Pod/" + master + "-0", errors: field.ErrorList{
					field.Required(topologyKey(field.NewPath("spec")), ""),
					field.Invalid(topologyKey(field.NewPath("spec")), "", "name part must be non-empty"),
					field.Invalid(topologyKey(field.NewPath("spec")), "", "name part must consist of alphanumeric characters"),
				}},
				{object: "StatefulSet/" + master, created: "Pod/" + master + "-2", errors: field.ErrorList{
					field.Required(topologyKey(field.NewPath("spec")), ""),
					field.Invalid(topologyKey(field.NewPath("spec")), "", "name part must be non-empty"),
					field.Invalid(topologyKey(field.NewPath("spec")), "", "name part must consist of alphanumeric characters"),
				}},
			},
		},
		{
			// The StatefulSet itself passes: only its pods' revision
			// label (<name>-<hash>) exceeds 63 characters. This is what
			// the API server's StatefulSet validation misses.
			name: "StatefulSet name too long for its pods",
			breaks: func(t *testing.T, objs render.Objects) render.Objects {
				statefulSet(t, objs, master).Name = master + strings.Repeat("x", 63-len(master))
				return objs
			},
			want: func() []wantFinding {
				name := master + strings.Repeat("x", 63-len(master))
				labels := field.NewPath("metadata", "labels")
				var w []wantFinding
				for _, pod := range []string{name + "-0", name + "-2"} {
					w = append(w, wantFinding{object: "StatefulSet/" + name, created: "Pod/" + pod, errors: field.ErrorList{
						field.Invalid(labels, name+"-5d8b7c9f46", "must be no more than 63 bytes"), // controller-revision-hash
						field.Invalid(labels, pod, "must be no more than 63 bytes"),                // statefulset.kubernetes.io/pod-name
						field.Invalid(field.NewPath("spec", "hostname"), pod, "must be no more than 63 characters"),
					}})
				}
				return w
			}(),
		},
		{
			name: "a kind the check does not know",
			breaks: func(t *testing.T, objs render.Objects) render.Objects {
				return append(objs, &corev1.Secret{TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Secret"}, ObjectMeta: metav1.ObjectMeta{Name: "s"}})
			},
			want: []wantFinding{{object: "Secret/s", errors: field.ErrorList{field.NotSupported[string](field.NewPath("kind"), "Secret", nil)}}},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			objs := renderExample(t, "production")
			if err := conformance.Validate(objs).Err(); err != nil {
				t.Fatalf("the unbroken render fails: %v", err)
			}
			checkReport(t, tc.want, conformance.Validate(tc.breaks(t, objs)))
		})
	}
}

// TestValidateLeavesObjectsAlone: defaulting and conversion work on
// copies, so the caller's objects are as rendered.
func TestValidateLeavesObjectsAlone(t *testing.T) {
	objs := renderExample(t, "rack-aware")
	before := make([]runtime.Object, len(objs))
	for i, o := range objs {
		before[i] = o.DeepCopyObject()
	}
	conformance.Validate(objs)
	for i := range objs {
		if !apiequality.Semantic.DeepEqual(before[i], runtime.Object(objs[i])) {
			t.Errorf("Validate changed %s", objs[i].GetName())
		}
	}
}

// TestDecodeYAMLIsStrict: an unknown field in a manifest is an error, as
// with kubectl's default server-side field validation.
func TestDecodeYAMLIsStrict(t *testing.T) {
	_, err := conformance.DecodeYAML([]byte("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\ndatta: {}\n"))
	if err == nil || !strings.Contains(err.Error(), "document 1") || !strings.Contains(err.Error(), "datta") {
		t.Errorf("got %v, want a strict decoding error on document 1 naming datta", err)
	}
}

// object returns the rendered object of that kind and name.
func object[T render.Object](t *testing.T, objs render.Objects, name string) T {
	t.Helper()
	for _, o := range objs {
		if typed, ok := o.(T); ok && o.GetName() == name {
			return typed
		}
	}
	var zero T
	t.Fatalf("no %T %s", zero, name)
	return zero
}

// TestEveryKindIsValidated: each kind esgen renders goes through its own
// API server validation (a break in each is caught at its field), and a
// Deployment's pods are checked as its ReplicaSet would create them.
func TestEveryKindIsValidated(t *testing.T) {
	kibanaPod := "Pod/shop-kb-5d8b7c9f46-x2b7q" // <deployment>-<pod-template-hash>-<random suffix>
	for _, tc := range []struct {
		name   string
		breaks func(t *testing.T, objs render.Objects)
		want   []wantFinding
	}{
		{
			name: "ConfigMap key with a slash",
			breaks: func(t *testing.T, objs render.Objects) {
				object[*corev1.ConfigMap](t, objs, "shop-es-master-config").Data["a/b"] = ""
			},
			want: []wantFinding{{object: "ConfigMap/shop-es-master-config", errors: field.ErrorList{
				field.Invalid(field.NewPath("data").Key("a/b"), "a/b", ""),
			}}},
		},
		{
			name: "Service port 0",
			breaks: func(t *testing.T, objs render.Objects) {
				object[*corev1.Service](t, objs, "shop-es-http").Spec.Ports[0].Port = 0
			},
			want: []wantFinding{{object: "Service/shop-es-http", errors: field.ErrorList{
				field.Invalid(field.NewPath("spec", "ports").Index(0).Child("port"), int32(0), ""),
			}}},
		},
		{
			name: "PodDisruptionBudget with a negative minAvailable",
			breaks: func(t *testing.T, objs render.Objects) {
				pdb := object[*policyv1.PodDisruptionBudget](t, objs, "shop-es-stateful")
				pdb.Spec.MinAvailable = new(intstr.FromInt32(-1))
			},
			want: []wantFinding{{object: "PodDisruptionBudget/shop-es-stateful", errors: field.ErrorList{
				field.Invalid(field.NewPath("spec", "minAvailable"), int64(-1), ""),
			}}},
		},
		{
			name: "NetworkPolicy port 70000",
			breaks: func(t *testing.T, objs render.Objects) {
				np := object[*networkingv1.NetworkPolicy](t, objs, "shop-es")
				np.Spec.Ingress[0].Ports[0].Port = new(intstr.FromInt32(70000))
			},
			want: []wantFinding{{object: "NetworkPolicy/shop-es", errors: field.ErrorList{
				field.Invalid(field.NewPath("spec", "ingress").Index(0).Child("ports").Index(0).Child("port"), int32(70000), ""),
			}}},
		},
		{
			name: "ServiceMonitor scraping every 30 seconds, in words",
			breaks: func(t *testing.T, objs render.Objects) {
				object[*monitoringv1.ServiceMonitor](t, objs, "shop-es").Spec.Endpoints[0].Interval = "30 seconds"
			},
			want: []wantFinding{{object: "ServiceMonitor/shop-es", errors: field.ErrorList{
				field.Invalid(field.NewPath("spec", "endpoints").Index(0).Child("interval"), monitoringv1.Duration("30 seconds"), "a Prometheus duration"),
			}}},
		},
		{
			name: "PrometheusRule alert without an expression",
			breaks: func(t *testing.T, objs render.Objects) {
				object[*monitoringv1.PrometheusRule](t, objs, "shop-es").Spec.Groups[0].Rules[1].Expr = intstr.FromString("")
			},
			want: []wantFinding{{object: "PrometheusRule/shop-es", errors: field.ErrorList{
				field.Required(field.NewPath("spec", "groups").Index(0).Child("rules").Index(1).Child("expr"), ""),
			}}},
		},
		{
			name: "Deployment container port 70000",
			breaks: func(t *testing.T, objs render.Objects) {
				object[*appsv1.Deployment](t, objs, "shop-kb").Spec.Template.Spec.Containers[0].Ports[0].ContainerPort = 70000
			},
			want: []wantFinding{
				{object: "Deployment/shop-kb", errors: field.ErrorList{
					field.Invalid(field.NewPath("spec", "template", "spec", "containers").Index(0).Child("ports").Index(0).Child("containerPort"), int32(70000), ""),
				}},
				{object: "Deployment/shop-kb", created: kibanaPod, errors: field.ErrorList{
					field.Invalid(field.NewPath("spec", "containers").Index(0).Child("ports").Index(0).Child("containerPort"), int32(70000), ""),
				}},
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			objs := renderExampleWith(t, "platform", func(c *esspec.Cluster) { c.Spec.Patches = nil })
			if err := conformance.Validate(objs).Err(); err != nil {
				t.Fatalf("the unbroken render fails: %v", err)
			}
			tc.breaks(t, objs)
			checkReport(t, tc.want, conformance.Validate(objs))
		})
	}
}

// TestUnstructuredObjects: objects given unstructured (as other tools
// hand them over) are validated as their typed objects are, and an error
// in one is still found.
func TestUnstructuredObjects(t *testing.T) {
	var objs render.Objects
	for _, o := range renderExample(t, "platform") {
		m, err := runtime.DefaultUnstructuredConverter.ToUnstructured(o)
		if err != nil {
			t.Fatal(err)
		}
		objs = append(objs, &unstructured.Unstructured{Object: m})
	}
	if err := conformance.Validate(objs).Err(); err != nil {
		t.Fatal(err)
	}
	for _, o := range objs {
		u := o.(*unstructured.Unstructured)
		switch {
		case u.GetKind() == "Service" && u.GetName() == "shop-es-http":
			u.Object["spec"].(map[string]any)["ports"].([]any)[0].(map[string]any)["port"] = int64(0)
		case u.GetKind() == "ServiceMonitor":
			// A field the Prometheus Operator's CRD does not have.
			u.Object["spec"].(map[string]any)["endpoint"] = map[string]any{"port": "metrics"}
		}
	}
	checkReport(t, []wantFinding{
		{object: "Service/shop-es-http", errors: field.ErrorList{
			field.Invalid(field.NewPath("spec", "ports").Index(0).Child("port"), int32(0), ""),
		}},
		{object: "ServiceMonitor/shop-es", errors: field.ErrorList{
			field.Invalid(nil, nil, `strict decoding: unknown field "spec.endpoint"`),
		}},
	}, conformance.Validate(objs))
}

// TestStrategySwitch: kubectl apply moves a StatefulSet esgen rendered
// from RollingUpdate to OnDelete (and back): esgen writes the type, so the
// API server fills in no updateStrategy.rollingUpdate. One created without
// a type carries it, which no apply removes and validation refuses beside
// OnDelete (kubernetes#100151); the patch esgen diff's update-strategy
// finding gives clears it.
func TestStrategySwitch(t *testing.T) {
	rolling := statefulSet(t, renderExampleWith(t, "production", func(c *esspec.Cluster) {
		c.Spec.UpdateStrategy = esspec.UpdateRollingUpdate
	}), "logs-es-data")
	onDelete := statefulSet(t, renderExample(t, "production"), "logs-es-data")
	if rolling.Spec.UpdateStrategy.Type != appsv1.RollingUpdateStatefulSetStrategyType || onDelete.Spec.UpdateStrategy.Type != appsv1.OnDeleteStatefulSetStrategyType {
		t.Fatalf("renders %s and %s", rolling.Spec.UpdateStrategy.Type, onDelete.Spec.UpdateStrategy.Type)
	}
	for _, tc := range []struct {
		name       string
		old, new   *appsv1.StatefulSet
		patchFirst string
		refused    bool
	}{
		{"RollingUpdate to OnDelete", rolling, onDelete, "", false},
		{"OnDelete to RollingUpdate", onDelete, rolling, "", false},
		{"no type to OnDelete", untyped(rolling), onDelete, "", true},
		{"no type to OnDelete, patched first", untyped(rolling), onDelete, diff.StrategyPatch, false},
	} {
		var patch []byte
		if tc.patchFirst != "" {
			patch = []byte(tc.patchFirst)
		}
		errs, err := conformance.ApplyStatefulSet(tc.old, tc.new, patch)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		refused := len(errs) == 1 && errs[0].Field == "spec.updateStrategy.rollingUpdate"
		if refused != tc.refused || (!refused && len(errs) > 0) {
			t.Errorf("%s: %v; want refused %v", tc.name, errs, tc.refused)
		}
	}
}

// untyped is sts created without an update strategy.
func untyped(sts *appsv1.StatefulSet) *appsv1.StatefulSet {
	out := sts.DeepCopy()
	out.Spec.UpdateStrategy = appsv1.StatefulSetUpdateStrategy{}
	return out
}
