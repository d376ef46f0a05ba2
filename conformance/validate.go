package conformance

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apiequality "k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/api/meta"
	apimachineryvalidation "k8s.io/apimachinery/pkg/api/validation"
	"k8s.io/apimachinery/pkg/api/validation/path"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation/field"
	utilfeature "k8s.io/apiserver/pkg/util/feature"
	"k8s.io/kubernetes/pkg/api/legacyscheme"
	podutil "k8s.io/kubernetes/pkg/api/pod"
	"k8s.io/kubernetes/pkg/apis/apps"
	appsvalidation "k8s.io/kubernetes/pkg/apis/apps/validation"
	"k8s.io/kubernetes/pkg/apis/core"
	corevalidation "k8s.io/kubernetes/pkg/apis/core/validation"
	"k8s.io/kubernetes/pkg/apis/networking"
	networkingvalidation "k8s.io/kubernetes/pkg/apis/networking/validation"
	"k8s.io/kubernetes/pkg/apis/policy"
	policyvalidation "k8s.io/kubernetes/pkg/apis/policy/validation"
	"k8s.io/kubernetes/pkg/capabilities"
	"k8s.io/kubernetes/pkg/features"

	// The install packages register the internal and versioned types,
	// their defaulters and their conversions in legacyscheme.Scheme, the
	// scheme kube-apiserver decodes, defaults and converts with.
	_ "k8s.io/kubernetes/pkg/apis/apps/install"
	_ "k8s.io/kubernetes/pkg/apis/core/install"
	_ "k8s.io/kubernetes/pkg/apis/networking/install"
	_ "k8s.io/kubernetes/pkg/apis/policy/install"
)

func init() {
	// kube-apiserver refuses privileged containers unless started with
	// --allow-privileged=true, which kubeadm, kind and the managed
	// Kubernetes services all set: whether a privileged container may run
	// is Pod Security admission's decision, which the root module's tests
	// check at each spec's level.
	capabilities.Setup(true, 0)
}

// SupportedKinds are the built-in kinds Validate checks; any other
// built-in kind is a finding.
var SupportedKinds = []string{"ConfigMap", "Deployment", "NetworkPolicy", "PodDisruptionBudget", "Service", "StatefulSet"}

// CustomResourceKinds are the kinds of custom resources esgen renders.
// kube-apiserver checks a custom resource against the OpenAPI schema of
// its CustomResourceDefinition, which comes with the operator (here
// cert-manager and the Prometheus Operator), not with Kubernetes.
// Validate decodes the Prometheus Operator's kinds strictly into the
// operator's own Go types (see validateMonitoring) and passes over
// cert-manager's, which the root module's tests decode strictly into
// esgen's copy of them. Any other kind the scheme does not know is a
// finding.
var CustomResourceKinds = []schema.GroupKind{
	{Group: "cert-manager.io", Kind: "Certificate"},
	{Group: monitoringv1.SchemeGroupVersion.Group, Kind: monitoringv1.ServiceMonitorsKind},
	{Group: monitoringv1.SchemeGroupVersion.Group, Kind: monitoringv1.PrometheusRuleKind},
}

// placeholderUID stands for the UID the API server gives an object when
// it creates it: the owner references of the pods a controller creates
// must carry one.
const placeholderUID = "00000000-0000-0000-0000-000000000001"

// revisionHash stands for the hash a StatefulSet's controller puts in its
// pods' controller-revision-hash label (<statefulset>-<hash>) and a
// Deployment in its ReplicaSet's name and pods' pod-template-hash label.
// Both are a 32-bit FNV hash in decimal, safe-encoded: at most 10
// characters, so the longest is what decides whether a name fits.
const revisionHash = "5d8b7c9f46"

// generatedSuffix stands for the 5 random characters the API server
// appends to a generateName (k8s.io/apiserver/pkg/storage/names).
const generatedSuffix = "x2b7q"

// maxGenerateNameBase is where the API server cuts a generateName before
// appending generatedSuffix.
const maxGenerateNameBase = 63 - len(generatedSuffix)

