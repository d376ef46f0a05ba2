package render

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"

	"github.com/esgen/esgen/bootstrap"
	"github.com/esgen/esgen/esspec"
	"github.com/esgen/esgen/topology"
)

// DataVolume names the data volume and the StatefulSets' claim template.
const DataVolume = "elasticsearch-data"

// TransportCertsVolume names the volume of the one TLS Secret of both
// layers (spec.security.tls.secretName), TransportCertsVolumeSplit that
// of the transport certificate when cert-manager issues one per layer.
const (
	TransportCertsVolume      = "certs"
	TransportCertsVolumeSplit = "certs-transport"
)

// ConfigMount is where pods see their ConfigMap's keys as files, as they
// change: the config init container copies elasticsearch.yml from there,
// and the startup probe reads HealthTargetKey.
const ConfigMount = bootstrap.ConfigMapMount

// Volume names.
const (
	volumeData           = DataVolume
	volumeConfig         = "config"
	volumePodConfig      = "pod-config"
	volumeCerts          = TransportCertsVolume
	volumeTransportCerts = TransportCertsVolumeSplit
	volumeHTTPCerts      = "certs-http"
	volumePlugins        = "plugins"
	volumeKeystore       = "keystore"
	volumeInternalUser   = "internal-user"
	// volumeSecureSettings is the prefix of the secure-settings Secrets'
	// volumes, numbered in spec order.
	volumeSecureSettings = "secure-settings-"
)

// dataVolumeMount mounts the data volume; a hostPath gets one
// subdirectory per pod (namespace/pod name), so pods of different clusters
// and namespaces on one server never share a directory.
func dataVolumeMount(ns *esspec.ResolvedNodeSet) corev1.VolumeMount {
	m := corev1.VolumeMount{Name: volumeData, MountPath: bootstrap.DataDir}
	if ns.Storage.HostPath != "" {
		m.SubPathExpr = "$(POD_NAMESPACE)/$(POD_NAME)"
	}
	return m
}

// certVolume is the volume of a TLS Secret and where it is mounted.
type certVolume struct {
	name string
	src  bootstrap.CertSource
}

// certVolumes returns the volumes of the TLS Secrets: one for both
// layers, or one each.
func certVolumes(c *esspec.Resolved) []certVolume {
	transport, http, ok := bootstrap.CertSources(c)
	switch {
	case !ok:
		return nil
	case transport == http:
		return []certVolume{{volumeCerts, transport}}
	}
	return []certVolume{{volumeTransportCerts, transport}, {volumeHTTPCerts, http}}
}

func volumes(c *esspec.Resolved, g *topology.Group) []corev1.Volume {
	ns := g.NodeSet
	vols := []corev1.Volume{{
		Name: volumeConfig,
		VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{
			LocalObjectReference: corev1.LocalObjectReference{Name: esspec.ConfigMapName(g.Name)},
		}},
	}, emptyDir(volumePodConfig)}
	for _, cv := range certVolumes(c) {
		vols = append(vols, secretVolume(cv.name, cv.src.Secret))
	}
	switch st := ns.Storage; st.Kind() {
	case esspec.StorageHostPath:
		vols = append(vols, corev1.Volume{Name: volumeData, VolumeSource: corev1.VolumeSource{
			HostPath: &corev1.HostPathVolumeSource{Path: st.HostPath, Type: new(corev1.HostPathDirectoryOrCreate)},
		}})
	case esspec.StorageEmptyDir:
		vols = append(vols, emptyDir(volumeData))
	}
	if len(bootstrap.Plugins(c, ns)) > 0 {
		vols = append(vols, emptyDir(volumePlugins))
	}
	if bootstrap.InternalUserEnabled(c) {
		vols = append(vols, emptyDir(volumeInternalUser))
	}
	if settings := c.Spec.Security.SecureSettings; len(settings) > 0 {
		vols = append(vols, emptyDir(volumeKeystore))
		for i, s := range settings {
			vols = append(vols, secretVolume(fmt.Sprintf("%s%d", volumeSecureSettings, i), s.SecretName))
		}
	}
	return vols
}

