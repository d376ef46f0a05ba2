package drill

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	schedulingv1 "k8s.io/api/scheduling/v1"
	storagev1 "k8s.io/api/storage/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/wait"

	"github.com/esgen/esgen/esspec"
	"github.com/esgen/esgen/render"
	"github.com/esgen/esgen/topology"
)

// Options tune a deployment.
type Options struct {
	// Fleet is the servers to schedule onto; nil is FleetFor(spec).
	Fleet *Fleet
	// Replicas is index.number_of_replicas in the health model; 0 is 1,
	// Elasticsearch's default.
	Replicas int
	// Mutate, when set, changes the rendered objects before they are
	// applied (at Deploy and at every Apply): a test's way to apply a
	// deliberately wrong object.
	Mutate func(render.Objects) render.Objects
}

// Deployment is one spec's rendered objects running on the control plane,
// on Nodes and PersistentVolumes of its own. One deployment runs at a time
// on a control plane: Deploy waits until the previous one is deleted.
type Deployment struct {
	cp *ControlPlane
	// Spec is the deployed spec.
	Spec *esspec.Resolved
	// Objects are the rendered objects, as created (in Namespace).
	Objects render.Objects
	// Namespace holds the objects: a namespace of the drill's own, so
	// that a deployment never meets another's leftovers.
	Namespace string
	// Cluster is the cluster's name.
	Cluster string
	// Fleet is the fleet the deployment runs on.
	Fleet *Fleet
	// RackLabel is the node label that names a server's rack.
	RackLabel string
	// Skipped lists rendered objects of kinds the control plane does not
	// serve (cert-manager Certificates), as Kind/name.
	Skipped []string

	id      string
	servers []server
	model   model
	mutate  func(render.Objects) render.Objects
	deleted sync.Once
}

// drillLabel marks the Nodes and PersistentVolumes of a deployment.
const drillLabel = "drill.esgen.dev/deployment"

// defaultClass is the StorageClass claims without a class get.
const defaultClass = "drill-default"

