package render

import (
	"fmt"
	"slices"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"

	"github.com/esgen/esgen/bootstrap"
	"github.com/esgen/esgen/esspec"
	"github.com/esgen/esgen/topology"
)

// Certificate is a cert-manager.io/v1 Certificate with the fields esgen
// writes. esgen keeps this local type instead of importing cert-manager's
// module, which would bring its controller's dependencies to every
// importer; tests decode the output strictly against it.
type Certificate struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata,omitempty"`
	Spec              CertificateSpec `json:"spec"`
}

// CertificateSpec is the part of cert-manager's CertificateSpec esgen uses.
type CertificateSpec struct {
	// SecretName is the Secret cert-manager writes tls.crt, tls.key and ca.crt to.
	SecretName string `json:"secretName"`
	// IssuerRef names the Issuer or ClusterIssuer that signs.
	IssuerRef CertificateIssuerRef `json:"issuerRef"`
	// DNSNames are the names the certificate is valid for.
	DNSNames []string `json:"dnsNames,omitempty"`
	// Usages are the key usages requested.
	Usages []string `json:"usages,omitempty"`
	// PrivateKey says how the key is generated.
	PrivateKey *CertificatePrivateKey `json:"privateKey,omitempty"`
}

// CertificateIssuerRef refers to a cert-manager issuer.
type CertificateIssuerRef struct {
	// Name of the issuer.
	Name string `json:"name"`
	// Kind is Issuer or ClusterIssuer.
	Kind string `json:"kind,omitempty"`
	// Group is cert-manager.io.
	Group string `json:"group,omitempty"`
}

// CertificatePrivateKey says how cert-manager generates the key.
type CertificatePrivateKey struct {
	// Algorithm of the key, RSA.
	Algorithm string `json:"algorithm,omitempty"`
	// Size of the key in bits.
	Size int `json:"size,omitempty"`
	// RotationPolicy Always makes a new key at each renewal.
	RotationPolicy string `json:"rotationPolicy,omitempty"`
}

// DeepCopyObject implements runtime.Object.
func (c *Certificate) DeepCopyObject() runtime.Object {
	out := *c
	c.ObjectMeta.DeepCopyInto(&out.ObjectMeta)
	out.Spec.DNSNames = slices.Clone(c.Spec.DNSNames)
	out.Spec.Usages = slices.Clone(c.Spec.Usages)
	if c.Spec.PrivateKey != nil {
		pk := *c.Spec.PrivateKey
		out.Spec.PrivateKey = &pk
	}
	return &out
}

// certificates asks cert-manager for the transport and HTTP certificates
// of a cluster whose spec names an issuer: transport valid for every
// pod (nodes verify the CA only, but names help people), HTTP for the
// client Service in every spelling and every pod. A new key at each
// renewal keeps a leaked key short-lived.
func certificates(c *esspec.Resolved, groups []topology.Group) []Object {
	if _, _, ok := bootstrap.CertSources(c); !ok || !c.Spec.Security.TLS.HasIssuer() {
		return nil
	}
	ns := c.Metadata.Namespace
	var pods []string
	for i := range groups {
		pods = append(pods, fmt.Sprintf("*.%s.%s.svc", groups[i].Name, ns))
	}
	slices.Sort(pods) // by name, whatever the order of spec.nodeSets
	httpSvc := esspec.HTTPServiceName(c.Metadata.Name)
	return []Object{
		certificate(c, c.Metadata.Name+"-es-transport", bootstrap.TransportCertSecret(c.Metadata.Name),
			append([]string{fmt.Sprintf("%s.%s.svc", esspec.DiscoveryServiceName(c.Metadata.Name), ns)}, pods...),
			[]string{"server auth", "client auth", "digital signature", "key encipherment"}),
		certificate(c, c.Metadata.Name+"-es-http", bootstrap.HTTPCertSecret(c.Metadata.Name),
			append([]string{httpSvc, httpSvc + "." + ns, httpSvc + "." + ns + ".svc", httpSvc + "." + ns + ".svc.cluster.local"}, pods...),
			[]string{"server auth", "digital signature", "key encipherment"}),
	}
}

func certificate(c *esspec.Resolved, name, secret string, dnsNames, usages []string) *Certificate {
	ref := c.Spec.Security.TLS.IssuerRef
	return &Certificate{
		TypeMeta:   metav1.TypeMeta{APIVersion: "cert-manager.io/v1", Kind: "Certificate"},
		ObjectMeta: objectMeta(c, name, objectLabels(c, "tls"), nil),
		Spec: CertificateSpec{
			SecretName: secret,
			IssuerRef:  CertificateIssuerRef{Name: ref.Name, Kind: orDefault(ref.Kind, "Issuer"), Group: orDefault(ref.Group, "cert-manager.io")},
			DNSNames:   dnsNames,
			Usages:     usages,
			PrivateKey: &CertificatePrivateKey{Algorithm: "RSA", Size: 2048, RotationPolicy: "Always"},
		},
	}
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
