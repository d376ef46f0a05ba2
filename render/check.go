package render

import (
	"fmt"
	"io"
	"text/tabwriter"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"

	"github.com/esgen/esgen/bootstrap"
	"github.com/esgen/esgen/esspec"
)

// Check renders a cluster and runs Elasticsearch's bootstrap checks
// against the pods as rendered (see bootstrap.Check). The spec must be
// defaulted; an invalid spec returns an *esspec.InvalidError.
func Check(spec *esspec.Cluster) (bootstrap.Report, error) {
	c, err := esspec.Resolve(spec)
	if err != nil {
		return bootstrap.Report{}, err
	}
	objs, err := RenderResolved(c)
	if err != nil {
		return bootstrap.Report{}, err
	}
	pods, err := checkPods(c, objs)
	if err != nil {
		return bootstrap.Report{}, err
	}
	return bootstrap.Check(c, pods), nil
}

// checkPods pairs each StatefulSet's pod spec with the settings of the
// ConfigMap it mounts, reading both from the final objects.
func checkPods(c *esspec.Resolved, objs Objects) ([]bootstrap.Pod, error) {
	configs := map[string]string{}
	for _, o := range objs {
		if cm, ok := o.(*corev1.ConfigMap); ok {
			configs[cm.Name] = cm.Data[bootstrap.ConfigFile]
		}
	}
	var pods []bootstrap.Pod
	for _, o := range objs {
		sts, ok := o.(*appsv1.StatefulSet)
		if !ok {
			continue
		}
		var settings esspec.Settings
		if err := yaml.Unmarshal([]byte(configs[esspec.ConfigMapName(sts.Name)]), &settings); err != nil {
			return nil, fmt.Errorf("render: elasticsearch.yml of %s: %w", sts.Name, err)
		}
		index := -1
		for i := range c.Spec.NodeSets {
			if c.Spec.NodeSets[i].Name == sts.Spec.Template.Labels[esspec.LabelNodeSet] {
				index = i
			}
		}
		if index < 0 {
			return nil, fmt.Errorf("render: StatefulSet %s belongs to no nodeSet", sts.Name)
		}
		pods = append(pods, bootstrap.Pod{StatefulSet: sts.Name, NodeSetIndex: index, Spec: &sts.Spec.Template.Spec, Settings: settings})
	}
	return pods, nil
}

// WriteCheckTable writes a bootstrap-check report as a table for people.
func WriteCheckTable(w io.Writer, r bootstrap.Report) error {
	mode := "they are enforced: a failing check stops the node"
	if !r.Enforced {
		mode = "they only log warnings (single-node discovery)"
	}
	if len(r.Results) == 0 {
		mode = "it runs none"
	}
	if _, err := fmt.Fprintf(w, "Bootstrap checks of Elasticsearch %s: %s.\n\n", r.Version, mode); err != nil {
		return err
	}
	if len(r.Results) == 0 {
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "CHECK\tVERDICT\tDETAIL")
	for _, res := range r.Results {
		detail := res.Detail
		if res.Field != "" {
			detail += " (change " + res.Field + ")"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", res.Check, res.Verdict, detail)
	}
	return tw.Flush()
}
