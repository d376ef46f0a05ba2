package render

import (
	"fmt"
	"strconv"
	"strings"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/esgen/esgen/esspec"
	"github.com/esgen/esgen/topology"
)

// Alert severities, as the Prometheus community's mixins label them.
const (
	severityCritical = "critical"
	severityWarning  = "warning"
)

// Fixed waits of the alerts whose spec has no threshold for them.
const (
	heapFor         = "15m"
	diskFor         = "5m"
	noMasterFor     = "2m"
	exporterDownFor = "5m"
)

// tierRoles are the roles whose nodes the exporter counts on their own
// (elasticsearch_nodes_roles) besides master: the data tiers. A node
// with the plain data role holds every tier and is counted by cluster
// health's number_of_data_nodes.
var tierRoles = []esspec.Role{
	esspec.RoleDataContent, esspec.RoleDataHot, esspec.RoleDataWarm, esspec.RoleDataCold, esspec.RoleDataFrozen,
}

// alerting holds what every alert of a cluster shares.
type alerting struct {
	cluster, namespace string
	// selector matches the cluster's exporter's metrics: its job label
	// (the Service name) and, when the spec names it, its namespace.
	selector string
	// where names the cluster in descriptions.
	where string
	// pods is the label selector of the cluster's Elasticsearch pods.
	pods string
	// kubectl is the kubectl command line, with -n when the spec names
	// a namespace.
	kubectl string
}

func newAlerting(c *esspec.Resolved) alerting {
	a := alerting{
		cluster:  c.Metadata.Name,
		selector: fmt.Sprintf("job=%q", ExporterName(c.Metadata.Name)),
		where:    fmt.Sprintf("Elasticsearch cluster %s", c.Metadata.Name),
		pods:     fmt.Sprintf("%s=%s,%s=elasticsearch", esspec.LabelCluster, c.Metadata.Name, labelName),
		kubectl:  "kubectl",
	}
	if ns := c.Metadata.Namespace; ns != "" {
		a.namespace = ns
		a.selector += fmt.Sprintf(",namespace=%q", ns)
		a.where += " in namespace " + ns
		a.kubectl += " -n " + ns
	}
	return a
}

// metric returns a selector of one of the exporter's metrics, with
// extra matchers.
func (a alerting) metric(name string, matchers ...string) string {
	return name + "{" + strings.Join(append([]string{a.selector}, matchers...), ",") + "}"
}

func (a alerting) rule(alert, expr, wait, severity, summary, description string, extra map[string]string) monitoringv1.Rule {
	labels := map[string]string{"severity": severity, "es_cluster": a.cluster}
	if a.namespace != "" {
		labels["namespace"] = a.namespace
	}
	for k, v := range extra {
		labels[k] = v
	}
	return monitoringv1.Rule{
		Alert:       alert,
		Expr:        intstr.FromString(expr),
		For:         new(monitoringv1.Duration(wait)),
		Labels:      labels,
		Annotations: map[string]string{"summary": summary, "description": description},
	}
}

