package drill

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/informers"
	clientset "k8s.io/client-go/kubernetes"
	appslisters "k8s.io/client-go/listers/apps/v1"
	corelisters "k8s.io/client-go/listers/core/v1"
	"k8s.io/client-go/tools/cache"

	"github.com/esgen/esgen/esspec"
)

// kubelet stands in for every Node's kubelet: it starts the pods the
// scheduler binds (they run nothing), finishes graceful deletions as a
// kubelet does once the containers stopped, and reports each pod's
// readiness from the Elasticsearch model (health.go). A pod whose Node
// was deleted is not ready, as a lost server's pods are not.
//
// It also watches every pod change and records, per cluster, how many of
// the pods that hold state (master-eligible or data) were unavailable at
// once: the number PodDisruptionBudgets exist to bound.
type kubelet struct {
	client clientset.Interface
	pods   corelisters.PodLister
	nodes  corelisters.NodeLister
	sets   appslisters.StatefulSetLister
	wake   chan struct{}

	mu       sync.Mutex
	clusters map[string]*watched // by namespace/cluster
	started  map[string]bool     // pod UIDs past their startup gate
}

// watched is a cluster the kubelet reports readiness for.
type watched struct {
	model model
	// worst is the most stateful pods unavailable at once, and when.
	worst      int
	worstAt    []string
	record     bool
	deletions  []string // stateful pods deleted, in order, while recording
	lastHealth Health
}

func startKubelet(ctx context.Context, client clientset.Interface) (*kubelet, error) {
	factory := informers.NewSharedInformerFactory(client, 0)
	k := &kubelet{
		client:   client,
		pods:     factory.Core().V1().Pods().Lister(),
		nodes:    factory.Core().V1().Nodes().Lister(),
		sets:     factory.Apps().V1().StatefulSets().Lister(),
		wake:     make(chan struct{}, 1),
		clusters: map[string]*watched{},
		started:  map[string]bool{},
	}
	poke := func(any) {
		select {
		case k.wake <- struct{}{}:
		default:
		}
	}
	handler := cache.ResourceEventHandlerFuncs{AddFunc: poke, UpdateFunc: func(_, o any) { poke(o) }, DeleteFunc: poke}
	podInformer := factory.Core().V1().Pods().Informer()
	if _, err := podInformer.AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    func(o any) { k.observe(); poke(o) },
		UpdateFunc: func(_, o any) { k.observe(); poke(o) },
		DeleteFunc: func(o any) { k.deleted(o); k.observe(); poke(o) },
	}); err != nil {
		return nil, err
	}
	for _, inf := range []cache.SharedIndexInformer{factory.Core().V1().Nodes().Informer(), factory.Apps().V1().StatefulSets().Informer()} {
		if _, err := inf.AddEventHandler(handler); err != nil {
			return nil, err
		}
	}
	factory.Start(ctx.Done())
	for typ, ok := range factory.WaitForCacheSync(ctx.Done()) {
		if !ok {
			return nil, fmt.Errorf("kubelet: %v cache did not sync", typ)
		}
	}
	go k.run(ctx)
	return k, nil
}

func (k *kubelet) watch(namespace, cluster string, m model) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.clusters[namespace+"/"+cluster] = &watched{model: m}
}

// remodel changes a watched cluster's model, keeping what it recorded.
func (k *kubelet) remodel(namespace, cluster string, m model) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if w := k.clusters[namespace+"/"+cluster]; w != nil {
		w.model = m
	}
}

func (k *kubelet) forget(namespace, cluster string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	delete(k.clusters, namespace+"/"+cluster)
}

// run reconciles on every change, and every 250ms in case an update
// failed on a conflict.
func (k *kubelet) run(ctx context.Context) {
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-k.wake:
		case <-tick.C:
		}
		k.sync(ctx)
	}
}

func (k *kubelet) sync(ctx context.Context) {
	pods, err := k.pods.List(labels.Everything())
	if err != nil {
		return
	}
	ready := k.readiness(pods)
	for _, p := range pods {
		switch {
		case p.DeletionTimestamp != nil:
			// The containers have stopped: the kubelet removes the pod.
			uid := p.UID
			err := k.client.CoreV1().Pods(p.Namespace).Delete(ctx, p.Name, metav1.DeleteOptions{
				GracePeriodSeconds: new(int64(0)), Preconditions: &metav1.Preconditions{UID: &uid},
			})
			_ = ignoreGone(err)
		case p.Spec.NodeName == "":
		default:
			if want := podStatus(p, ready[p.UID], k.nodeExists(p.Spec.NodeName)); want != nil {
				_, err := k.client.CoreV1().Pods(p.Namespace).UpdateStatus(ctx, want, metav1.UpdateOptions{})
				_ = ignoreGone(err)
			}
		}
	}
}

