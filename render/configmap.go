package render

import (
	"crypto/sha256"
	"encoding/hex"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/esgen/esgen/bootstrap"
	"github.com/esgen/esgen/esspec"
	"github.com/esgen/esgen/topology"
)

// maxConfigBytes keeps a ConfigMap below the API server's 1 MiB object
// limit, with room for its metadata.
const maxConfigBytes = 1000 * 1000

// nodeConfig is the elasticsearch.yml of one placement group and the hash
// that rolls its pods when it changes, and the cluster health its
// master-eligible and data pods wait for at start (see startupProbe).
type nodeConfig struct {
	yaml   []byte
	hash   string
	health topology.Health
}

// buildNodeConfig layers the group's settings: esgen's own, then
// placement's, then the nodeSet's config (validation keeps it off esgen's
// keys). The hash covers all of them but cluster.initial_master_nodes,
// which is added last so that ending the bootstrap restarts no pod.
func buildNodeConfig(c *esspec.Resolved, g *topology.Group, f bootstrap.Formation) (nodeConfig, error) {
	settings := bootstrap.NodeSettings(c, g.NodeSet, f)
	user, _ := esspec.FlattenSettings(g.NodeSet.Config)
	bootstrap.Merge(settings, g.Settings, user)
	hashed, out, err := marshalSettingsWith(settings, bootstrap.InitialMasterNodesSettings(g.NodeSet, f))
	if err != nil {
		return nodeConfig{}, err
	}
	sum := sha256.Sum256(hashed)
	if len(out) > maxConfigBytes {
		return nodeConfig{}, &esspec.InvalidError{Errors: field.ErrorList{field.TooLong(
			field.NewPath("spec", "nodeSets").Index(g.Index).Child("config"), "", maxConfigBytes)}}
	}
	return nodeConfig{yaml: out, hash: hex.EncodeToString(sum[:])}, nil
}

// HealthTargetKey is the key of a master or data group's ConfigMap that
// holds the health its pods' startup probe waits for: green, or yellow
// where the layout never gets green (topology.HealthTarget). It is read
// at each probe from a directory mount, which follows the ConfigMap, so
// that a layout change (a tier scaled to one node) reaches running pods
// without changing their template, and restarts none.
const HealthTargetKey = "health-target"

// configMap holds a group's elasticsearch.yml, and for master and data
// groups the health their pods wait for at start.
func configMap(c *esspec.Resolved, g *topology.Group, cfg nodeConfig) *corev1.ConfigMap {
	data := map[string]string{bootstrap.ConfigFile: string(cfg.yaml)}
	if g.NodeSet.Stateful() {
		data[HealthTargetKey] = string(cfg.health)
	}
	return &corev1.ConfigMap{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "ConfigMap"},
		ObjectMeta: objectMeta(c, esspec.ConfigMapName(g.Name), groupLabels(c, g), nil),
		Data:       data,
	}
}

func objectMeta(c *esspec.Resolved, name string, labels, extraAnnotations map[string]string) metav1.ObjectMeta {
	return metav1.ObjectMeta{
		Name:        name,
		Namespace:   c.Metadata.Namespace,
		Labels:      labels,
		Annotations: annotations(c, extraAnnotations),
	}
}