// prometheusRule returns the alerts of the cluster, with the counts of
// nodes it was rendered with: a node that never joins, or leaves for
// longer than a restart takes, fires ElasticsearchNodesMissing.
// Every expression aggregates by namespace, the label Prometheus gives
// the exporter's target, so that two clusters of one name in two
// namespaces never answer for each other.
func prometheusRule(c *esspec.Resolved, groups []topology.Group) *monitoringv1.PrometheusRule {
	a := newAlerting(c)
	t := c.Spec.Monitoring.Alerts
	health := func(status string) string {
		return fmt.Sprintf("max by (namespace) (%s) == 1", a.metric("elasticsearch_cluster_health_status", fmt.Sprintf("color=%q", status)))
	}
	rules := []monitoringv1.Rule{
		a.rule("ElasticsearchClusterRed", health("red"), t.RedFor, severityCritical,
			a.where+" is red",
			fmt.Sprintf("%s has been red for %s: a primary shard is unassigned, so reads and writes of its index fail. "+
				"Find the shard and the reason: GET _cluster/allocation/explain. "+
				"Check that every node runs (%s get pods -l %s) and has disk below the watermarks (GET _cat/allocation?v). "+
				"Do not delete pods or volumes of data nodes to fix it: a lost copy may be the last one.",
				a.where, t.RedFor, a.kubectl, a.pods), nil),
		a.rule("ElasticsearchClusterYellow", health("yellow"), t.YellowFor, severityWarning,
			a.where+" is yellow",
			fmt.Sprintf("%s has been yellow for %s, longer than a node's restart and recovery take: a replica is unassigned, so one more lost node may lose data. "+
				"Find the shard and the reason: GET _cluster/allocation/explain. "+
				"Common reasons: a node missing (%s get pods -l %s), disk above the high watermark, or more replicas than nodes (or racks, with rack awareness) to hold them.",
				a.where, t.YellowFor, a.kubectl, a.pods), nil),
	}
	rules = append(rules, nodesMissing(a, groups, t.NodesMissingFor)...)
	rules = append(rules,
		a.rule("ElasticsearchUnassignedShards",
			fmt.Sprintf("max by (namespace) (%s) > 0", a.metric("elasticsearch_cluster_health_unassigned_shards")),
			t.UnassignedShardsFor, severityWarning,
			a.where+" has unassigned shards",
			fmt.Sprintf("%s has had unassigned shards for %s. GET _cat/shards?v&h=index,shard,prirep,state,unassigned.reason lists them; "+
				"GET _cluster/allocation/explain says why the first one stays unassigned. "+
				"After a fixed cause (a full disk freed, a node back), POST _cluster/reroute?retry_failed=true retries allocations that failed too often.",
				a.where, t.UnassignedShardsFor), nil),
		a.rule("ElasticsearchHeapHigh",
			fmt.Sprintf("max by (namespace, name) (100 * %s / %s) > %d",
				a.metric("elasticsearch_jvm_memory_used_bytes", `area="heap"`), a.metric("elasticsearch_jvm_memory_max_bytes", `area="heap"`), t.HeapPercent),
			heapFor, severityWarning,
			fmt.Sprintf("Elasticsearch node {{ $labels.name }} of %s uses more than %d%% of its heap", a.cluster, t.HeapPercent),
			fmt.Sprintf("Node {{ $labels.name }} of %s has used more than %d%% of its JVM heap for %s: garbage collection cannot free it, and the parent circuit breaker will reject requests, or the node fail with OutOfMemoryError. "+
				"Look for what holds it: GET _nodes/{{ $labels.name }}/stats/breaker,jvm,indices/fielddata,segments. "+
				"Common causes: large aggregations or fielddata on text fields, too many shards per node, bulk requests too large. "+
				"More heap needs more memory: raise the nodeSet's resources.memory (the heap follows, up to 31g) and roll the nodes out with esgen rollout.",
				a.where, t.HeapPercent, heapFor), nil),
		diskHigh(a, t.DiskWatermark),
		a.rule("ElasticsearchNoMaster",
			fmt.Sprintf("max by (namespace) (%s) == 1 unless on (namespace) count by (namespace) (%s)",
				a.metric("up"), a.metric("elasticsearch_cluster_health_status")),
			noMasterFor, severityCritical,
			a.where+" answers no cluster health: no elected master",
			fmt.Sprintf("The exporter of %s runs but has read no cluster health for %s. Cluster health needs an elected master: without one, no index can be written and the cluster state cannot change. "+
				"Check that a quorum of the master-eligible nodes runs (%s get pods -l %s,%s=true) and what their logs say about the election (master not discovered, or a quorum not reached). "+
				"The same alert fires when the exporter cannot log in or verify the certificate: its own logs say which (%s logs deploy/%s).",
				a.where, noMasterFor, a.kubectl, a.pods, esspec.LabelRolePrefix+string(esspec.RoleMaster), a.kubectl, ExporterName(a.cluster)), nil),
		a.rule("ElasticsearchExporterDown",
			fmt.Sprintf("max by (namespace) (%s) == 0 or absent(%s)", a.metric("up"), a.metric("up")),
			exporterDownFor, severityWarning,
			fmt.Sprintf("Prometheus cannot scrape the exporter of %s", a.cluster),
			fmt.Sprintf("Prometheus has not scraped the exporter of %s for %s, so no other alert of this cluster can fire. "+
				"Check that its pod runs (%s get deploy %s) and that the Prometheus selects the ServiceMonitor %s (its serviceMonitorSelector and serviceMonitorNamespaceSelector; spec.monitoring.labels adds labels).",
				a.where, exporterDownFor, a.kubectl, ExporterName(a.cluster), MonitoringName(a.cluster)), nil),
	)
	return &monitoringv1.PrometheusRule{
		TypeMeta:   metav1.TypeMeta{APIVersion: "monitoring.coreos.com/v1", Kind: "PrometheusRule"},
		ObjectMeta: objectMeta(c, MonitoringName(c.Metadata.Name), monitoringLabels(c), nil),
		Spec: monitoringv1.PrometheusRuleSpec{Groups: []monitoringv1.RuleGroup{{
			Name:  "elasticsearch." + c.Metadata.Name,
			Rules: rules,
		}}},
	}
}