// Deploy renders spec and runs it on the fleet: it creates the fleet's
// Nodes (Ready), StorageClasses (WaitForFirstConsumer, as local volumes
// need), PersistentVolumes, the PriorityClasses pods name, and every
// rendered object the API serves; then it waits until every pod the
// StatefulSets and Deployments want is either running on a Node or
// refused by the scheduler.
func (cp *ControlPlane) Deploy(ctx context.Context, spec *esspec.Resolved, opts Options) (d *Deployment, err error) {
	select {
	case cp.turn <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	cp.seq++
	objs, err := render.RenderResolved(spec)
	if err != nil {
		<-cp.turn
		return nil, err
	}
	if opts.Mutate != nil {
		objs = opts.Mutate(objs)
	}
	fleet := opts.Fleet
	if fleet == nil {
		fleet = FleetFor(spec)
	}
	d = &Deployment{
		cp:        cp,
		Spec:      spec,
		Objects:   objs,
		Namespace: "drill-" + strconv.Itoa(cp.seq),
		Cluster:   spec.Metadata.Name,
		Fleet:     fleet,
		RackLabel: cmp.Or(fleet.RackLabel, spec.Spec.Topology.RackLabel, DefaultRackLabel),
		id:        strconv.Itoa(cp.seq),
		model:     modelOf(spec, objs, opts.Replicas),
		mutate:    opts.Mutate,
	}
	d.servers = fleet.servers(d.RackLabel)
	for i := range d.servers {
		n := &d.servers[i].node
		name := cp.nodeName(n.Name)
		if n.Labels[corev1.LabelHostname] == n.Name {
			n.Labels[corev1.LabelHostname] = name
		}
		n.Name = name
	}
	defer func() {
		if err != nil {
			_ = d.Delete(context.WithoutCancel(ctx))
			d = nil
		}
	}()
	cp.kubelet.watch(d.Namespace, d.Cluster, d.model)
	for _, step := range []func(context.Context) error{d.createNodes, d.createStorage, d.createObjects} {
		if err := step(ctx); err != nil {
			return d, err
		}
	}
	return d, d.settle(ctx)
}

// nodeName is name the first time a deployment asks for it, and name-2,
// name-3, ... after: each deployment's nodes are new to the scheduler.
// Its cache can keep a pod deleted while it was being bound on the
// node's name (seen: a ReplicaSet's last pod), and a later deployment
// whose node took that name found it full ("Insufficient memory") and
// Pending.
func (cp *ControlPlane) nodeName(name string) string {
	cp.nodeNames[name]++
	if n := cp.nodeNames[name]; n > 1 {
		return name + "-" + strconv.Itoa(n)
	}
	return name
}

// modelOf builds the health model of a rendered spec.
func modelOf(spec *esspec.Resolved, objs render.Objects, replicas int) model {
	m := model{replicas: cmp.Or(replicas, 1), aware: len(spec.Spec.Topology.Racks) > 0, target: topology.Green}
	for _, o := range objs {
		if cm, ok := o.(*corev1.ConfigMap); ok && cm.Data[render.HealthTargetKey] == string(topology.Yellow) {
			m.target = topology.Yellow
		}
	}
	return m
}

func (d *Deployment) createNodes(ctx context.Context) error {
	nodes := d.cp.Client.CoreV1().Nodes()
	for _, s := range d.servers {
		n := s.node.DeepCopy()
		n.Labels[drillLabel] = d.id
		status := n.Status
		created, err := nodes.Create(ctx, n, metav1.CreateOptions{})
		if err != nil {
			return fmt.Errorf("creating node %s: %w", n.Name, err)
		}
		created.Status = status
		created.Status.Conditions = []corev1.NodeCondition{{
			Type: corev1.NodeReady, Status: corev1.ConditionTrue, Reason: "KubeletReady",
			LastHeartbeatTime: metav1.Now(), LastTransitionTime: metav1.Now(),
		}}
		if _, err := nodes.UpdateStatus(ctx, created, metav1.UpdateOptions{}); err != nil {
			return fmt.Errorf("node %s status: %w", n.Name, err)
		}
	}
	return nil
}

// claims returns, per StorageClass, the claims the rendered StatefulSets
// make, the largest request, and how many of them one server may hold.
type claimsOf struct {
	count, perServer int
	size             resource.Quantity
}

func (d *Deployment) claims() map[string]*claimsOf {
	out := map[string]*claimsOf{}
	required := d.Spec.Spec.Topology.HostAntiAffinity == esspec.AntiAffinityRequired
	for _, o := range d.Objects {
		sts, ok := o.(*appsv1.StatefulSet)
		if !ok {
			continue
		}
		for _, t := range sts.Spec.VolumeClaimTemplates {
			class := cmp.Or(ptrValue(t.Spec.StorageClassName), defaultClass)
			c := out[class]
			if c == nil {
				c = &claimsOf{}
				out[class] = c
			}
			n := int(ptrValue(sts.Spec.Replicas))
			c.count += n
			// Required host anti-affinity keeps a StatefulSet's
			// pods on distinct servers: one claim each per server.
			if required {
				c.perServer += min(n, 1)
			} else {
				c.perServer += n
			}
			if size := t.Spec.Resources.Requests[corev1.ResourceStorage]; size.Cmp(c.size) > 0 {
				c.size = size
			}
		}
	}
	return out
}

func ptrValue[T any](p *T) T {
	if p == nil {
		var zero T
		return zero
	}
	return *p
}

// createStorage creates the StorageClasses claims name and the
// PersistentVolumes that back them.
func (d *Deployment) createStorage(ctx context.Context) error {
	claims := d.claims()
	for _, class := range slices.Sorted(maps.Keys(claims)) {
		if err := d.ensureClass(ctx, class); err != nil {
			return err
		}
		c := claims[class]
		st := d.Fleet.storageOf(class)
		if class == defaultClass {
			st = d.Fleet.storageOf("")
		}
		size := c.size
		if !st.Size.IsZero() {
			size = st.Size
		}
		if size.IsZero() {
			size = resource.MustParse("1Gi")
		}
		var pvs []*corev1.PersistentVolume
		if st.Network {
			for i := range cmp.Or(st.PerServer, c.count) {
				pvs = append(pvs, d.volume(fmt.Sprintf("%s-%s-%03d", d.Namespace, class, i), class, size, ""))
			}
		} else {
			for _, s := range d.servers {
				for i := range cmp.Or(st.PerServer, c.perServer) {
					pvs = append(pvs, d.volume(fmt.Sprintf("%s-%s-%s-%d", d.Namespace, s.node.Name, class, i), class, size, s.node.Name))
				}
			}
		}
		for _, pv := range pvs {
			if _, err := d.cp.Client.CoreV1().PersistentVolumes().Create(ctx, pv, metav1.CreateOptions{}); err != nil {
				return fmt.Errorf("creating PersistentVolume %s: %w", pv.Name, err)
			}
		}
	}
	return nil
}

// volume is a PersistentVolume of a class: local to node, or a network
// volume any server mounts when node is empty.
func (d *Deployment) volume(name, class string, size resource.Quantity, node string) *corev1.PersistentVolume {
	pv := &corev1.PersistentVolume{
		ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{drillLabel: d.id}},
		Spec: corev1.PersistentVolumeSpec{
			Capacity:                      corev1.ResourceList{corev1.ResourceStorage: size},
			AccessModes:                   []corev1.PersistentVolumeAccessMode{corev1.ReadWriteOnce},
			PersistentVolumeReclaimPolicy: corev1.PersistentVolumeReclaimRetain,
			StorageClassName:              class,
		},
	}
	if node == "" {
		pv.Spec.NFS = &corev1.NFSVolumeSource{Server: "nfs.drill.invalid", Path: "/" + name}
		return pv
	}
	pv.Spec.Local = &corev1.LocalVolumeSource{Path: "/mnt/disks/" + name}
	pv.Spec.NodeAffinity = &corev1.VolumeNodeAffinity{Required: &corev1.NodeSelector{
		NodeSelectorTerms: []corev1.NodeSelectorTerm{{MatchExpressions: []corev1.NodeSelectorRequirement{{
			Key: corev1.LabelHostname, Operator: corev1.NodeSelectorOpIn, Values: []string{node},
		}}}},
	}}
	return pv
}

