package render

import (
	"fmt"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/esgen/esgen/bootstrap"
	"github.com/esgen/esgen/esspec"
)

// Kibana's port and files.
const (
	kibanaPort    = 5601
	kibanaCertDir = "/usr/share/kibana/config/certs"
)

// KibanaName and KibanaServiceName name the Kibana Deployment (and its
// PodDisruptionBudget) and Service.
func KibanaName(cluster string) string { return cluster + "-kb" }

// KibanaServiceName: see KibanaName.
func KibanaServiceName(cluster string) string { return cluster + "-kb-http" }

// kibanaLabels replace the Elasticsearch name with Kibana's, so that no
// Elasticsearch selector picks Kibana pods and the other way round.
func kibanaLabels(c *esspec.Resolved) map[string]string {
	l := objectLabels(c, "kibana")
	l[labelName] = "kibana"
	return l
}

func kibanaSelector(c *esspec.Resolved) map[string]string {
	return map[string]string{esspec.LabelCluster: c.Metadata.Name, labelName: "kibana"}
}

// kibana returns the Deployment and Service of the Kibana that goes with
// the cluster's version (Kibana 4.x for 2.x, see
// esspec.Version.KibanaVersion), and its PodDisruptionBudget when there
// is more than one; nothing when spec.kibana.count is 0.
func kibana(c *esspec.Resolved) []Object {
	k := c.Spec.Kibana
	if k.Count == 0 {
		return nil
	}
	v := c.Version
	name := c.Metadata.Name
	podContext, containerContext := kibanaSecurityContexts(v)
	pod := corev1.PodSpec{
		AutomountServiceAccountToken: new(false),
		EnableServiceLinks:           new(false),
		ImagePullSecrets:             pullSecrets(c.Spec.ImagePullSecrets),
		SecurityContext:              podContext,
		Containers: []corev1.Container{{
			Name:            "kibana",
			Image:           k.Image,
			ImagePullPolicy: c.Spec.ImagePullPolicy,
			Env:             kibanaEnv(c, v),
			Ports:           []corev1.ContainerPort{{Name: portHTTP, ContainerPort: kibanaPort}},
			// /api/status answers from Kibana 4.2, whose server added the
			// status page (src/server/status), to 9.x.
			ReadinessProbe: &corev1.Probe{
				ProbeHandler:        corev1.ProbeHandler{HTTPGet: &corev1.HTTPGetAction{Path: "/api/status", Port: intstr.FromString(portHTTP)}},
				InitialDelaySeconds: 10,
				PeriodSeconds:       10,
				TimeoutSeconds:      5,
				FailureThreshold:    3,
			},
			Resources: corev1.ResourceRequirements{
				Requests: k.Resources.ContainerRequests(),
				Limits:   k.Resources.ContainerLimits(),
			},
			SecurityContext: containerContext,
		}},
	}
	// Kibana's group (fsGroup) reads the CA.
	mountHTTPCA(c, &pod, kibanaCertDir, 0o440)
	deployment := &appsv1.Deployment{
		TypeMeta:   metav1.TypeMeta{APIVersion: "apps/v1", Kind: "Deployment"},
		ObjectMeta: objectMeta(c, KibanaName(name), kibanaLabels(c), nil),
		Spec: appsv1.DeploymentSpec{
			Replicas: new(k.Count),
			Selector: &metav1.LabelSelector{MatchLabels: kibanaSelector(c)},
			Template: corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: kibanaLabels(c)}, Spec: pod},
		},
	}
	service := &corev1.Service{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Service"},
		ObjectMeta: objectMeta(c, KibanaServiceName(name), kibanaLabels(c), nil),
		Spec: corev1.ServiceSpec{
			Selector: kibanaSelector(c),
			Ports:    []corev1.ServicePort{{Name: portHTTP, Port: kibanaPort, TargetPort: intstr.FromString(portHTTP)}},
		},
	}
	out := []Object{deployment, service}
	if k.Count > 1 {
		out = append(out, kibanaBudget(c))
	}
	return out
}

// kibanaSecurityContexts returns the pod's and the container's security
// contexts. Kibana from 5.0 runs as uid 1000 (elastic/kibana-docker,
// elastic/dockerfiles kibana/Dockerfile: USER 1000), with every
// capability dropped. Docker Hub's Kibana 4.x image starts as root: its
// entrypoint (docker-library/kibana 4.x docker-entrypoint.sh) writes
// ELASTICSEARCH_URL into /opt/kibana/config/kibana.yml with sed -i, in a
// directory the image gives to the kibana user (DAC_OVERRIDE), then runs
// Kibana as that user through gosu (SETUID, SETGID), whose uid the image
// does not fix. The Pod Security baseline level allows these three
// capabilities and root; restricted forbids root (validation says so).
func kibanaSecurityContexts(v esspec.Version) (*corev1.PodSecurityContext, *corev1.SecurityContext) {
	seccomp := &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault}
	if v.KibanaVersion().Major < 5 {
		return &corev1.PodSecurityContext{SeccompProfile: seccomp}, &corev1.SecurityContext{
			AllowPrivilegeEscalation: new(false),
			RunAsNonRoot:             new(false),
			Capabilities: &corev1.Capabilities{
				Drop: []corev1.Capability{"ALL"},
				Add:  []corev1.Capability{"DAC_OVERRIDE", "SETGID", "SETUID"},
			},
		}
	}
	return &corev1.PodSecurityContext{
		RunAsUser:      new(int64(bootstrap.UID)),
		RunAsNonRoot:   new(true),
		FSGroup:        new(int64(bootstrap.GID)),
		SeccompProfile: seccomp,
	}, bootstrap.SecurityContext(v, nil)
}

