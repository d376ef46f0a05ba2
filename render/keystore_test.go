package render_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/esgen/esgen/render"
)

// keystoreSpec is a cluster whose keystore holds two Secrets, the first
// with the given revision line (indented for its list item), or none.
func keystoreSpec(revision string) string {
	return head + `spec:
  version: 8.19.20
  security:
    elasticPasswordSecret: pw
    tls: {secretName: certs}
    secureSettings:
    - secretName: s3-credentials
` + revision + `    - secretName: gcs-credentials
  nodeSets:
  - {name: master, count: 3, roles: [master], resources: {memory: 2Gi}, storage: {size: 10Gi}}
  - {name: data, count: 3, roles: [data], resources: {memory: 8Gi}, storage: {size: 100Gi}}
  - {name: coord, count: 2, roles: [], resources: {memory: 2Gi}}
`
}

// TestSecureSettingsRevision: a keystore Secret's revision is on every
// Elasticsearch pod template, so that rotating the Secret and bumping its
// revision marks every pod stale, and nothing else in the output changes.
func TestSecureSettingsRevision(t *testing.T) {
	_, none, noneOut := renderSpec(t, keystoreSpec(""))
	for _, sts := range none.statefulSets {
		if v, ok := sts.Spec.Template.Annotations[render.SecureSettingsRevisionAnnotation]; ok {
			t.Errorf("%s: %s=%q without a revision", sts.Name, render.SecureSettingsRevisionAnnotation, v)
		}
	}

	_, first, firstOut := renderSpec(t, keystoreSpec("      revision: \"2026-12-02\"\n"))
	_, second, secondOut := renderSpec(t, keystoreSpec("      revision: \"2027-03-01\"\n"))
	for i, sts := range first.statefulSets {
		if got, want := sts.Spec.Template.Annotations[render.SecureSettingsRevisionAnnotation], "s3-credentials=2026-12-02"; got != want {
			t.Errorf("%s: %s=%q, want %q", sts.Name, render.SecureSettingsRevisionAnnotation, got, want)
		}
		if got, want := second.statefulSets[i].Spec.Template.Annotations[render.SecureSettingsRevisionAnnotation], "s3-credentials=2027-03-01"; got != want {
			t.Errorf("%s: %s=%q, want %q", sts.Name, render.SecureSettingsRevisionAnnotation, got, want)
		}
	}
	if len(first.statefulSets) != 3 {
		t.Fatalf("%d StatefulSets, want 3", len(first.statefulSets))
	}

	// Only the annotation differs between renders.
	annotation := func(rev string) string {
		return "        " + render.SecureSettingsRevisionAnnotation + ": s3-credentials=" + rev + "\n"
	}
	if got := strings.ReplaceAll(firstOut, annotation("2026-12-02"), ""); got != noneOut {
		t.Errorf("a revision changes more than its annotation (-none +revision):\n%s", cmp.Diff(noneOut, got))
	}
	if got := strings.ReplaceAll(secondOut, annotation("2027-03-01"), annotation("2026-12-02")); got != firstOut {
		t.Errorf("a new revision changes more than its annotation (-old +new):\n%s", cmp.Diff(firstOut, got))
	}
	if n := strings.Count(firstOut, annotation("2026-12-02")); n != 3 {
		t.Errorf("the annotation is on %d objects, want the 3 pod templates", n)
	}
}

// TestSecureSettingsRevisions lists every source's revision, in spec
// order, and leaves out the sources without one.
func TestSecureSettingsRevisions(t *testing.T) {
	_, m, _ := renderSpec(t, head+`spec:
  version: 7.17.29
  security:
    enabled: false
    secureSettings:
    - {secretName: s3-credentials, revision: r2}
    - {secretName: azure}
    - {secretName: gcs-credentials, revision: "7"}
  nodeSets:
  - {name: default, count: 3, resources: {memory: 4Gi}, storage: {size: 10Gi}}
`)
	got := m.statefulSets[0].Spec.Template.Annotations[render.SecureSettingsRevisionAnnotation]
	if want := "s3-credentials=r2,gcs-credentials=7"; got != want {
		t.Errorf("%s=%q, want %q", render.SecureSettingsRevisionAnnotation, got, want)
	}
}