// validateObject checks one rendered object and what its controller creates.
func validateObject(in runtime.Object) []Finding {
	if gk := in.GetObjectKind().GroupVersionKind().GroupKind(); slices.Contains(CustomResourceKinds, gk) {
		if gk.Group == monitoringv1.SchemeGroupVersion.Group {
			return validateMonitoring(in)
		}
		return nil
	}
	obj, err := typedCopy(in)
	if err != nil {
		return []Finding{{Object: objectID(in), Errors: field.ErrorList{field.InternalError(nil, err)}}}
	}
	id := objectID(obj)
	gvks, _, err := legacyscheme.Scheme.ObjectKinds(obj)
	if err != nil || !slices.Contains(SupportedKinds, gvks[0].Kind) {
		return []Finding{{Object: id, Errors: field.ErrorList{
			field.NotSupported(field.NewPath("kind"), obj.GetObjectKind().GroupVersionKind().Kind, SupportedKinds)}}}
	}
	internal, errs := prepare(obj, gvks[0])
	if errs != nil {
		return []Finding{{Object: id, Errors: errs}}
	}
	var created []Finding
	switch o := internal.(type) {
	case *core.ConfigMap:
		errs = corevalidation.ValidateConfigMap(o)
	case *core.Service:
		normalizeClusterIPs(o)
		errs = corevalidation.ValidateServiceCreate(o)
	case *policy.PodDisruptionBudget:
		errs = policyvalidation.ValidatePodDisruptionBudget(o, policyvalidation.PodDisruptionBudgetValidationOptions{
			AllowInvalidLabelValueInSelector: false,
		})
	case *apps.StatefulSet:
		errs = append(droppedStatefulSetFields(o), droppedTemplateFields(&o.Spec.Template, field.NewPath("spec", "template"))...)
		errs = append(errs, appsvalidation.ValidateStatefulSet(o, podutil.GetValidationOptionsFromPodTemplate(&o.Spec.Template, nil))...)
		created = validateCreated(id, statefulSetPods(obj.(*appsv1.StatefulSet)))
	case *apps.Deployment:
		errs = droppedTemplateFields(&o.Spec.Template, field.NewPath("spec", "template"))
		errs = append(errs, appsvalidation.ValidateDeployment(o, podutil.GetValidationOptionsFromPodTemplate(&o.Spec.Template, nil))...)
		created = validateCreated(id, deploymentPods(obj.(*appsv1.Deployment)))
	case *networking.NetworkPolicy:
		errs = networkingvalidation.ValidateNetworkPolicy(o, networkingvalidation.ValidationOptionsForNetworking(o, nil))
	}
	if len(errs) == 0 {
		errs = validateObjectMeta(internal)
	}
	var findings []Finding
	if len(errs) > 0 {
		findings = append(findings, Finding{Object: id, Errors: errs})
	}
	return append(findings, created...)
}

// typedCopy returns a copy of obj to default and validate. An
// unstructured object (render returns them once spec.patches applied) is
// decoded from its JSON, strictly, into its typed object, as the API
// server decodes a request body; a kind the scheme does not know stays
// unstructured.
func typedCopy(obj runtime.Object) (runtime.Object, error) {
	u, ok := obj.(*unstructured.Unstructured)
	if !ok {
		return obj.DeepCopyObject(), nil
	}
	// json.Marshal, not u.MarshalJSON or DeepCopy: those refuse values
	// of Go types outside JSON's (such as int), which unstructured
	// objects built by hand may hold.
	data, err := json.Marshal(u.Object)
	if err != nil {
		return nil, err
	}
	typed, _, err := strictJSON.Decode(data, nil, nil)
	if runtime.IsNotRegisteredError(err) {
		copied := &unstructured.Unstructured{}
		return copied, copied.UnmarshalJSON(data)
	}
	return typed, err
}

// prepare does to a versioned object what kube-apiserver does between
// decoding a request and validating it: take the namespace of the request
// when the object names none, apply the scheme's defaulters (the decoder
// defaults every object it reads), and convert to the internal type that
// validation works on. obj is modified.
func prepare(obj runtime.Object, gvk schema.GroupVersionKind) (runtime.Object, field.ErrorList) {
	if m, err := meta.Accessor(obj); err == nil && m.GetNamespace() == "" {
		m.SetNamespace(DefaultNamespace)
	}
	legacyscheme.Scheme.Default(obj)
	internal, err := legacyscheme.Scheme.ConvertToVersion(obj, schema.GroupVersion{Group: gvk.Group, Version: runtime.APIVersionInternal})
	if err != nil {
		return nil, field.ErrorList{field.InternalError(nil, fmt.Errorf("converting %s to its internal type: %w", gvk.Kind, err))}
	}
	return internal, nil
}

// normalizeClusterIPs is the first thing the Service storage does on
// create (pkg/registry/core/service/storage's beginCreate, which runs
// before validation): a clusterIP without clusterIPs, as an older client
// or a headless Service sends it, becomes the first of clusterIPs. The
// allocation of IPs, IP families and node ports that follows depends on
// the cluster's flags and is left out; validation accepts them unset.
func normalizeClusterIPs(svc *core.Service) {
	if svc.Spec.ClusterIP != "" && len(svc.Spec.ClusterIPs) == 0 {
		svc.Spec.ClusterIPs = []string{svc.Spec.ClusterIP}
	}
}

