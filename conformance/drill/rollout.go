package drill

import (
	"context"
	"fmt"
	"slices"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"

	"github.com/esgen/esgen/esspec"
	"github.com/esgen/esgen/render"
	"github.com/esgen/esgen/rollout"
	"github.com/esgen/esgen/topology"
)

// RolloutResult is what applying a changed spec and carrying out its
// rollout plan did.
type RolloutResult struct {
	// Plan is the rollout plan of the new spec (esgen rollout -o json).
	Plan *rollout.Plan
	// RestartedByApply lists the stateful pods the apply itself replaced
	// (the StatefulSet controller, under RollingUpdate), in order.
	RestartedByApply []string
	// Evicted lists the pods the executor evicted, in order.
	Evicted []string
	// Deletions lists every stateful pod deleted from the apply on, in
	// order, whoever deleted it.
	Deletions []string
	// Refused counts the evictions refused with 429.
	Refused int
	// WorstUnavailable is the most stateful pods unavailable at once from
	// the apply on, and WorstAt names them.
	WorstUnavailable int
	WorstAt          []string
	// Stale lists the pods not on their StatefulSet's update revision
	// once the rollout finished.
	Stale []string
}

// Apply renders spec and applies it over the running deployment, as
// kubectl apply does with a changed spec. The fleet and its volumes stay;
// objects the new render no longer has stay too, as kubectl apply
// without --prune leaves them.
func (d *Deployment) Apply(ctx context.Context, spec *esspec.Resolved) error {
	objs, err := render.RenderResolved(spec)
	if err != nil {
		return err
	}
	if d.mutate != nil {
		objs = d.mutate(objs)
	}
	d.Spec, d.Objects, d.model = spec, objs, modelOf(spec, objs, d.model.replicas)
	d.cp.kubelet.remodel(d.Namespace, d.Cluster, d.model)
	return d.applyObjects(ctx)
}

// Rollout applies a changed spec over the running deployment, waits for
// the StatefulSet controller to take the new templates in, then carries
// out the new spec's rolling rollout plan the way the runbook esgen
// rollout prints does: step by step, a pod whose controller-revision-hash
// is not its StatefulSet's updateRevision is evicted through the Eviction
// API (retrying on 429), or, under RollingUpdate, left to its
// StatefulSet; then the executor waits until the pod is back on the new
// revision and Ready, and the modelled cluster healthy. What the runbook
// does inside Elasticsearch (allocation, flush, finding the elected
// master) has no counterpart in the health model and is left out; the
// masters go in the plan's order.
func (d *Deployment) Rollout(ctx context.Context, spec *esspec.Resolved, timeout time.Duration) (res RolloutResult, err error) {
	plan, err := rollout.New(spec.Cluster, rollout.Options{})
	if err != nil {
		return res, err
	}
	res.Plan = plan
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	k := d.cp.kubelet
	k.recording(d.Namespace, d.Cluster, true)
	defer k.recording(d.Namespace, d.Cluster, false)
	defer func() { res.WorstUnavailable, res.WorstAt, res.Deletions = k.recorded(d.Namespace, d.Cluster) }()

	if err := d.Apply(ctx, spec); err != nil {
		return res, err
	}
	if err := d.waitObserved(ctx); err != nil {
		return res, err
	}
	_, _, res.RestartedByApply = k.recorded(d.Namespace, d.Cluster)
	for _, step := range plan.Steps {
		for _, pod := range step.Pods {
			evicted, refused, err := d.restart(ctx, pod)
			res.Refused += refused
			if evicted {
				res.Evicted = append(res.Evicted, pod.Name)
			}
			if err != nil {
				return res, fmt.Errorf("%s: %w", pod.Name, err)
			}
		}
	}
	res.Stale, err = d.stale(ctx)
	return res, err
}

// waitObserved waits until the StatefulSet controller has seen every
// StatefulSet's template, so that updateRevision is the new one, and has
// replaced what RollingUpdate replaces, and the pods are Ready again.
func (d *Deployment) waitObserved(ctx context.Context) error {
	err := wait.PollUntilContextCancel(ctx, 200*time.Millisecond, true, func(ctx context.Context) (bool, error) {
		for _, sts := range d.statefulSets() {
			got, err := d.cp.Client.AppsV1().StatefulSets(d.Namespace).Get(ctx, sts.Name, metav1.GetOptions{})
			if err != nil {
				return false, err
			}
			if got.Status.ObservedGeneration < got.Generation {
				return false, nil
			}
			if got.Spec.UpdateStrategy.Type != appsv1.OnDeleteStatefulSetStrategyType && got.Status.UpdatedReplicas < ptrValue(got.Spec.Replicas) {
				return false, nil
			}
		}
		return true, nil
	})
	if err != nil {
		return fmt.Errorf("waiting for the StatefulSet controller to see the new templates: %w", err)
	}
	return d.WaitReady(ctx, time.Minute)
}