func (k *kubelet) nodeExists(name string) bool {
	_, err := k.nodes.Get(name)
	return err == nil
}

// up reports whether a pod runs: bound to a Node that exists, started,
// not being deleted.
func (k *kubelet) up(p *corev1.Pod) bool {
	return p != nil && p.DeletionTimestamp == nil && p.Spec.NodeName != "" && p.Status.Phase == corev1.PodRunning && k.nodeExists(p.Spec.NodeName)
}

// readiness decides every pod's readiness from the model.
func (k *kubelet) readiness(pods []*corev1.Pod) map[types.UID]bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	out := map[types.UID]bool{}
	byName := podsByName(pods)
	for _, p := range pods {
		// Pods of clusters no drill watches, and Kibana: ready once
		// started.
		out[p.UID] = k.startable(p)
	}
	for key, w := range k.clusters {
		ns, name := splitKey(key)
		members, podsOf := k.members(ns, name, byName)
		h := w.model.health(members)
		w.lastHealth = h
		for i, m := range members {
			p := podsOf[i]
			if p == nil {
				continue
			}
			switch {
			case h == NoMaster || !m.up && !k.startable(p):
				out[p.UID] = false
			case m.stateful && !k.started[string(p.UID)]:
				open := w.model.gateOpen(h, members)
				if open {
					k.started[string(p.UID)] = true
				}
				out[p.UID] = open
			default:
				out[p.UID] = true
			}
		}
		// Elasticsearch pods outside the StatefulSets' counts (none
		// today) and coordinating pods: ready with a master.
		for _, p := range pods {
			if p.Namespace == ns && p.Labels[esspec.LabelCluster] == name && p.Labels[esspec.LabelNodeSet] != "" && h == NoMaster {
				out[p.UID] = false
			}
		}
	}
	return out
}

// startable reports whether the kubelet is about to start a pod: bound to
// a Node that exists and not being deleted.
func (k *kubelet) startable(p *corev1.Pod) bool {
	return p.DeletionTimestamp == nil && p.Spec.NodeName != "" && k.nodeExists(p.Spec.NodeName)
}

// members lists the Elasticsearch nodes a cluster's StatefulSets want,
// with their pods (nil for a pod that does not exist).
func (k *kubelet) members(ns, cluster string, byName map[string]*corev1.Pod) ([]member, []*corev1.Pod) {
	sets, _ := k.sets.StatefulSets(ns).List(labels.SelectorFromSet(labels.Set{esspec.LabelCluster: cluster}))
	var members []member
	var pods []*corev1.Pod
	for _, sts := range sortedSets(sets) {
		tpl := sts.Spec.Template.Labels
		replicas := int32(1)
		if sts.Spec.Replicas != nil {
			replicas = *sts.Spec.Replicas
		}
		for i := range replicas {
			p := byName[ns+"/"+sts.Name+"-"+strconv.Itoa(int(i))]
			m := member{
				pod:       sts.Name + "-" + strconv.Itoa(int(i)),
				up:        k.up(p),
				stateful:  tpl[esspec.LabelStateful] == "true",
				master:    tpl[esspec.LabelRolePrefix+string(esspec.RoleMaster)] == "true",
				dataGroup: dataGroupOf(tpl),
				rack:      tpl[esspec.LabelRack],
			}
			if p != nil && len(p.Spec.Containers) > 0 {
				m.image = p.Spec.Containers[0].Image
			}
			members = append(members, m)
			pods = append(pods, p)
		}
	}
	return members, pods
}

// observe records, for each watched cluster, how many stateful pods are
// unavailable (missing, not bound, not running or not ready) right now.
func (k *kubelet) observe() {
	k.mu.Lock()
	defer k.mu.Unlock()
	var byName map[string]*corev1.Pod
	for key, w := range k.clusters {
		if !w.record {
			continue
		}
		if byName == nil {
			pods, _ := k.pods.List(labels.Everything())
			byName = podsByName(pods)
		}
		ns, name := splitKey(key)
		members, pods := k.members(ns, name, byName)
		var down []string
		for i, m := range members {
			if p := pods[i]; m.stateful && (p == nil || !podReady(p) || p.DeletionTimestamp != nil) {
				down = append(down, m.pod)
			}
		}
		if len(down) > w.worst {
			w.worst, w.worstAt = len(down), down
		}
	}
}