// validateObjectMeta is the check the API server's generic create path
// (rest.BeforeCreate) runs once the kind's own validation has passed:
// every object esgen renders is namespaced, and a name must be a valid
// path segment.
func validateObjectMeta(obj runtime.Object) field.ErrorList {
	m, err := meta.Accessor(obj)
	if err != nil {
		return field.ErrorList{field.InternalError(field.NewPath("metadata"), err)}
	}
	return apimachineryvalidation.ValidateObjectMetaAccessor(m, true, path.ValidatePathSegmentName, field.NewPath("metadata"))
}

// droppedTemplateFields reports fields of a pod template that the API
// server would silently drop at its default feature gates (PrepareForCreate
// of every workload strategy does this): esgen would believe in a setting
// the cluster never stores.
func droppedTemplateFields(tpl *core.PodTemplateSpec, p *field.Path) field.ErrorList {
	kept := tpl.DeepCopy()
	podutil.DropDisabledTemplateFields(kept, nil)
	if apiequality.Semantic.DeepEqual(kept, tpl) {
		return nil
	}
	return field.ErrorList{field.Forbidden(p, "sets a field that kube-apiserver drops at its default feature gates")}
}

// droppedStatefulSetFields mirrors the StatefulSet strategy's own
// PrepareForCreate, which drops rollingUpdate.maxUnavailable unless its
// feature gate is on.
func droppedStatefulSetFields(sts *apps.StatefulSet) field.ErrorList {
	ru := sts.Spec.UpdateStrategy.RollingUpdate
	if ru != nil && ru.MaxUnavailable != nil && !utilfeature.DefaultFeatureGate.Enabled(features.MaxUnavailableStatefulSet) {
		return field.ErrorList{field.Forbidden(field.NewPath("spec", "updateStrategy", "rollingUpdate", "maxUnavailable"),
			"kube-apiserver drops it: feature gate MaxUnavailableStatefulSet is off by default")}
	}
	return nil
}

// createdObject is a pod or claim a controller would create.
type createdObject struct {
	pod   *corev1.Pod
	claim *corev1.PersistentVolumeClaim
}

// validateCreated runs the API server's create validation, with the
// options its Pod and PersistentVolumeClaim strategies use, on the objects
// a rendered workload's controller would create.
func validateCreated(owner string, objs []createdObject) []Finding {
	var findings []Finding
	for _, c := range objs {
		var obj runtime.Object = c.pod
		if c.claim != nil {
			obj = c.claim
		}
		id := objectID(obj)
		gvks, _, err := legacyscheme.Scheme.ObjectKinds(obj)
		if err != nil {
			findings = append(findings, Finding{Object: owner, Created: id, Errors: field.ErrorList{field.InternalError(nil, err)}})
			continue
		}
		internal, errs := prepare(obj, gvks[0])
		switch o := internal.(type) {
		case *core.Pod:
			errs = droppedPodFields(o)
			opts := podutil.GetValidationOptionsFromPodSpecAndMeta(&o.Spec, nil, &o.ObjectMeta, nil)
			opts.ResourceIsPod = true
			errs = append(errs, corevalidation.ValidatePodCreate(o, opts)...)
		case *core.PersistentVolumeClaim:
			errs = corevalidation.ValidatePersistentVolumeClaim(o, corevalidation.ValidationOptionsForPersistentVolumeClaim(o, nil))
		}
		if internal != nil && len(errs) == 0 {
			errs = validateObjectMeta(internal)
		}
		if len(errs) > 0 {
			findings = append(findings, Finding{Object: owner, Created: id, Errors: errs})
		}
	}
	return findings
}

// droppedPodFields is droppedTemplateFields for a pod (the Pod strategy's
// PrepareForCreate).
func droppedPodFields(pod *core.Pod) field.ErrorList {
	kept := pod.DeepCopy()
	podutil.DropDisabledPodFields(kept, nil)
	if apiequality.Semantic.DeepEqual(kept, pod) {
		return nil
	}
	return field.ErrorList{field.Forbidden(field.NewPath("spec"), "sets a field that kube-apiserver drops at its default feature gates")}
}