func emptyDir(name string) corev1.Volume {
	return corev1.Volume{Name: name, VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}}
}

// secretVolume mounts a Secret readable by the owner and the fsGroup only.
func secretVolume(name, secret string) corev1.Volume {
	return corev1.Volume{Name: name, VolumeSource: corev1.VolumeSource{Secret: &corev1.SecretVolumeSource{
		SecretName:  secret,
		DefaultMode: new(int32(0o440)),
	}}}
}

// containerMounts are the Elasticsearch container's mounts.
func containerMounts(c *esspec.Resolved, ns *esspec.ResolvedNodeSet, dataMount corev1.VolumeMount) []corev1.VolumeMount {
	mounts := []corev1.VolumeMount{
		{
			// The pod's copy (see bootstrap.ConfigContainer). A subPath
			// mount keeps the image's other config files (jvm.options,
			// log4j2.properties) in place.
			Name:      volumePodConfig,
			MountPath: bootstrap.ConfigDir + "/" + bootstrap.ConfigFile,
			SubPath:   bootstrap.ConfigFile,
			ReadOnly:  true,
		},
		dataMount,
	}
	if ns.Stateful() {
		// The whole ConfigMap, read by the startup probe: unlike a
		// subPath mount, it follows changes to the ConfigMap.
		mounts = append(mounts, corev1.VolumeMount{Name: volumeConfig, MountPath: ConfigMount, ReadOnly: true})
	}
	for _, cv := range certVolumes(c) {
		mounts = append(mounts, corev1.VolumeMount{Name: cv.name, MountPath: bootstrap.ConfigDir + "/" + cv.src.Dir, ReadOnly: true})
	}
	if len(bootstrap.Plugins(c, ns)) > 0 {
		mounts = append(mounts, corev1.VolumeMount{Name: volumePlugins, MountPath: bootstrap.PluginsDir})
	}
	if len(c.Spec.Security.SecureSettings) > 0 {
		mounts = append(mounts, corev1.VolumeMount{
			Name: volumeKeystore, MountPath: bootstrap.ConfigDir + "/" + bootstrap.KeystoreFile, SubPath: bootstrap.KeystoreFile,
		})
	}
	if bootstrap.InternalUserEnabled(c) {
		// The file realm reads users and users_roles from the config
		// directory; the probes read the password from the volume.
		v := c.Version
		for _, f := range []string{bootstrap.UsersFile, bootstrap.UsersRolesFile} {
			mounts = append(mounts, corev1.VolumeMount{
				Name: volumeInternalUser, MountPath: bootstrap.UsersDir(v) + "/" + f, SubPath: f, ReadOnly: true,
			})
		}
		mounts = append(mounts, corev1.VolumeMount{Name: volumeInternalUser, MountPath: bootstrap.InternalUserMount, ReadOnly: true})
	}
	return mounts
}

func configInitMounts() []corev1.VolumeMount {
	return []corev1.VolumeMount{
		{Name: volumeConfig, MountPath: bootstrap.ConfigMapMount, ReadOnly: true},
		{Name: volumePodConfig, MountPath: bootstrap.PodConfigMount},
	}
}

func internalUserInitMounts() []corev1.VolumeMount {
	return []corev1.VolumeMount{{Name: volumeInternalUser, MountPath: bootstrap.InternalUserMount}}
}

func pluginsInitMounts() []corev1.VolumeMount {
	return []corev1.VolumeMount{{Name: volumePlugins, MountPath: bootstrap.PluginsVolumeMount}}
}

func keystoreInitMounts(c *esspec.Resolved) []corev1.VolumeMount {
	mounts := []corev1.VolumeMount{{Name: volumeKeystore, MountPath: bootstrap.KeystoreVolumeMount}}
	for i, s := range c.Spec.Security.SecureSettings {
		mounts = append(mounts, corev1.VolumeMount{
			Name:      fmt.Sprintf("%s%d", volumeSecureSettings, i),
			MountPath: bootstrap.SecureSettingsMount + "/" + s.SecretName,
			ReadOnly:  true,
		})
	}
	return mounts
}
