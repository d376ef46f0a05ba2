package esspec

import (
	"fmt"
	"net/url"
	"strings"
	"unicode"

	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// pluginName matches an Elasticsearch plugin name such as analysis-icu.
var pluginName = lazyRegexp(`^[a-z0-9][a-z0-9._-]*$`)

// validPluginURL accepts the URLs the plugin installers fetch from.
func validPluginURL(s string) string {
	u, err := url.Parse(s)
	switch {
	case err != nil:
		return "is not a URL"
	case u.Scheme != "http" && u.Scheme != "https" && u.Scheme != "file":
		return "must be an http, https or file URL"
	case strings.ContainsAny(s, " \t\n'\"`$\\"):
		return "must not contain white space, quotes, $ or backslashes"
	}
	return ""
}

func validPlugins(v *checker) field.ErrorList {
	var errs field.ErrorList
	p := v.c.Spec.Plugins
	path := specPath.Child("plugins")
	if p.Repository != "" {
		if msg := validPluginURL(p.Repository); msg != "" {
			errs = append(errs, field.Invalid(path.Child("repository"), p.Repository, msg))
		}
	}
	seen := map[string]string{}
	check := func(list []string, listPath *field.Path) {
		for i, entry := range list {
			ep := listPath.Index(i)
			name, src, hasURL := strings.Cut(entry, "@")
			switch {
			case strings.Contains(entry, "://") && !hasURL:
				if msg := validPluginURL(entry); msg != "" {
					errs = append(errs, field.Invalid(ep, entry, msg))
				}
			case hasURL:
				if msg := validPluginURL(src); msg != "" {
					errs = append(errs, field.Invalid(ep, entry, "the URL after @ "+msg))
				}
				fallthrough
			default:
				if !pluginName().MatchString(name) {
					errs = append(errs, field.Invalid(ep, entry, "must be a plugin name (e.g. analysis-icu), name@URL, or a URL"))
				}
			}
			if first, dup := seen[name]; dup {
				errs = append(errs, field.Duplicate(ep, fmt.Sprintf("%s (also at %s)", entry, first)))
			}
			seen[name] = ep.String()
		}
	}
	check(p.Install, path.Child("install"))
	clusterWide := seen
	for i, ns := range v.c.Spec.NodeSets {
		seen = map[string]string{}
		for k, val := range clusterWide {
			seen[k] = val
		}
		check(ns.Plugins, nodeSetsPath.Index(i).Child("plugins"))
	}
	return errs
}

func validTLSIssuer(v *checker) field.ErrorList {
	ref := v.c.Spec.Security.TLS.IssuerRef
	if ref == nil || *ref == (IssuerRef{}) {
		return nil
	}
	var errs field.ErrorList
	path := specPath.Child("security", "tls", "issuerRef")
	if ref.Name == "" {
		errs = append(errs, field.Required(path.Child("name"), "the cert-manager Issuer or ClusterIssuer that signs the certificates"))
	} else {
		errs = append(errs, validObjectName(ref.Name, path.Child("name"))...)
	}
	if ref.Kind != "" && ref.Kind != "Issuer" && ref.Kind != "ClusterIssuer" {
		errs = append(errs, field.NotSupported(path.Child("kind"), ref.Kind, []string{"Issuer", "ClusterIssuer"}))
	}
	if v.c.Spec.Security.TLS.SecretName != "" {
		errs = append(errs, field.Invalid(path, ref.Name, "set either tls.secretName or tls.issuerRef, not both"))
	}
	if v.c.Metadata.Namespace == "" {
		errs = append(errs, field.Required(field.NewPath("metadata", "namespace"),
			"certificates from an issuer name the Services by their namespace: set metadata.namespace"))
	}
	return errs
}

func validSecureSettings(v *checker) field.ErrorList {
	var errs field.ErrorList
	path := specPath.Child("security", "secureSettings")
	seen := map[string]bool{}
	for i, s := range v.c.Spec.Security.SecureSettings {
		p := path.Index(i).Child("secretName")
		if s.SecretName == "" {
			errs = append(errs, field.Required(p, "an existing Secret whose keys are setting names"))
			continue
		}
		errs = append(errs, validObjectName(s.SecretName, p)...)
		if seen[s.SecretName] {
			errs = append(errs, field.Duplicate(p, s.SecretName))
		}
		seen[s.SecretName] = true
		// The revision goes into a pod annotation, next to the Secret's
		// name; a label value keeps it short and free of the separators.
		for _, msg := range validation.IsValidLabelValue(s.Revision) {
			errs = append(errs, field.Invalid(path.Index(i).Child("revision"), s.Revision,
				"names the Secret's contents in the pods' template: "+msg))
		}
	}
	if len(v.c.Spec.Security.SecureSettings) > 0 && v.versionOK && !v.version.AtLeast(5, 3, 0) {
		errs = append(errs, field.Forbidden(path, fmt.Sprintf("Elasticsearch %s has no keystore (it exists from 5.3)", v.version)))
	}
	return errs
}

func validKibana(v *checker) field.ErrorList {
	k := v.c.Spec.Kibana
	path := specPath.Child("kibana")
	switch {
	case k.Count < 0:
		return field.ErrorList{field.Invalid(path.Child("count"), k.Count, "must be 0 or more")}
	case k.Count == 0:
		return nil
	}
	errs := validResourceLists(&k.Resources, path.Child("resources"))
	switch {
	case strings.ContainsFunc(k.Image, unicode.IsSpace):
		errs = append(errs, field.Invalid(path.Child("image"), k.Image, "an image reference has no white space"))
	case v.versionOK && strings.TrimSpace(k.Image) == "":
		errs = append(errs, field.Required(path.Child("image"), "an image reference"))
	case v.versionOK:
		errs = append(errs, validKibanaImage(v)...)
	}
	// Kibana 4.x's image (docker-library/kibana 4.x docker-entrypoint.sh)
	// starts as root, writes ELASTICSEARCH_URL into kibana.yml and steps
	// down to the kibana user with gosu.
	if kv := v.version.KibanaVersion(); v.versionOK && kv.Major < 5 && v.c.Spec.PodSecurity == PodSecurityRestricted {
		errs = append(errs, field.Forbidden(path.Child("count"), fmt.Sprintf(
			"the Kibana %s image starts as root to write its kibana.yml and steps down to the kibana user with gosu, which Pod Security level %q forbids: use baseline, or set spec.kibana.count: 0",
			kv, PodSecurityRestricted)))
	}
	secrets := []struct{ name, value string }{
		{"passwordSecret", k.PasswordSecret}, {"serviceAccountTokenSecret", k.ServiceAccountTokenSecret},
	}
	for _, s := range secrets {
		if s.value != "" {
			errs = append(errs, validObjectName(s.value, path.Child(s.name))...)
		}
	}
	if !isTrue(v.c.Spec.Security.Enabled) {
		for _, s := range secrets {
			if s.value != "" {
				errs = append(errs, field.Invalid(path.Child(s.name), s.value, "has no effect while security is disabled: remove it"))
			}
		}
		return errs
	}
	if v.versionOK && v.version.Major >= 8 {
		if k.ServiceAccountTokenSecret == "" {
			errs = append(errs, field.Required(path.Child("serviceAccountTokenSecret"),
				"Kibana 8.x refuses the elastic superuser: name an existing Secret with key \"token\" holding a token of the elastic/kibana service account"))
		}
		if k.PasswordSecret != "" {
			errs = append(errs, field.Invalid(path.Child("passwordSecret"), k.PasswordSecret,
				"Kibana 8.x logs in with serviceAccountTokenSecret, not a password: remove it"))
		}
		return errs
	}
	if k.PasswordSecret == "" {
		errs = append(errs, field.Required(path.Child("passwordSecret"),
			"with security on, Kibana logs in as kibana_system (kibana before 7.8): name an existing Secret with key \"password\" holding its password"))
	}
	if k.ServiceAccountTokenSecret != "" {
		errs = append(errs, field.Invalid(path.Child("serviceAccountTokenSecret"), k.ServiceAccountTokenSecret,
			"before 8.x Kibana logs in with passwordSecret: remove it"))
	}
	return errs
}