// restart restarts one pod of the plan when it is stale.
func (d *Deployment) restart(ctx context.Context, want rollout.Pod) (evicted bool, refused int, err error) {
	sts, err := d.cp.Client.AppsV1().StatefulSets(d.Namespace).Get(ctx, want.StatefulSet, metav1.GetOptions{})
	if err != nil {
		return false, 0, err
	}
	pod, err := d.cp.Client.CoreV1().Pods(d.Namespace).Get(ctx, want.Name, metav1.GetOptions{})
	if err != nil {
		return false, 0, err
	}
	update := sts.Status.UpdateRevision
	if pod.Labels[appsv1.ControllerRevisionHashLabelKey] == update {
		return false, 0, nil
	}
	if sts.Spec.UpdateStrategy.Type == appsv1.OnDeleteStatefulSetStrategyType {
		if refused, err = d.evict(ctx, *pod); err != nil {
			return false, refused, err
		}
		evicted = true
	}
	err = wait.PollUntilContextCancel(ctx, 100*time.Millisecond, true, func(ctx context.Context) (bool, error) {
		p, err := d.cp.Client.CoreV1().Pods(d.Namespace).Get(ctx, want.Name, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		return p.UID != pod.UID && p.Labels[appsv1.ControllerRevisionHashLabelKey] == update && podReady(p) && p.DeletionTimestamp == nil, nil
	})
	if err != nil {
		return evicted, refused, fmt.Errorf("waiting for the pod to come back Ready on revision %s: %w", update, err)
	}
	return evicted, refused, d.waitHealthy(ctx)
}

// waitHealthy waits until the modelled cluster is green, or yellow where
// esgen's health target is yellow.
func (d *Deployment) waitHealthy(ctx context.Context) error {
	var h Health
	err := wait.PollUntilContextCancel(ctx, 100*time.Millisecond, true, func(context.Context) (bool, error) {
		h = d.cp.kubelet.healthOf(d.Namespace, d.Cluster)
		return h == Green || h == Yellow && d.model.target == topology.Yellow, nil
	})
	if err != nil {
		return fmt.Errorf("the cluster stayed %s: %w", h, err)
	}
	return nil
}

// stale lists the pods not on their StatefulSet's update revision.
func (d *Deployment) stale(ctx context.Context) ([]string, error) {
	var out []string
	for _, s := range d.statefulSets() {
		sts, err := d.cp.Client.AppsV1().StatefulSets(d.Namespace).Get(ctx, s.Name, metav1.GetOptions{})
		if err != nil {
			return nil, err
		}
		pods, err := d.cp.Client.CoreV1().Pods(d.Namespace).List(ctx, metav1.ListOptions{
			LabelSelector: metav1.FormatLabelSelector(sts.Spec.Selector),
		})
		if err != nil {
			return nil, err
		}
		for _, p := range pods.Items {
			if p.Labels[appsv1.ControllerRevisionHashLabelKey] != sts.Status.UpdateRevision {
				out = append(out, p.Name)
			}
		}
	}
	slices.Sort(out)
	return out, nil
}

// Check returns what the rollout broke: a stateful pod that the apply
// restarted under OnDelete, more than one stateful pod unavailable at
// once, a master restarted before a pod that is not master-eligible, a
// stateful pod deleted by anyone but the executor, or a pod left on an
// old revision.
func (r RolloutResult) Check(d *Deployment) []string {
	var out []string
	onDelete := map[string]bool{}
	for _, sts := range d.statefulSets() {
		onDelete[sts.Name] = sts.Spec.UpdateStrategy.Type == appsv1.OnDeleteStatefulSetStrategyType
	}
	// Each pod's StatefulSet and the phase the plan restarts it in.
	pods, phase := map[string]rollout.Pod{}, map[string]string{}
	for _, s := range r.Plan.Steps {
		for _, p := range s.Pods {
			pods[p.Name], phase[p.Name] = p, s.Phase
		}
	}
	for _, name := range r.RestartedByApply {
		if onDelete[pods[name].StatefulSet] {
			out = append(out, fmt.Sprintf("kubectl apply restarted %s, whose StatefulSet is OnDelete", name))
		}
	}
	if r.WorstUnavailable > 1 {
		out = append(out, fmt.Sprintf("%d stateful pods unavailable at once: %v", r.WorstUnavailable, r.WorstAt))
	}
	masterSeen := ""
	for _, name := range r.Deletions {
		switch {
		case phase[name] == rollout.PhaseMasters:
			masterSeen = name
		case masterSeen != "":
			out = append(out, fmt.Sprintf("%s restarted after master-eligible %s", name, masterSeen))
		}
	}
	byExecutor := slices.Concat(r.RestartedByApply, r.Evicted)
	if !slices.Equal(byExecutor, r.Deletions) {
		out = append(out, fmt.Sprintf("stateful pods deleted %v, the apply and the executor restarted %v", r.Deletions, byExecutor))
	}
	if len(r.Stale) > 0 {
		out = append(out, fmt.Sprintf("pods left on an old revision: %v", r.Stale))
	}
	return out
}