// ensureClass creates a StorageClass that binds a claim only once its pod
// is scheduled, as local volumes need; classes outlive deployments.
func (d *Deployment) ensureClass(ctx context.Context, name string) error {
	sc := &storagev1.StorageClass{
		ObjectMeta:        metav1.ObjectMeta{Name: name},
		Provisioner:       "kubernetes.io/no-provisioner",
		VolumeBindingMode: new(storagev1.VolumeBindingWaitForFirstConsumer),
		ReclaimPolicy:     new(corev1.PersistentVolumeReclaimRetain),
	}
	if name == defaultClass {
		sc.Annotations = map[string]string{"storageclass.kubernetes.io/is-default-class": "true"}
	}
	_, err := d.cp.Client.StorageV1().StorageClasses().Create(ctx, sc, metav1.CreateOptions{})
	if err != nil && !apierrors.IsAlreadyExists(err) {
		return fmt.Errorf("creating StorageClass %s: %w", name, err)
	}
	return nil
}

// createObjects creates the namespace, the PriorityClasses pods name and
// every rendered object, in render order.
func (d *Deployment) createObjects(ctx context.Context) error {
	c := d.cp.Client
	if _, err := c.CoreV1().Namespaces().Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: d.Namespace}}, metav1.CreateOptions{}); err != nil {
		return fmt.Errorf("creating namespace: %w", err)
	}
	for _, name := range d.priorityClasses() {
		pc := &schedulingv1.PriorityClass{ObjectMeta: metav1.ObjectMeta{Name: name}, Value: 1000}
		if _, err := c.SchedulingV1().PriorityClasses().Create(ctx, pc, metav1.CreateOptions{}); err != nil && !apierrors.IsAlreadyExists(err) {
			return fmt.Errorf("creating PriorityClass %s: %w", name, err)
		}
	}
	return d.applyObjects(ctx)
}