// kibanaBudget lets voluntary disruptions (drains, evictions) take one
// Kibana pod at a time, so that a drain of several servers never leaves
// the cluster without Kibana. It selects Kibana's pods only: they carry
// neither the nodeSet nor the stateful label that the Elasticsearch
// budgets select on, and those carry app.kubernetes.io/name
// elasticsearch, so each pod stays under exactly one budget (the
// eviction API refuses pods under two). A single Kibana gets none:
// maxUnavailable 1 of one pod would let a drain take it anyway.
func kibanaBudget(c *esspec.Resolved) *policyv1.PodDisruptionBudget {
	return &policyv1.PodDisruptionBudget{
		TypeMeta:   metav1.TypeMeta{APIVersion: "policy/v1", Kind: "PodDisruptionBudget"},
		ObjectMeta: objectMeta(c, KibanaName(c.Metadata.Name), kibanaLabels(c), nil),
		Spec: policyv1.PodDisruptionBudgetSpec{
			MaxUnavailable: new(intstr.FromInt32(1)),
			Selector:       &metav1.LabelSelector{MatchLabels: kibanaSelector(c)},
		},
	}
}

// ElasticsearchURL is the in-cluster URL of the client Service.
func ElasticsearchURL(c *esspec.Resolved) string {
	scheme := "http"
	if bootstrap.TLSEnabled(c) {
		scheme = "https"
	}
	host := esspec.HTTPServiceName(c.Metadata.Name)
	if ns := c.Metadata.Namespace; ns != "" {
		host += "." + ns + ".svc"
	}
	return fmt.Sprintf("%s://%s:%d", scheme, host, bootstrap.HTTPPort)
}

// kibanaEnv points Kibana at the client Service, with the variables the
// Kibana image turns into kibana.yml settings: elasticsearch.url until
// 6.5, elasticsearch.hosts from 6.6; with security, the credentials the
// version accepts (8.x refuses the elastic superuser and takes a service
// account token; before, the kibana_system user, kibana before 7.8) and
// the CA of the HTTP certificate.
func kibanaEnv(c *esspec.Resolved, v esspec.Version) []corev1.EnvVar {
	urlVar := "ELASTICSEARCH_HOSTS"
	if !v.AtLeast(6, 6, 0) {
		urlVar = "ELASTICSEARCH_URL"
	}
	env := []corev1.EnvVar{{Name: urlVar, Value: ElasticsearchURL(c)}}
	sec := c.Spec.Security
	if !sec.On() {
		return env
	}
	k := c.Spec.Kibana
	if v.Major >= 8 {
		env = append(env, secretEnv("ELASTICSEARCH_SERVICEACCOUNTTOKEN", k.ServiceAccountTokenSecret, "token"))
	} else {
		user := "kibana_system"
		if !v.AtLeast(7, 8, 0) {
			user = "kibana"
		}
		env = append(env, corev1.EnvVar{Name: "ELASTICSEARCH_USERNAME", Value: user},
			secretEnv("ELASTICSEARCH_PASSWORD", k.PasswordSecret, "password"))
	}
	if bootstrap.TLSEnabled(c) {
		env = append(env, corev1.EnvVar{Name: "ELASTICSEARCH_SSL_CERTIFICATEAUTHORITIES", Value: kibanaCertDir + "/" + bootstrap.TLSCAFile})
	}
	// The readiness probe asks /api/status without credentials.
	return append(env, corev1.EnvVar{Name: "STATUS_ALLOWANONYMOUS", Value: "true"})
}

// mountHTTPCA mounts the CA of the cluster's HTTP certificate, and only
// the CA, never the key, into the pod's first container at dir, when the
// nodes serve TLS. It reports whether they do.
func mountHTTPCA(c *esspec.Resolved, pod *corev1.PodSpec, dir string, mode int32) bool {
	_, http, ok := bootstrap.CertSources(c)
	if !ok {
		return false
	}
	pod.Volumes = []corev1.Volume{{Name: volumeCerts, VolumeSource: corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{
		SecretName:  http.Secret,
		Items:       []corev1.KeyToPath{{Key: bootstrap.TLSCAFile, Path: bootstrap.TLSCAFile}},
		DefaultMode: new(mode),
	}}}}
	pod.Containers[0].VolumeMounts = []corev1.VolumeMount{{Name: volumeCerts, MountPath: dir, ReadOnly: true}}
	return true
}

func secretEnv(name, secret, key string) corev1.EnvVar {
	return corev1.EnvVar{Name: name, ValueFrom: &corev1.EnvVarSource{SecretKeyRef: &corev1.SecretKeySelector{
		LocalObjectReference: corev1.LocalObjectReference{Name: secret}, Key: key,
	}}}
}
