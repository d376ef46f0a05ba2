package esspec

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// ExporterImage is the elasticsearch_exporter esgen renders by default:
// prometheus-community's release whose flags, metric names and
// Elasticsearch versions the PrometheusRule is written for.
const ExporterImage = "quay.io/prometheuscommunity/elasticsearch-exporter:v1.11.0"

// Default alert thresholds (see Alerts).
const (
	defaultScrapeInterval      = "30s"
	defaultRedFor              = "1m"
	defaultYellowFor           = "30m"
	defaultNodesMissingFor     = "10m"
	defaultUnassignedShardsFor = "30m"
	defaultHeapPercent         = 90
	// DefaultDiskWatermark is Elasticsearch's own default of
	// cluster.routing.allocation.disk.watermark.high, from 5.0 to 9.x.
	DefaultDiskWatermark = "90%"
)

// DiskWatermarkSetting is the setting whose form Alerts.DiskWatermark takes.
const DiskWatermarkSetting = "cluster.routing.allocation.disk.watermark.high"

func setMonitoringDefaults(s *Spec) {
	m := &s.Monitoring
	if !m.Enabled {
		return
	}
	if m.Image == "" {
		m.Image = ExporterImage
	}
	if m.Interval == "" {
		m.Interval = defaultScrapeInterval
	}
	if r := &m.Resources; r.CPU == nil && r.Memory == nil && r.Requests == nil && r.Limits == nil {
		r.Requests = corev1.ResourceList{
			"cpu": resource.MustParse("50m"), "memory": resource.MustParse("64Mi"),
		}
		r.Limits = corev1.ResourceList{"memory": resource.MustParse("128Mi")}
	}
	a := &m.Alerts
	for _, d := range []struct {
		field *string
		value string
	}{
		{&a.RedFor, defaultRedFor}, {&a.YellowFor, defaultYellowFor},
		{&a.NodesMissingFor, defaultNodesMissingFor}, {&a.UnassignedShardsFor, defaultUnassignedShardsFor},
	} {
		if *d.field == "" {
			*d.field = d.value
		}
	}
	if a.HeapPercent == 0 {
		a.HeapPercent = defaultHeapPercent
	}
	if a.DiskWatermark == "" {
		a.DiskWatermark = clusterDiskWatermark(s.NodeSets)
	}
}

// clusterDiskWatermark returns the high disk watermark the elected
// master applies: the setting in the first master-eligible nodeSet's
// elasticsearch.yml, else Elasticsearch's default. (A value set later
// through the cluster settings API overrides both; esgen cannot see it.)
func clusterDiskWatermark(nodeSets []NodeSet) string {
	for i := range nodeSets {
		if !nodeSets[i].MasterEligible() {
			continue
		}
		// A value the alert cannot read is Elasticsearch's to refuse
		// at start; the alert keeps the default meanwhile.
		if v, ok := nodeSets[i].Config[DiskWatermarkSetting]; ok && v != nil {
			if _, err := ParseDiskWatermark(fmt.Sprint(v)); err == nil {
				return fmt.Sprint(v)
			}
		}
		break
	}
	return DefaultDiskWatermark
}

// promDuration matches a Prometheus duration, as the Prometheus
// Operator's Duration type does.
var promDuration = lazyRegexp(`^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$`)

// DiskWatermark is a parsed Alerts.DiskWatermark: either the percentage
// of the disk used, or the free bytes left, at which the alert fires.
type DiskWatermark struct {
	// UsedPercent is set for a percentage or ratio watermark.
	UsedPercent float64
	// FreeBytes is set for an absolute watermark.
	FreeBytes int64
}

// byteUnits are Elasticsearch's byte-size units (ByteSizeValue), powers of 1024.
var byteUnits = []struct {
	suffix string
	shift  uint
}{{"pb", 50}, {"tb", 40}, {"gb", 30}, {"mb", 20}, {"kb", 10}, {"b", 0}}