// statefulSetPods returns what the StatefulSet controller creates for the
// first and the last ordinal (the longest names), as
// pkg/controller/statefulset's newVersionedStatefulSetPod and
// getPersistentVolumeClaims build them: the template's metadata and spec,
// the pod's identity (name, hostname, subdomain, identity labels), its
// revision label, and one claim per volume claim template, mounted in
// place of any template volume of the same name. sts must be defaulted.
func statefulSetPods(sts *appsv1.StatefulSet) []createdObject {
	start, replicas := int32(0), int32(1)
	if sts.Spec.Ordinals != nil {
		start = sts.Spec.Ordinals.Start
	}
	if sts.Spec.Replicas != nil && *sts.Spec.Replicas > 1 {
		replicas = *sts.Spec.Replicas
	}
	owner := sts.DeepCopy()
	owner.UID = placeholderUID
	var out []createdObject
	for _, ordinal := range slices.Compact([]int32{start, start + replicas - 1}) {
		pod := podFromTemplate(&sts.Spec.Template, *metav1.NewControllerRef(owner, appsv1.SchemeGroupVersion.WithKind("StatefulSet")))
		pod.Name = fmt.Sprintf("%s-%d", sts.Name, ordinal)
		pod.Namespace = sts.Namespace
		pod.Labels[appsv1.StatefulSetPodNameLabel] = pod.Name
		pod.Labels[appsv1.PodIndexLabel] = fmt.Sprint(ordinal)
		pod.Labels[appsv1.StatefulSetRevisionLabel] = sts.Name + "-" + revisionHash
		pod.Spec.Hostname = pod.Name
		pod.Spec.Subdomain = sts.Spec.ServiceName
		var claims []createdObject
		volumes := make([]corev1.Volume, 0, len(pod.Spec.Volumes)+len(sts.Spec.VolumeClaimTemplates))
		for _, tpl := range sts.Spec.VolumeClaimTemplates {
			claim := tpl.DeepCopy()
			claim.Name = fmt.Sprintf("%s-%s-%d", tpl.Name, sts.Name, ordinal)
			claim.Namespace = sts.Namespace
			if claim.Labels == nil {
				claim.Labels = map[string]string{}
			}
			if sts.Spec.Selector != nil {
				maps.Copy(claim.Labels, sts.Spec.Selector.MatchLabels)
			}
			claims = append(claims, createdObject{claim: claim})
			volumes = append(volumes, corev1.Volume{Name: tpl.Name, VolumeSource: corev1.VolumeSource{
				PersistentVolumeClaim: &corev1.PersistentVolumeClaimVolumeSource{ClaimName: claim.Name},
			}})
		}
		for _, v := range pod.Spec.Volumes {
			if !slices.ContainsFunc(sts.Spec.VolumeClaimTemplates, func(c corev1.PersistentVolumeClaim) bool { return c.Name == v.Name }) {
				volumes = append(volumes, v)
			}
		}
		pod.Spec.Volumes = volumes
		out = append(out, createdObject{pod: pod})
		out = append(out, claims...)
	}
	return out
}

// deploymentPods returns the pod a Deployment's ReplicaSet creates: the
// template plus the pod-template-hash label, named by the API server from
// the generateName <deployment>-<hash>-.
func deploymentPods(d *appsv1.Deployment) []createdObject {
	rs := &appsv1.ReplicaSet{}
	rs.Name = d.Name + "-" + revisionHash
	rs.UID = placeholderUID
	pod := podFromTemplate(&d.Spec.Template, *metav1.NewControllerRef(rs, appsv1.SchemeGroupVersion.WithKind("ReplicaSet")))
	pod.Labels[appsv1.DefaultDeploymentUniqueLabelKey] = revisionHash
	base := rs.Name + "-"
	if len(base) > maxGenerateNameBase {
		base = base[:maxGenerateNameBase]
	}
	pod.GenerateName = rs.Name + "-"
	pod.Name = base + generatedSuffix
	pod.Namespace = d.Namespace
	return []createdObject{{pod: pod}}
}

// podFromTemplate is pkg/controller's GetPodFromTemplate: a pod with the
// template's labels, annotations, finalizers and spec, owned by its controller.
func podFromTemplate(tpl *corev1.PodTemplateSpec, owner metav1.OwnerReference) *corev1.Pod {
	pod := &corev1.Pod{}
	pod.Labels = maps.Clone(tpl.Labels)
	if pod.Labels == nil {
		pod.Labels = map[string]string{}
	}
	pod.Annotations = maps.Clone(tpl.Annotations)
	pod.Finalizers = slices.Clone(tpl.Finalizers)
	pod.OwnerReferences = append(pod.OwnerReferences, owner)
	pod.Spec = *tpl.Spec.DeepCopy()
	pod.TypeMeta.APIVersion, pod.TypeMeta.Kind = "v1", "Pod"
	return pod
}

// objectID names an object as Kind/name, or Kind/namespace/name.
func objectID(obj runtime.Object) string {
	kind := obj.GetObjectKind().GroupVersionKind().Kind
	if kind == "" {
		if gvks, _, err := legacyscheme.Scheme.ObjectKinds(obj); err == nil {
			kind = gvks[0].Kind
		} else {
			kind = fmt.Sprintf("%T", obj)
		}
	}
	m, err := meta.Accessor(obj)
	if err != nil {
		return kind
	}
	return kind + "/" + m.GetName()
}