// nodesMissing returns one ElasticsearchNodesMissing rule for the whole
// cluster, one for its data nodes, and one per role the exporter counts
// (master and the data tiers), each with the count the spec renders.
func nodesMissing(a alerting, groups []topology.Group, wait string) []monitoringv1.Rule {
	var total, data int32
	byRole := map[esspec.Role]int32{}
	for i := range groups {
		g := &groups[i]
		total += g.Replicas
		if g.NodeSet.HoldsData() {
			data += g.Replicas
		}
		for _, r := range append([]esspec.Role{esspec.RoleMaster}, tierRoles...) {
			if g.NodeSet.HasRole(r) {
				byRole[r] += g.Replicas
			}
		}
	}
	rule := func(role, expr string, want int32) monitoringv1.Rule {
		what := "nodes"
		if role != "all" {
			what = role + " nodes"
		}
		return a.rule("ElasticsearchNodesMissing", expr, wait, severityCritical,
			fmt.Sprintf("%s has fewer %s than the %d it was rendered with", a.where, what, want),
			fmt.Sprintf("%s has had fewer than %d %s for %s. "+
				"Find the missing pods: %s get pods -l %s -o wide; a Pending pod's events say why it is not scheduled, a running one's logs why it did not join (discovery, certificates, a full disk). "+
				"A rollout or a drain takes one node at a time for minutes, never this long.",
				a.where, want, what, wait, a.kubectl, a.pods),
			map[string]string{"role": role})
	}
	if total == 0 {
		return nil
	}
	rules := []monitoringv1.Rule{rule("all",
		fmt.Sprintf("max by (namespace) (%s) < %d", a.metric("elasticsearch_cluster_health_number_of_nodes"), total), total)}
	// A role every node has would repeat the cluster-wide rule: one
	// missing node, two pages.
	if data > 0 && data < total {
		rules = append(rules, rule("data",
			fmt.Sprintf("max by (namespace) (%s) < %d", a.metric("elasticsearch_cluster_health_number_of_data_nodes"), data), data))
	}
	for _, r := range append([]esspec.Role{esspec.RoleMaster}, tierRoles...) {
		want := byRole[r]
		if want == 0 || want == total {
			continue
		}
		// A role no node reports leaves no series to count: the or
		// makes it 0 whenever the exporter sees any node.
		role := fmt.Sprintf("role=%q", string(r))
		expr := fmt.Sprintf("(count by (namespace) (%s == 1) or on (namespace) (0 * count by (namespace) (%s))) < %d",
			a.metric("elasticsearch_nodes_roles", role), a.metric("elasticsearch_nodes_roles"), want)
		rules = append(rules, rule(string(r), expr, want))
	}
	return rules
}

// diskHigh fires at the high disk watermark: from there Elasticsearch
// moves shards off the node, and at the flood stage, 5% further, it
// makes its indices read-only.
func diskHigh(a alerting, watermark string) monitoringv1.Rule {
	w, _ := esspec.ParseDiskWatermark(watermark)
	description := "Node {{ $labels.name }} of %s has passed the high disk watermark (%s) for %s: Elasticsearch moves shards away from it, and at the flood stage makes every index with a shard on it read-only. " +
		"GET _cat/allocation?v shows the disk of every node. Delete old indices (or let ILM do it), add data nodes, or grow the nodeSet's storage.size where the StorageClass allows volume expansion."
	expr := fmt.Sprintf("max by (namespace, name) (100 * (1 - %s / %s)) > %s",
		a.metric("elasticsearch_filesystem_data_available_bytes"), a.metric("elasticsearch_filesystem_data_size_bytes"),
		strconv.FormatFloat(w.UsedPercent, 'f', -1, 64))
	if w.FreeBytes > 0 {
		expr = fmt.Sprintf("min by (namespace, name) (%s) < %d", a.metric("elasticsearch_filesystem_data_available_bytes"), w.FreeBytes)
	}
	return a.rule("ElasticsearchDiskHigh", expr, diskFor, severityWarning,
		fmt.Sprintf("Elasticsearch node {{ $labels.name }} of %s is above the high disk watermark", a.cluster),
		fmt.Sprintf(description, a.where, watermark, diskFor), nil)
}