// fieldManager is the drill's server-side apply manager.
const fieldManager = "esgen-drill"

// applyObjects applies every rendered object the API serves, in render
// order, with server-side apply (as kubectl apply --server-side does),
// and keeps what the API server returned.
func (d *Deployment) applyObjects(ctx context.Context) error {
	d.Skipped = nil
	for i, o := range d.Objects {
		gvk := o.GetObjectKind().GroupVersionKind()
		mapping, err := d.cp.mapper.RESTMapping(gvk.GroupKind(), gvk.Version)
		if err != nil {
			d.Skipped = append(d.Skipped, gvk.Kind+"/"+o.GetName())
			continue
		}
		data, err := runtime.DefaultUnstructuredConverter.ToUnstructured(o)
		if err != nil {
			return err
		}
		u := &unstructured.Unstructured{Object: data}
		u.SetGroupVersionKind(gvk)
		u.SetNamespace(d.Namespace)
		body, err := u.MarshalJSON()
		if err != nil {
			return err
		}
		applied, err := d.cp.dynamic.Resource(mapping.Resource).Namespace(d.Namespace).Patch(ctx, o.GetName(), types.ApplyPatchType, body,
			metav1.PatchOptions{FieldManager: fieldManager, Force: new(true)})
		if err != nil {
			return fmt.Errorf("applying %s/%s: %w", gvk.Kind, o.GetName(), err)
		}
		obj := o.DeepCopyObject().(render.Object)
		if err := runtime.DefaultUnstructuredConverter.FromUnstructured(applied.Object, obj); err != nil {
			return err
		}
		d.Objects[i] = obj
	}
	return nil
}

func (d *Deployment) priorityClasses() []string {
	var out []string
	for _, o := range d.Objects {
		if tpl := podTemplate(o); tpl != nil && tpl.Spec.PriorityClassName != "" && !slices.Contains(out, tpl.Spec.PriorityClassName) {
			out = append(out, tpl.Spec.PriorityClassName)
		}
	}
	slices.Sort(out)
	return out
}

func podTemplate(o render.Object) *corev1.PodTemplateSpec {
	switch w := o.(type) {
	case *appsv1.StatefulSet:
		return &w.Spec.Template
	case *appsv1.Deployment:
		return &w.Spec.Template
	}
	return nil
}

// wanted counts the pods the deployment's StatefulSets and Deployments
// want.
func (d *Deployment) wanted() int {
	n := 0
	for _, o := range d.Objects {
		switch w := o.(type) {
		case *appsv1.StatefulSet:
			n += int(ptrValue(w.Spec.Replicas))
		case *appsv1.Deployment:
			n += int(cmp.Or(ptrValue(w.Spec.Replicas), 1))
		}
	}
	return n
}

// settle waits until every wanted pod exists and is running or refused
// by the scheduler, the same two looks in a row.
func (d *Deployment) settle(ctx context.Context) error {
	want := d.wanted()
	last, stable := "", 0
	var state string
	err := wait.PollUntilContextTimeout(ctx, 250*time.Millisecond, 2*time.Minute, true, func(ctx context.Context) (bool, error) {
		pods, err := d.pods(ctx)
		if err != nil {
			return false, err
		}
		var b strings.Builder
		settled := len(pods) == want
		for _, p := range pods {
			fmt.Fprintf(&b, "%s=%s/%s;", p.Name, p.Spec.NodeName, p.Status.Phase)
			running := p.Spec.NodeName != "" && p.Status.Phase == corev1.PodRunning
			refused := unschedulable(p)
			if !running && (refused == "" || claimNotSeen(refused)) || p.DeletionTimestamp != nil {
				settled = false
			}
		}
		state = fmt.Sprintf("%d of %d pods: %s", len(pods), want, b.String())
		if !settled {
			last, stable = "", 0
			return false, nil
		}
		if b.String() == last {
			stable++
		} else {
			last, stable = b.String(), 1
		}
		return stable >= 2, nil
	})
	if err != nil {
		return fmt.Errorf("waiting for the pods to run or be refused: %w (%s)", err, state)
	}
	return nil
}

