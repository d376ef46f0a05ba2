package bootstrap

import (
	"strings"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"

	"github.com/esgen/esgen/esspec"
)

// Init containers, volumes and paths for plugins and the keystore.
const (
	PluginsContainerName  = "install-plugins"
	KeystoreContainerName = "keystore"
	PluginsDir            = Home + "/plugins"
	KeystoreFile          = "elasticsearch.keystore"
	// PluginsVolumeMount is where the init container copies the plugins
	// directory; the Elasticsearch container mounts the volume at PluginsDir.
	PluginsVolumeMount = "/mnt/plugins"
	// KeystoreVolumeMount is where the keystore init container leaves the
	// keystore for the Elasticsearch container.
	KeystoreVolumeMount = "/mnt/keystore"
	// SecureSettingsMount holds one directory per secure-settings Secret.
	SecureSettingsMount = "/mnt/secure-settings"
)

// Plugins returns the plugins of a nodeSet's nodes: the cluster's, then
// the nodeSet's own, each as the argument of the install command.
func Plugins(c *esspec.Resolved, ns *esspec.ResolvedNodeSet) []string {
	var out []string
	for _, entry := range append(append([]string(nil), c.Spec.Plugins.Install...), ns.Plugins...) {
		out = append(out, PluginSource(c, entry))
	}
	return out
}

// PluginSource turns a plugin entry into what the install command takes:
// a URL as it is, name@URL as the URL, a bare name as
// <repository>/<name>-<version>.zip when a mirror is set, else the name,
// which Elasticsearch downloads from Elastic.
func PluginSource(c *esspec.Resolved, entry string) string {
	if name, url, ok := strings.Cut(entry, "@"); ok && name != "" && strings.Contains(url, "://") {
		return url
	}
	if strings.Contains(entry, "://") {
		return entry
	}
	if repo := strings.TrimRight(c.Spec.Plugins.Repository, "/"); repo != "" {
		return repo + "/" + entry + "-" + c.Spec.Version + ".zip"
	}
	return entry
}

// installCommand is the version's plugin installer: bin/plugin in 2.x,
// bin/elasticsearch-plugin from 5.0, whose --batch grants a plugin's
// extra permissions without asking.
func installCommand(v esspec.Version) string {
	if v.Major < 5 {
		return "bin/plugin install"
	}
	return "bin/elasticsearch-plugin install --batch"
}

// toolResources size the init containers that run Elasticsearch's Java
// command-line tools; requests equal limits to keep the pod's QoS class.
func toolResources() corev1.ResourceRequirements {
	rl := corev1.ResourceList{
		corev1.ResourceCPU:    resource.MustParse("500m"),
		corev1.ResourceMemory: resource.MustParse("512Mi"),
	}
	return corev1.ResourceRequirements{Requests: rl, Limits: rl.DeepCopy()}
}

// PluginsContainer returns the init container that installs the
// nodeSet's plugins, or nil when it has none. It runs in the
// Elasticsearch image, installs into the image's plugins directory and
// copies that directory, with the plugins the image ships, to a per-pod
// volume that the Elasticsearch container mounts in its place.
func PluginsContainer(c *esspec.Resolved, ns *esspec.ResolvedNodeSet, mounts []corev1.VolumeMount) *corev1.Container {
	plugins := Plugins(c, ns)
	if len(plugins) == 0 {
		return nil
	}
	v := c.Version
	lines := []string{"set -e"}
	for _, p := range plugins {
		lines = append(lines, installCommand(v)+" "+shellQuote(p))
	}
	lines = append(lines, "cp -a "+PluginsDir+"/. "+PluginsVolumeMount+"/")
	return toolContainer(c, PluginsContainerName, lines, nil, mounts)
}

// KeystoreContainer returns the init container that builds the keystore
// from the secure-settings Secrets, or nil when there are none. Each key
// of each Secret becomes the setting of that name; the values never leave
// the Secrets. It also adds the elastic user's bootstrap password, which
// the image's entrypoint would otherwise try to write into the mounted
// keystore.
func KeystoreContainer(c *esspec.Resolved, mounts []corev1.VolumeMount) *corev1.Container {
	sources := c.Spec.Security.SecureSettings
	if len(sources) == 0 {
		return nil
	}
	lines := []string{"set -e", "bin/elasticsearch-keystore create"}
	for _, s := range sources {
		dir := SecureSettingsMount + "/" + s.SecretName
		lines = append(lines, `for f in `+dir+`/*; do bin/elasticsearch-keystore add-file "$(basename "$f")" "$f"; done`)
	}
	var env []corev1.EnvVar
	if secret := c.Spec.Security.ElasticPasswordSecret; secret != "" {
		env = []corev1.EnvVar{passwordEnv(secret)}
		lines = append(lines, `echo "$ELASTIC_PASSWORD" | bin/elasticsearch-keystore add -x bootstrap.password`)
	}
	lines = append(lines, "cp config/"+KeystoreFile+" "+KeystoreVolumeMount+"/")
	return toolContainer(c, KeystoreContainerName, lines, env, mounts)
}

// toolContainer runs a script of Elasticsearch's command-line tools in the
// Elasticsearch image, as the Elasticsearch container runs, without the
// memory-lock capabilities.
func toolContainer(c *esspec.Resolved, name string, lines []string, env []corev1.EnvVar, mounts []corev1.VolumeMount) *corev1.Container {
	v := c.Version
	return &corev1.Container{
		Name:            name,
		Image:           c.Spec.Image,
		ImagePullPolicy: c.Spec.ImagePullPolicy,
		WorkingDir:      Home,
		Command:         []string{"sh", "-c", strings.Join(lines, "\n")},
		Env:             env,
		Resources:       toolResources(),
		SecurityContext: SecurityContext(v, rootCapabilities(v)),
		VolumeMounts:    mounts,
	}
}

// shellQuote quotes s for sh; validation keeps quotes out of plugin
// entries, so this only guards against what slips past.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
