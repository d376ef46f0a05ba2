package bootstrap

import "github.com/esgen/esgen/esspec"

// Files of a TLS Secret: a Secret named by spec.security.tls.secretName,
// or one that cert-manager writes.
const (
	TLSCertFile = "tls.crt"
	TLSKeyFile  = "tls.key"
	TLSCAFile   = "ca.crt"
)

// CertSource is where one TLS layer's certificate comes from and where
// the pods mount it.
type CertSource struct {
	// Secret holds tls.crt, tls.key and ca.crt.
	Secret string
	// Dir is the mount directory, relative to the config directory.
	Dir string
}

// TransportCertSecret and HTTPCertSecret name the Secrets that
// cert-manager writes for a cluster whose spec names an issuer.
func TransportCertSecret(cluster string) string { return cluster + "-es-transport-certs" }

// HTTPCertSecret: see TransportCertSecret.
func HTTPCertSecret(cluster string) string { return cluster + "-es-http-certs" }

// CertSources returns where the transport and HTTP certificates come
// from: one given Secret for both, mounted at certs/, or one cert-manager
// Certificate each, mounted at certs-transport/ and certs-http/. ok is
// false when the nodes do not serve TLS.
func CertSources(c *esspec.Resolved) (transport, http CertSource, ok bool) {
	sec := c.Spec.Security
	if !sec.On() {
		return CertSource{}, CertSource{}, false
	}
	switch {
	case sec.TLS.SecretName != "":
		s := CertSource{Secret: sec.TLS.SecretName, Dir: "certs"}
		return s, s, true
	case sec.TLS.HasIssuer():
		return CertSource{Secret: TransportCertSecret(c.Metadata.Name), Dir: "certs-transport"},
			CertSource{Secret: HTTPCertSecret(c.Metadata.Name), Dir: "certs-http"}, true
	}
	return CertSource{}, CertSource{}, false
}

// TLSEnabled reports whether the nodes serve TLS, on HTTP as on transport.
func TLSEnabled(c *esspec.Resolved) bool {
	_, _, ok := CertSources(c)
	return ok
}

// securitySettings always writes xpack.security.enabled, so the node never
// falls back to its version's default: 8.x would otherwise auto-configure
// security and try to rewrite the read-only elasticsearch.yml.
func securitySettings(s esspec.Settings, c *esspec.Resolved) {
	enabled := c.Spec.Security.On()
	s[SettingSecurityEnabled] = enabled
	if !enabled {
		return
	}
	transport, http, tls := CertSources(c)
	for _, layer := range []struct {
		name string
		src  CertSource
	}{{"transport", transport}, {"http", http}} {
		prefix := "xpack.security." + layer.name + ".ssl."
		s[prefix+"enabled"] = tls
		if !tls {
			continue
		}
		// Paths are relative to the config directory.
		s[prefix+"key"] = layer.src.Dir + "/" + TLSKeyFile
		s[prefix+"certificate"] = layer.src.Dir + "/" + TLSCertFile
		s[prefix+"certificate_authorities"] = []string{layer.src.Dir + "/" + TLSCAFile}
	}
	if tls {
		// One certificate serves every pod, so transport checks the CA
		// only, not the host name. Users may tighten it through config.
		s["xpack.security.transport.ssl.verification_mode"] = "certificate"
	}
}
