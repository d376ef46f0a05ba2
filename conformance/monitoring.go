package conformance

import (
	"encoding/json"
	"fmt"
	"regexp"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/validation/field"
	sigsjson "sigs.k8s.io/json"
)

// promDuration is the pattern the Prometheus Operator's CRDs put on
// every Duration field (the kubebuilder marker of monitoringv1.Duration),
// which the API server enforces and the Go type does not.
var promDuration = regexp.MustCompile(`^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$`)

// validateMonitoring decodes a ServiceMonitor or PrometheusRule strictly
// into the Prometheus Operator's Go types, as the API server would reject
// a field its CRD does not have, and checks what those types leave to
// the CRD's schema: durations, required fields, and that a rule is an
// alert or a recording rule with an expression.
func validateMonitoring(in runtime.Object) []Finding {
	id := objectID(in)
	data, err := json.Marshal(in)
	if err != nil {
		return []Finding{{Object: id, Errors: field.ErrorList{field.InternalError(nil, err)}}}
	}
	var errs field.ErrorList
	strict := func(into any) {
		strictErrs, err := sigsjson.UnmarshalStrict(data, into)
		if err != nil {
			errs = append(errs, field.Invalid(nil, nil, err.Error()))
		}
		for _, e := range strictErrs {
			errs = append(errs, field.Invalid(nil, nil, "strict decoding: "+e.Error()))
		}
	}
	duration := func(d monitoringv1.Duration, path *field.Path) {
		if d != "" && !promDuration.MatchString(string(d)) {
			errs = append(errs, field.Invalid(path, d, "must be a Prometheus duration"))
		}
	}
	switch kind := in.GetObjectKind().GroupVersionKind().Kind; kind {
	case monitoringv1.ServiceMonitorsKind:
		var sm monitoringv1.ServiceMonitor
		strict(&sm)
		spec := field.NewPath("spec")
		if len(sm.Spec.Endpoints) == 0 {
			errs = append(errs, field.Required(spec.Child("endpoints"), ""))
		}
		for i, e := range sm.Spec.Endpoints {
			p := spec.Child("endpoints").Index(i)
			duration(e.Interval, p.Child("interval"))
			duration(e.ScrapeTimeout, p.Child("scrapeTimeout"))
			if e.Port == "" && e.TargetPort == nil {
				errs = append(errs, field.Required(p.Child("port"), "a port name or targetPort"))
			}
		}
	case monitoringv1.PrometheusRuleKind:
		var pr monitoringv1.PrometheusRule
		strict(&pr)
		for i, g := range pr.Spec.Groups {
			gp := field.NewPath("spec", "groups").Index(i)
			if g.Name == "" {
				errs = append(errs, field.Required(gp.Child("name"), ""))
			}
			for j, r := range g.Rules {
				rp := gp.Child("rules").Index(j)
				if (r.Alert == "") == (r.Record == "") {
					errs = append(errs, field.Invalid(rp, r.Alert+r.Record, "a rule is an alert or a recording rule"))
				}
				if r.Expr.String() == "" {
					errs = append(errs, field.Required(rp.Child("expr"), ""))
				}
				if r.For != nil {
					duration(*r.For, rp.Child("for"))
				}
			}
		}
	default:
		errs = append(errs, field.InternalError(nil, fmt.Errorf("no check for %s", kind)))
	}
	if len(errs) == 0 {
		return nil
	}
	return []Finding{{Object: id, Errors: errs}}
}
