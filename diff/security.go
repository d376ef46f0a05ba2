package diff

import (
	"fmt"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/esgen/esgen/bootstrap"
	"github.com/esgen/esgen/esspec"
	"github.com/esgen/esgen/render"
)

// settingTransportTLS turns TLS on the transport layer on.
const settingTransportTLS = "xpack.security.transport.ssl.enabled"

// securitySettings are the settings nodes must agree on to talk to each
// other: with and without them, they cannot form one cluster.
var securitySettings = []string{bootstrap.SettingSecurityEnabled, settingTransportTLS}

// toggle is a setting whose value differs between the nodes that run
// before and after the change.
type toggle struct {
	key      string
	from, to bool
	groups   []*group // new side
}

// securityToggles returns the security settings that differ between old
// and new nodes of the groups that run pods on both sides, in a cluster
// of more than one node. An unset setting is off.
func (c *comparison) securityToggles() []toggle {
	if c.old.total(allGroups) <= 1 && c.new.total(allGroups) <= 1 {
		// One node has no other to disagree with: its restart is the
		// whole cluster's.
		return nil
	}
	var out []toggle
	for _, key := range securitySettings {
		t := toggle{key: key}
		for _, g := range c.new.groups {
			o := c.old.group(g.key)
			if o == nil || o.replicas == 0 || g.replicas == 0 {
				continue
			}
			from, to := isOn(o.settings[key]), isOn(g.settings[key])
			if from != to {
				t.from, t.to = from, to
				t.groups = append(t.groups, g)
			}
		}
		if len(t.groups) > 0 {
			out = append(out, t)
		}
	}
	return out
}

func isOn(v any) bool { return fmt.Sprint(v) == "true" }

func onOff(on bool) string {
	if on {
		return "on"
	}
	return "off"
}

// fullRestartSecurity: nodes with and without security, or with and
// without transport TLS, cannot talk to each other, so restarting them
// one at a time splits the cluster. Elastic: "You must perform a full
// cluster restart".
func fullRestartSecurity(c *comparison) []Finding {
	toggles := c.securityToggles()
	if len(toggles) == 0 {
		return nil
	}
	var what []string
	var refs []ref
	var groups []*group
	for _, t := range toggles {
		name := "security"
		if t.key == settingTransportTLS {
			name = "transport TLS"
		}
		what = append(what, fmt.Sprintf("%s goes %s (%s: %t -> %t)", name, onOff(t.to), t.key, t.from, t.to))
		for _, g := range t.groups {
			refs = append(refs, configMapRef(g.configMap, t.key))
			if !slices.Contains(groups, g) {
				groups = append(groups, g)
			}
		}
	}
	if c.new.spec != nil {
		refs = c.specCauses(func(p string) bool { return underAny(p, "spec.security.enabled", "spec.security.tls") })
		if len(refs) == 0 {
			// A default that follows the version (security is on from 8.0).
			refs = c.specCauses(func(p string) bool { return underAny(p, "spec.security", "spec.version") })
		}
		if len(refs) == 0 {
			refs = []ref{specRef("spec.security")}
		}
	}
	summary := strings.Join(what, ", ") +
		": nodes from before and after the change cannot talk to each other, so restarting them one at a time splits the cluster, and the part without a quorum of master-eligible nodes stops; Elastic: \"You must perform a full cluster restart\""
	if from, to := httpPortName(c.old), httpPortName(c.new); from != "" && to != "" && from != to {
		summary += fmt.Sprintf("; the port of Service %s is renamed from %s to %s, so Ingresses, ServiceMonitors or NetworkPolicies that name the port must follow, and clients must switch to %s://",
			esspec.HTTPServiceName(c.new.cluster), from, to, to)
	}
	steps := []string{"take a snapshot"}
	var rolling []string
	for _, g := range c.new.groups {
		if !g.onDelete && g.stateful() && g.replicas > 0 {
			rolling = append(rolling, g.sts)
		}
	}
	if len(rolling) > 0 {
		steps = append(steps, "set spec.updateStrategy: onDelete first, or StatefulSet "+strings.Join(rolling, ", ")+" starts rolling on apply")
	}
	steps = append(steps, "apply, then run esgen rollout --full-restart SPEC: all nodes stop, then start together with the new setting, and the cluster is unavailable meanwhile")
	return []Finding{{
		Severity: Unsafe, Rule: "full-restart-security", Field: joinRefs(refs), Objects: stsObjects(groups),
		Summary: summary,
		Action:  strings.Join(steps, "; "),
	}}
}

// httpPortName returns the name of the client Service's HTTP port (http,
// or https when the nodes serve TLS), or "" when it has none.
func httpPortName(m *model) string {
	name := esspec.HTTPServiceName(m.cluster)
	for _, o := range m.objects {
		svc, ok := o.(*corev1.Service)
		if !ok || svc.Name != name || svc.Namespace != m.namespace {
			continue
		}
		for _, p := range svc.Spec.Ports {
			if p.Port == bootstrap.HTTPPort {
				return p.Name
			}
		}
	}
	return ""
}

// transportSecret returns the Secret a group's pods take their transport
// certificate from, or "" without transport TLS.
func transportSecret(g *group) string {
	if g.obj == nil || !isOn(g.settings[settingTransportTLS]) {
		return ""
	}
	for _, v := range g.obj.Spec.Template.Spec.Volumes {
		if (v.Name == render.TransportCertsVolume || v.Name == render.TransportCertsVolumeSplit) && v.Secret != nil {
			return v.Secret.SecretName
		}
	}
	return ""
}

// transportCertificates: nodes verify each other's transport certificate
// against the CA they trust (verification_mode certificate). When the
// certificates come from another Secret, a node restarted onto it and
// the nodes still on the old one trust each other only if both
// certificates chain to a CA in both ca.crt files; esgen cannot see the
// Secrets, so it says what to check.
func transportCertificates(c *comparison) []Finding {
	if len(c.securityToggles()) > 0 {
		return nil // full-restart-security covers it
	}
	var groups []*group
	var from, to string
	for _, g := range c.new.groups {
		o := c.old.group(g.key)
		if o == nil || o.replicas == 0 || g.replicas == 0 {
			continue
		}
		if a, b := transportSecret(o), transportSecret(g); a != "" && b != "" && a != b {
			groups = append(groups, g)
			from, to = a, b
		}
	}
	if len(groups) == 0 {
		return nil
	}
	refs := c.specCauses(func(p string) bool { return underAny(p, "spec.security.tls") })
	if len(refs) == 0 {
		for _, g := range groups {
			refs = append(refs, stsRef(g.sts, "spec.template.spec.volumes"))
		}
	}
	return []Finding{{
		Severity: Disruptive, Rule: "transport-certificates", Field: joinRefs(refs), Objects: stsObjects(groups),
		Summary: fmt.Sprintf("the nodes' transport certificate comes from Secret %s instead of %s: nodes check each other's certificate against their ca.crt, so a node restarted onto the new Secret and the nodes still on the old one can talk only if each side's certificate is signed by a CA the other side's ca.crt holds", to, from),
		Action:  "before applying, make both Secrets' ca.crt hold both CAs (or issue the new certificates from the same CA), then apply and restart with esgen rollout SPEC; if the CAs differ and cannot be bundled, apply and run esgen rollout --full-restart SPEC instead (the cluster is down meanwhile)",
	}}
}