// pods lists the deployment's pods by name.
func (d *Deployment) pods(ctx context.Context) ([]corev1.Pod, error) {
	list, err := d.cp.Client.CoreV1().Pods(d.Namespace).List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(list.Items, func(a, b corev1.Pod) int { return strings.Compare(a.Name, b.Name) })
	return list.Items, nil
}

// unschedulable returns the scheduler's reason for not placing a pod, or
// "" while it has not refused it.
func unschedulable(p corev1.Pod) string {
	for _, c := range p.Status.Conditions {
		if c.Type == corev1.PodScheduled && c.Status == corev1.ConditionFalse && c.Reason == corev1.PodReasonUnschedulable {
			return cmp.Or(c.Message, c.Reason)
		}
	}
	return ""
}

// claimNotSeen reports a refusal that only says the scheduler has not yet
// seen the pod's claim: the StatefulSet controller creates the claim
// before the pod, but the scheduler's informer can deliver the pod first.
// The scheduler retries when the claim arrives, so the refusal is not an
// answer.
func claimNotSeen(reason string) bool {
	return strings.Contains(reason, "persistentvolumeclaim \"") && strings.Contains(reason, "not found")
}

// Delete removes everything the deployment created but the StorageClasses
// and PriorityClasses, which deployments share, and the namespace, which
// no namespace controller would finish deleting.
// A second call does nothing.
func (d *Deployment) Delete(ctx context.Context) error {
	var err error
	d.deleted.Do(func() { err = d.delete(ctx) })
	return err
}

func (d *Deployment) delete(ctx context.Context) error {
	defer func() { <-d.cp.turn }()
	d.cp.kubelet.forget(d.Namespace, d.Cluster)
	c := d.cp.Client
	now := metav1.DeleteOptions{GracePeriodSeconds: new(int64(0))}
	all := metav1.ListOptions{}
	mine := metav1.ListOptions{LabelSelector: drillLabel + "=" + d.id}
	// No garbage collector runs: delete the controllers first so that
	// they recreate nothing, then what they made.
	errs := []error{
		c.AppsV1().StatefulSets(d.Namespace).DeleteCollection(ctx, now, all),
		c.AppsV1().Deployments(d.Namespace).DeleteCollection(ctx, now, all),
		c.AppsV1().ReplicaSets(d.Namespace).DeleteCollection(ctx, now, all),
		c.CoreV1().Pods(d.Namespace).DeleteCollection(ctx, now, all),
		c.CoreV1().PersistentVolumeClaims(d.Namespace).DeleteCollection(ctx, now, all),
		c.PolicyV1().PodDisruptionBudgets(d.Namespace).DeleteCollection(ctx, now, all),
		c.CoreV1().PersistentVolumes().DeleteCollection(ctx, now, mine),
		c.CoreV1().Nodes().DeleteCollection(ctx, now, mine),
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	return d.waitGone(ctx)
}

// waitGone waits until the namespace has no pod left: a ReplicaSet
// controller that has not yet seen its ReplicaSet deleted makes one more
// pod after the pods are deleted, and that pod is deleted here.
func (d *Deployment) waitGone(ctx context.Context) error {
	pods := d.cp.Client.CoreV1().Pods(d.Namespace)
	now := metav1.DeleteOptions{GracePeriodSeconds: new(int64(0))}
	var left []string
	err := wait.PollUntilContextTimeout(ctx, 20*time.Millisecond, 30*time.Second, true, func(ctx context.Context) (bool, error) {
		list, err := pods.List(ctx, metav1.ListOptions{})
		if err != nil {
			return false, err
		}
		left = left[:0]
		for _, p := range list.Items {
			left = append(left, p.Name)
		}
		if len(left) > 0 {
			return false, pods.DeleteCollection(ctx, now, metav1.ListOptions{})
		}
		return true, nil
	})
	if err != nil {
		return fmt.Errorf("pods %v are still there: %w", left, err)
	}
	return nil
}
