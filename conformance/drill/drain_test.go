package drill

import (
	"maps"
	"slices"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/esgen/esgen/esspec"
	"github.com/esgen/esgen/render"
)

// drainDrill deploys a spec, waits until it is healthy, drains every node
// that runs one of its pods at once, and returns what that did.
func drainDrill(t *testing.T, spec *esspec.Resolved, opts Options) DrainResult {
	t.Helper()
	d := deployReady(t, spec, opts)
	p, err := d.Placement(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	res := d.Drain(t.Context(), p.NodesWithPods(), 3*time.Minute)
	t.Logf("drained %d nodes: %d evictions refused, at most %d stateful pods unavailable at once %v", len(res.Nodes), res.Refused, res.WorstUnavailable, res.WorstAt)
	return res
}

// TestDrainExamples: draining every server of an example at once never
// has two pods that hold state down, and every drain finishes.
func TestDrainExamples(t *testing.T) {
	specs := examples(t)
	for _, name := range slices.Sorted(maps.Keys(specs)) {
		t.Run(name, func(t *testing.T) {
			res := drainDrill(t, specs[name], Options{})
			for _, problem := range res.Check(1) {
				t.Error(problem)
			}
			if res.WorstUnavailable == 0 {
				t.Errorf("no stateful pod was ever down: the drill drained nothing")
			}
		})
	}
}

// TestDrainCatchesPerStatefulSetBudgets: budgets of one pod per
// StatefulSet, as most charts render them, let a master and a data node
// go at once; the drill must say so.
func TestDrainCatchesPerStatefulSetBudgets(t *testing.T) {
	spec := examples(t)["production"]
	res := drainDrill(t, spec, Options{Mutate: perStatefulSetBudgets})
	if problems := res.Check(1); len(problems) == 0 {
		t.Fatalf("the drill passed budgets of one pod per StatefulSet: %+v", res)
	}
}

// perStatefulSetBudgets replaces esgen's budgets with one per
// StatefulSet, each allowing one pod down.
func perStatefulSetBudgets(objs render.Objects) render.Objects {
	var out render.Objects
	for _, o := range objs {
		if _, ok := o.(*policyv1.PodDisruptionBudget); ok {
			continue
		}
		out = append(out, o)
		if sts, ok := o.(*appsv1.StatefulSet); ok {
			one := intstr.FromInt32(1)
			out = append(out, &policyv1.PodDisruptionBudget{
				TypeMeta:   metav1.TypeMeta{APIVersion: "policy/v1", Kind: "PodDisruptionBudget"},
				ObjectMeta: metav1.ObjectMeta{Name: sts.Name, Namespace: sts.Namespace},
				Spec: policyv1.PodDisruptionBudgetSpec{
					MaxUnavailable: &one,
					Selector:       sts.Spec.Selector.DeepCopy(),
				},
			})
		}
	}
	return out
}
