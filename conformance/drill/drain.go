package drill

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/wait"
)

// DrainResult is what draining a set of nodes did to the cluster.
type DrainResult struct {
	// Nodes are the drained nodes, in order.
	Nodes []string
	// Took is how long each drain took, by node.
	Took map[string]time.Duration
	// Refused counts the evictions the API server refused with 429
	// (a PodDisruptionBudget allowing no disruption).
	Refused int
	// WorstUnavailable is the most pods that hold state (master-eligible
	// or data) that were unavailable at once, and WorstAt names them.
	WorstUnavailable int
	WorstAt          []string
	// Failed lists the drains that did not finish, with why.
	Failed []string
}

// WaitReady waits until every pod of the deployment is Ready and each
// PodDisruptionBudget has counted them, as a cluster is before anyone
// drains a node.
func (d *Deployment) WaitReady(ctx context.Context, timeout time.Duration) error {
	var state string
	err := wait.PollUntilContextTimeout(ctx, 200*time.Millisecond, timeout, true, func(ctx context.Context) (bool, error) {
		pods, err := d.pods(ctx)
		if err != nil {
			return false, err
		}
		if len(pods) != d.wanted() {
			state = fmt.Sprintf("%d of %d pods", len(pods), d.wanted())
			return false, nil
		}
		for _, p := range pods {
			if !podReady(&p) || p.DeletionTimestamp != nil {
				state = p.Name + " is not Ready"
				return false, nil
			}
		}
		pdbs, err := d.cp.Client.PolicyV1().PodDisruptionBudgets(d.Namespace).List(ctx, metav1.ListOptions{})
		if err != nil {
			return false, err
		}
		for _, b := range pdbs.Items {
			if b.Status.ObservedGeneration != b.Generation || b.Status.CurrentHealthy != b.Status.ExpectedPods {
				state = fmt.Sprintf("PodDisruptionBudget %s: %d of %d healthy", b.Name, b.Status.CurrentHealthy, b.Status.ExpectedPods)
				return false, nil
			}
		}
		return true, nil
	})
	if err != nil {
		return fmt.Errorf("waiting for every pod to be Ready: %w (%s)", err, state)
	}
	return nil
}

// Drain drains nodes at the same time, each as kubectl drain does:
// cordon, evict every pod on it through the Eviction API (retrying while
// a PodDisruptionBudget refuses with 429), wait until none is left on it,
// then uncordon it, as an operator does once the server's maintenance is
// over (a pod bound to a local volume can only come back there). While
// the drains run, the kubelet stand-in records how many stateful pods are
// unavailable at once. A drain not done within timeout fails.
func (d *Deployment) Drain(ctx context.Context, nodes []string, timeout time.Duration) DrainResult {
	res := DrainResult{Nodes: nodes, Took: map[string]time.Duration{}}
	k := d.cp.kubelet
	k.recording(d.Namespace, d.Cluster, true)
	defer k.recording(d.Namespace, d.Cluster, false)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, node := range nodes {
		wg.Go(func() {
			start := time.Now()
			refused, err := d.drainNode(ctx, node)
			mu.Lock()
			defer mu.Unlock()
			res.Refused += refused
			res.Took[node] = time.Since(start).Round(time.Millisecond)
			if err != nil {
				res.Failed = append(res.Failed, fmt.Sprintf("%s: %v", node, err))
			}
		})
	}
	wg.Wait()
	slices.Sort(res.Failed)
	res.WorstUnavailable, res.WorstAt, _ = k.recorded(d.Namespace, d.Cluster)
	return res
}

// drainNode drains one node and uncordons it; it returns the evictions
// refused with 429.
func (d *Deployment) drainNode(ctx context.Context, node string) (int, error) {
	if err := d.cordon(ctx, node, true); err != nil {
		return 0, err
	}
	pods, err := d.podsOn(ctx, node)
	if err != nil {
		return 0, err
	}
	var mu sync.Mutex
	refused := 0
	errs := make([]error, len(pods))
	var wg sync.WaitGroup
	for i, p := range pods {
		wg.Go(func() {
			n, err := d.evict(ctx, p)
			mu.Lock()
			refused += n
			mu.Unlock()
			errs[i] = err
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return refused, err
	}
	// kubectl drain waits until the evicted pods are gone from the node.
	err = wait.PollUntilContextCancel(ctx, 100*time.Millisecond, true, func(ctx context.Context) (bool, error) {
		left, err := d.podsOn(ctx, node)
		return err == nil && len(left) == 0, nil
	})
	if err != nil {
		return refused, fmt.Errorf("pods still on the node: %w", err)
	}
	return refused, d.cordon(ctx, node, false)
}

// evict evicts a pod, retrying while the API refuses with 429, as kubectl
// drain does; a pod that is gone (or replaced) is evicted.
func (d *Deployment) evict(ctx context.Context, p corev1.Pod) (int, error) {
	refused := 0
	uid := p.UID
	eviction := &policyv1.Eviction{
		ObjectMeta:    metav1.ObjectMeta{Name: p.Name, Namespace: p.Namespace},
		DeleteOptions: &metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: &uid}},
	}
	for {
		err := d.cp.Client.CoreV1().Pods(p.Namespace).EvictV1(ctx, eviction)
		switch {
		case err == nil || apierrors.IsNotFound(err) || apierrors.IsConflict(err) && d.replaced(ctx, p.Namespace, p.Name, uid):
			return refused, nil
		case apierrors.IsTooManyRequests(err):
			refused++
		default:
			return refused, fmt.Errorf("evicting %s: %w", p.Name, err)
		}
		select {
		case <-ctx.Done():
			return refused, fmt.Errorf("evicting %s: refused %d times: %w", p.Name, refused, ctx.Err())
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// replaced reports whether the pod of that name is no longer uid.
func (d *Deployment) replaced(ctx context.Context, ns, name string, uid types.UID) bool {
	p, err := d.cp.Client.CoreV1().Pods(ns).Get(ctx, name, metav1.GetOptions{})
	return apierrors.IsNotFound(err) || err == nil && p.UID != uid
}

func (d *Deployment) podsOn(ctx context.Context, node string) ([]corev1.Pod, error) {
	list, err := d.cp.Client.CoreV1().Pods(d.Namespace).List(ctx, metav1.ListOptions{
		FieldSelector: fields.OneTermEqualSelector("spec.nodeName", node).String(),
	})
	if err != nil {
		return nil, err
	}
	return list.Items, nil
}

func (d *Deployment) cordon(ctx context.Context, node string, on bool) error {
	patch := fmt.Sprintf(`{"spec":{"unschedulable":%t}}`, on)
	_, err := d.cp.Client.CoreV1().Nodes().Patch(ctx, node, types.StrategicMergePatchType, []byte(patch), metav1.PatchOptions{})
	return err
}

// NodesWithPods lists the nodes that run pods of the deployment.
func (p Placement) NodesWithPods() []string {
	var out []string
	for _, x := range p {
		if x.Node != "" && !slices.Contains(out, x.Node) {
			out = append(out, x.Node)
		}
	}
	slices.Sort(out)
	return out
}

// Check returns what the drains broke: more than allowed stateful pods
// unavailable at once (esgen's budgets allow one), or a drain that did
// not finish.
func (r DrainResult) Check(allowed int) []string {
	var out []string
	if r.WorstUnavailable > allowed {
		out = append(out, fmt.Sprintf("%d pods that hold state were unavailable at once (%v); the budgets allow %d", r.WorstUnavailable, r.WorstAt, allowed))
	}
	for _, f := range r.Failed {
		out = append(out, "drain "+f)
	}
	return out
}