// podsByName indexes pods by namespace/name.
func podsByName(pods []*corev1.Pod) map[string]*corev1.Pod {
	out := make(map[string]*corev1.Pod, len(pods))
	for _, p := range pods {
		out[p.Namespace+"/"+p.Name] = p
	}
	return out
}

// deleted records the deletion of a stateful pod of a recording cluster.
func (k *kubelet) deleted(o any) {
	p, ok := o.(*corev1.Pod)
	if !ok {
		if d, ok := o.(cache.DeletedFinalStateUnknown); ok {
			p, _ = d.Obj.(*corev1.Pod)
		}
	}
	if p == nil || p.Labels[esspec.LabelStateful] != "true" {
		return
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if w := k.clusters[p.Namespace+"/"+p.Labels[esspec.LabelCluster]]; w != nil && w.record {
		w.deletions = append(w.deletions, p.Name)
	}
}

// recording starts or stops recording a cluster's unavailable pods and
// deletions; starting resets what was recorded.
func (k *kubelet) recording(namespace, cluster string, on bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if w := k.clusters[namespace+"/"+cluster]; w != nil {
		w.record = on
		if on {
			w.worst, w.worstAt, w.deletions = 0, nil, nil
		}
	}
}

// recorded returns what recording saw.
func (k *kubelet) recorded(namespace, cluster string) (worst int, at, deletions []string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	w := k.clusters[namespace+"/"+cluster]
	if w == nil {
		return 0, nil, nil
	}
	return w.worst, append([]string(nil), w.worstAt...), append([]string(nil), w.deletions...)
}

// healthOf returns the model's last view of a cluster's health.
func (k *kubelet) healthOf(namespace, cluster string) Health {
	k.mu.Lock()
	defer k.mu.Unlock()
	if w := k.clusters[namespace+"/"+cluster]; w != nil {
		return w.lastHealth
	}
	return ""
}

// podStatus returns the status update a pod needs, or nil.
func podStatus(p *corev1.Pod, ready, nodeExists bool) *corev1.Pod {
	running := nodeExists || p.Status.Phase == corev1.PodRunning
	if !running {
		return nil
	}
	phase := corev1.PodRunning
	if p.Status.Phase == phase && podReady(p) == ready && conditionIs(p, corev1.ContainersReady, ready) {
		return nil
	}
	out := p.DeepCopy()
	now := metav1.Now()
	out.Status.Phase = phase
	if out.Status.StartTime == nil {
		out.Status.StartTime = &now
	}
	status := corev1.ConditionFalse
	if ready {
		status = corev1.ConditionTrue
	}
	setCondition(out, corev1.PodInitialized, corev1.ConditionTrue, now)
	setCondition(out, corev1.ContainersReady, status, now)
	setCondition(out, corev1.PodReady, status, now)
	out.Status.ContainerStatuses = nil
	for _, c := range p.Spec.Containers {
		out.Status.ContainerStatuses = append(out.Status.ContainerStatuses, corev1.ContainerStatus{
			Name: c.Name, Image: c.Image, ImageID: c.Image, Ready: ready, Started: new(true),
			State: corev1.ContainerState{Running: &corev1.ContainerStateRunning{StartedAt: *out.Status.StartTime}},
		})
	}
	return out
}

func setCondition(p *corev1.Pod, t corev1.PodConditionType, s corev1.ConditionStatus, now metav1.Time) {
	for i := range p.Status.Conditions {
		if p.Status.Conditions[i].Type == t {
			if p.Status.Conditions[i].Status != s {
				p.Status.Conditions[i].Status = s
				p.Status.Conditions[i].LastTransitionTime = now
			}
			return
		}
	}
	p.Status.Conditions = append(p.Status.Conditions, corev1.PodCondition{Type: t, Status: s, LastTransitionTime: now})
}

func conditionIs(p *corev1.Pod, t corev1.PodConditionType, want bool) bool {
	for _, c := range p.Status.Conditions {
		if c.Type == t {
			return (c.Status == corev1.ConditionTrue) == want
		}
	}
	return !want
}

// podReady reports whether a pod's Ready condition is true.
func podReady(p *corev1.Pod) bool { return conditionIs(p, corev1.PodReady, true) }

func ignoreGone(err error) error {
	if apierrors.IsNotFound(err) || apierrors.IsConflict(err) {
		return nil
	}
	return err
}

func splitKey(key string) (string, string) {
	ns, name, _ := strings.Cut(key, "/")
	return ns, name
}

func sortedSets(sets []*appsv1.StatefulSet) []*appsv1.StatefulSet {
	out := slices.Clone(sets)
	slices.SortFunc(out, func(a, b *appsv1.StatefulSet) int { return strings.Compare(a.Name, b.Name) })
	return out
}
