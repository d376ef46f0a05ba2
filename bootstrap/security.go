package bootstrap

import "github.com/esgen/esgen/esspec"

// Files of the TLS Secret, mounted at CertsDir.
const (
	TLSCertFile = "tls.crt"
	TLSKeyFile  = "tls.key"
	TLSCAFile   = "ca.crt"
)

// securitySettings always writes xpack.security.enabled, so the node never
// falls back to its version's default: 8.x would otherwise auto-configure
// security and try to rewrite the read-only elasticsearch.yml.
func securitySettings(s esspec.Settings, sec esspec.Security) {
	enabled := sec.Enabled != nil && *sec.Enabled
	s[SettingSecurityEnabled] = enabled
	if !enabled {
		return
	}
	tls := sec.TLS.SecretName != ""
	for _, layer := range []string{"transport", "http"} {
		prefix := "xpack.security." + layer + ".ssl."
		s[prefix+"enabled"] = tls
		if !tls {
			continue
		}
		// Paths are relative to the config directory.
		s[prefix+"key"] = "certs/" + TLSKeyFile
		s[prefix+"certificate"] = "certs/" + TLSCertFile
		s[prefix+"certificate_authorities"] = []string{"certs/" + TLSCAFile}
	}
	if tls {
		// One certificate serves every pod, so transport checks the CA
		// only, not the host name. Users may tighten it through config.
		s["xpack.security.transport.ssl.verification_mode"] = "certificate"
	}
}

// TLSEnabled reports whether HTTP is served over TLS.
func TLSEnabled(c *esspec.Cluster) bool {
	sec := c.Spec.Security
	return sec.Enabled != nil && *sec.Enabled && sec.TLS.SecretName != ""
}