// ParseDiskWatermark reads a watermark the way Elasticsearch reads
// cluster.routing.allocation.disk.watermark.high: a percentage of the
// disk used ("90%"), a ratio ("0.9"), or the free space left ("50gb").
func ParseDiskWatermark(s string) (DiskWatermark, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	if p, ok := strings.CutSuffix(t, "%"); ok {
		f, err := strconv.ParseFloat(p, 64)
		if err != nil || f <= 0 || f > 100 {
			return DiskWatermark{}, fmt.Errorf("a percentage must be above 0%% and at most 100%%")
		}
		return DiskWatermark{UsedPercent: f}, nil
	}
	if f, err := strconv.ParseFloat(t, 64); err == nil {
		if f <= 0 || f > 1 {
			return DiskWatermark{}, fmt.Errorf("a ratio must be above 0 and at most 1")
		}
		return DiskWatermark{UsedPercent: math.Round(f*1e6) / 1e4}, nil
	}
	for _, u := range byteUnits {
		if n, ok := strings.CutSuffix(t, u.suffix); ok {
			f, err := strconv.ParseFloat(strings.TrimSpace(n), 64)
			if err != nil || f <= 0 || math.IsInf(f, 0) || f*float64(int64(1)<<u.shift) > math.MaxInt64/2 {
				break
			}
			return DiskWatermark{FreeBytes: int64(f * float64(int64(1)<<u.shift))}, nil
		}
	}
	return DiskWatermark{}, fmt.Errorf("must be a percentage (90%%), a ratio (0.9) or a free space (50gb)")
}

func validMonitoring(v *checker) field.ErrorList {
	m := v.c.Spec.Monitoring
	path := specPath.Child("monitoring")
	if !m.Enabled {
		if m.CredentialsSecret != "" || m.Image != "" || len(m.Labels) > 0 {
			return field.ErrorList{field.Invalid(path.Child("enabled"), false,
				"monitoring is off, so its other fields have no effect: set enabled: true, or remove them")}
		}
		return nil
	}
	var errs field.ErrorList
	// The exporter's node stats are parsed and tested against 5.x and
	// later (its fixtures start at 5.4), and the per-role alerts need
	// the roles list nodes report from 5.0.
	if v.versionOK && v.version.Major < 5 {
		errs = append(errs, field.Forbidden(path.Child("enabled"), fmt.Sprintf(
			"the elasticsearch_exporter supports Elasticsearch 5.0 and later, not %s: set enabled: false, and monitor this cluster from its _cluster/health API", v.version)))
	}
	switch {
	case strings.TrimSpace(m.Image) == "":
		errs = append(errs, field.Required(path.Child("image"), "an image reference, e.g. "+ExporterImage))
	case strings.ContainsFunc(m.Image, unicode.IsSpace):
		errs = append(errs, field.Invalid(path.Child("image"), m.Image, "an image reference has no white space"))
	}
	switch {
	case m.CredentialsSecret != "":
		errs = append(errs, validObjectName(m.CredentialsSecret, path.Child("credentialsSecret"))...)
		if !isTrue(v.c.Spec.Security.Enabled) {
			errs = append(errs, field.Invalid(path.Child("credentialsSecret"), m.CredentialsSecret,
				"has no effect while security is disabled: remove it"))
		}
	case isTrue(v.c.Spec.Security.Enabled):
		errs = append(errs, field.Required(path.Child("credentialsSecret"),
			`with security on, the exporter must log in: name an existing Secret with keys "username" and "password" of a user with the monitor cluster privilege (e.g. the role remote_monitoring_collector)`))
	}
	errs = append(errs, validResourceLists(&m.Resources, path.Child("resources"))...)
	errs = append(errs, validLabels(m.Labels, path.Child("labels"))...)
	a := m.Alerts
	ap := path.Child("alerts")
	errs = append(errs, validPromDuration(m.Interval, path.Child("interval"))...)
	for _, d := range []struct {
		name, value string
	}{
		{"redFor", a.RedFor}, {"yellowFor", a.YellowFor},
		{"nodesMissingFor", a.NodesMissingFor}, {"unassignedShardsFor", a.UnassignedShardsFor},
	} {
		errs = append(errs, validPromDuration(d.value, ap.Child(d.name))...)
	}
	if a.HeapPercent < 1 || a.HeapPercent > 100 {
		errs = append(errs, field.Invalid(ap.Child("heapPercent"), a.HeapPercent, "must be between 1 and 100"))
	}
	if _, err := ParseDiskWatermark(a.DiskWatermark); err != nil {
		errs = append(errs, field.Invalid(ap.Child("diskWatermark"), a.DiskWatermark, err.Error()))
	}
	return errs
}

func validPromDuration(s string, path *field.Path) field.ErrorList {
	if s == "" || s == "0" || !promDuration().MatchString(s) {
		return field.ErrorList{field.Invalid(path, s, "must be a Prometheus duration above 0, e.g. 30s, 10m or 1h")}
	}
	return nil
}
