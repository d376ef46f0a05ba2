package drill

import (
	"maps"
	"slices"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"

	"github.com/esgen/esgen/esspec"
	"github.com/esgen/esgen/render"
)

// changed returns example name with a setting added to every nodeSet:
// every pod template changes (its config hash), as with most changes a
// user makes.
func changed(t *testing.T, name string) *esspec.Resolved {
	t.Helper()
	c := examples(t)[name].Cluster
	for i := range c.Spec.NodeSets {
		if c.Spec.NodeSets[i].Config == nil {
			c.Spec.NodeSets[i].Config = esspec.Settings{}
		}
		c.Spec.NodeSets[i].Config["indices.memory.index_buffer_size"] = "20%"
	}
	r, err := esspec.Resolve(c)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestRolloutExamples: on every example, applying a changed spec
// restarts no pod of an OnDelete StatefulSet, and carrying out esgen
// rollout's plan restarts every stale pod, one stateful pod at a time,
// masters last, each back on the new revision.
func TestRolloutExamples(t *testing.T) {
	specs := examples(t)
	for _, name := range slices.Sorted(maps.Keys(specs)) {
		t.Run(name, func(t *testing.T) {
			d := deployReady(t, specs[name], Options{})
			res, err := d.Rollout(t.Context(), changed(t, name), 5*time.Minute)
			t.Logf("apply restarted %v; the executor evicted %v (%d evictions refused); at most %d stateful pod(s) down at once",
				res.RestartedByApply, res.Evicted, res.Refused, res.WorstUnavailable)
			if err != nil {
				t.Fatal(err)
			}
			for _, problem := range res.Check(d) {
				t.Error(problem)
			}
			if len(res.Deletions) == 0 {
				t.Error("nothing restarted: the change did not reach the pods")
			}
		})
	}
}

// TestRolloutCatchesRollingUpdate: with every StatefulSet RollingUpdate,
// as esgen rendered them before OnDelete, kubectl apply itself restarts
// master and data pods, each StatefulSet on its own, so that pods of two
// StatefulSets are down at once; the drill must say so.
func TestRolloutCatchesRollingUpdate(t *testing.T) {
	d := deployReady(t, examples(t)["production"], Options{Mutate: rollingUpdate})
	res, err := d.Rollout(t.Context(), changed(t, "production"), 5*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("apply restarted %v; at most %d stateful pods down at once %v", res.RestartedByApply, res.WorstUnavailable, res.WorstAt)
	if len(res.RestartedByApply) == 0 || res.WorstUnavailable < 2 || len(res.Check(d)) == 0 {
		t.Errorf("the drill passed RollingUpdate StatefulSets: %+v", res)
	}
}

// rollingUpdate makes every StatefulSet RollingUpdate.
func rollingUpdate(objs render.Objects) render.Objects {
	for _, o := range objs {
		if sts, ok := o.(*appsv1.StatefulSet); ok {
			sts.Spec.UpdateStrategy = appsv1.StatefulSetUpdateStrategy{Type: appsv1.RollingUpdateStatefulSetStrategyType}
		}
	}
	return objs
}

// TestRolloutUpgrade: a version upgrade of the rack-aware example rolls
// through the racks' pods one at a time; restarted pods pass their
// startup gate while nodes of two versions run.
func TestRolloutUpgrade(t *testing.T) {
	d := deployReady(t, examples(t)["rack-aware"], Options{})
	c := examples(t)["rack-aware"].Cluster
	c.Spec.Version = "9.5.3"
	c.Spec.Image = ""
	esspec.SetDefaults(c)
	next, err := esspec.Resolve(c)
	if err != nil {
		t.Fatal(err)
	}
	res, err := d.Rollout(t.Context(), next, 5*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	for _, problem := range res.Check(d) {
		t.Error(problem)
	}
	if len(res.Evicted) != 9 {
		t.Errorf("evicted %v, want the 9 master and data pods", res.Evicted)
	}
}
