package diff

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

type pathChange struct{ Path, Old, New string }

func paths(fcs []fieldChange) []pathChange {
	var out []pathChange
	for _, fc := range fcs {
		out = append(out, pathChange{fc.Path, string(fc.Old), string(fc.New)})
	}
	return out
}

func sts(mutate func(*appsv1.StatefulSet)) *appsv1.StatefulSet {
	s := &appsv1.StatefulSet{
		TypeMeta:   metav1.TypeMeta{APIVersion: "apps/v1", Kind: "StatefulSet"},
		ObjectMeta: metav1.ObjectMeta{Name: "logs-es-data", Labels: map[string]string{"a": "1"}},
		Spec: appsv1.StatefulSetSpec{
			Replicas: new(int32(3)),
			Template: corev1.PodTemplateSpec{Spec: corev1.PodSpec{Containers: []corev1.Container{
				{Name: "elasticsearch", Image: "es:1", Env: []corev1.EnvVar{{Name: "A", Value: "1"}, {Name: "B", Value: "2"}},
					Resources: corev1.ResourceRequirements{Limits: corev1.ResourceList{corev1.ResourceMemory: resource.MustParse("4Gi")}}},
			}}},
		},
	}
	mutate(s)
	return s
}

// TestFieldChanges pins how field paths and values are written: JSON
// names, map keys, list elements by name (or position), values as JSON.
func TestFieldChanges(t *testing.T) {
	for _, tc := range []struct {
		name   string
		mutate func(*appsv1.StatefulSet)
		want   []pathChange
	}{
		{name: "same", mutate: func(*appsv1.StatefulSet) {}},
		{name: "same quantity written differently", mutate: func(s *appsv1.StatefulSet) {
			s.Spec.Template.Spec.Containers[0].Resources.Limits[corev1.ResourceMemory] = resource.MustParse("4096Mi")
		}},
		{name: "empty and absent alike", mutate: func(s *appsv1.StatefulSet) { s.Spec.VolumeClaimTemplates = []corev1.PersistentVolumeClaim{} }},
		{name: "scalar behind a pointer", mutate: func(s *appsv1.StatefulSet) { s.Spec.Replicas = new(int32(5)) },
			want: []pathChange{{"spec.replicas", "3", "5"}}},
		{name: "label added and changed", mutate: func(s *appsv1.StatefulSet) { s.Labels = map[string]string{"a": "2", "b": "x"} },
			want: []pathChange{{"metadata.labels[a]", `"1"`, `"2"`}, {"metadata.labels[b]", "", `"x"`}}},
		{name: "labels added to none", mutate: func(s *appsv1.StatefulSet) {
			s.Spec.Template.Labels = map[string]string{"team": "search"}
		}, want: []pathChange{{"spec.template.metadata.labels[team]", "", `"search"`}}},
		{name: "container field by name", mutate: func(s *appsv1.StatefulSet) { s.Spec.Template.Spec.Containers[0].Image = "es:2" },
			want: []pathChange{{"spec.template.spec.containers[name=elasticsearch].image", `"es:1"`, `"es:2"`}}},
		{name: "env inserted in the middle", mutate: func(s *appsv1.StatefulSet) {
			c := &s.Spec.Template.Spec.Containers[0]
			c.Env = []corev1.EnvVar{c.Env[0], {Name: "C", Value: "3"}, c.Env[1]}
		}, want: []pathChange{{"spec.template.spec.containers[name=elasticsearch].env[name=C]", "", `{"name":"C","value":"3"}`}}},
		// Reordered named elements fall back to positions, so the reorder shows.
		{name: "env reordered", mutate: func(s *appsv1.StatefulSet) {
			c := &s.Spec.Template.Spec.Containers[0]
			c.Env = []corev1.EnvVar{c.Env[1], c.Env[0]}
		}, want: []pathChange{
			{"spec.template.spec.containers[name=elasticsearch].env[0].name", `"A"`, `"B"`},
			{"spec.template.spec.containers[name=elasticsearch].env[0].value", `"1"`, `"2"`},
			{"spec.template.spec.containers[name=elasticsearch].env[1].name", `"B"`, `"A"`},
			{"spec.template.spec.containers[name=elasticsearch].env[1].value", `"2"`, `"1"`},
		}},
		{name: "list of strings by position", mutate: func(s *appsv1.StatefulSet) {
			s.Spec.Template.Spec.Containers[0].Args = []string{"x"}
		}, want: []pathChange{{"spec.template.spec.containers[name=elasticsearch].args[0]", "", `"x"`}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := paths(fieldChanges(sts(func(*appsv1.StatefulSet) {}), sts(tc.mutate)))
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("field changes (-want +got):\n%s", d)
			}
		})
	}
}

// TestConfigSettings: a node's elasticsearch.yml compares setting by
// setting, not as one string.
func TestConfigSettings(t *testing.T) {
	cm := func(yml string) *corev1.ConfigMap {
		return &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "c"}, Data: map[string]string{"elasticsearch.yml": yml}}
	}
	got := paths(fieldChanges(
		cm("cluster.name: logs\ndiscovery.zen.minimum_master_nodes: 2\nnode.roles:\n- master\n"),
		cm("cluster.name: logs\ndiscovery.zen.minimum_master_nodes: 3\nnode.roles:\n- master\n- data\n")))
	want := []pathChange{
		{"data[elasticsearch.yml][discovery.zen.minimum_master_nodes]", "2", "3"},
		{"data[elasticsearch.yml][node.roles][1]", "", `"data"`},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("field changes (-want +got):\n%s", d)
	}
}

// TestDeterministic: the same comparison gives the same changes every
// time, whatever the order go-cmp visits maps in.
func TestDeterministic(t *testing.T) {
	old := sts(func(*appsv1.StatefulSet) {})
	changed := sts(func(s *appsv1.StatefulSet) {
		s.Labels = map[string]string{"z": "1", "b": "2", "m": "3", "a": "4"}
		s.Spec.Template.Spec.Containers[0].Env = nil
	})
	first := paths(fieldChanges(old, changed))
	for range 20 {
		if d := cmp.Diff(first, paths(fieldChanges(old, changed))); d != "" {
			t.Fatalf("changes differ between runs:\n%s", d)
		}
	}
	if len(first) != 6 {
		t.Errorf("want 4 labels and 2 env vars, got %v", first)
	}
}

func TestComparePathsNumeric(t *testing.T) {
	a := []segment{{kind: segField, name: "env"}, {kind: segIndex, index: 9}}
	b := []segment{{kind: segField, name: "env"}, {kind: segIndex, index: 10}}
	if comparePaths(a, b) >= 0 || formatPath(b) != "env[10]" {
		t.Errorf("env[9] must sort before %s", formatPath(b))
	}
}
