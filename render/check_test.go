package render_test

import (
	"strings"
	"testing"

	"github.com/esgen/esgen/bootstrap"
	"github.com/esgen/esgen/render"
)

// TestCheckExamples: no example breaks a bootstrap check, and each report
// holds the rows of its version.
func TestCheckExamples(t *testing.T) {
	rows := map[int]int{2: 0, 5: 12, 6: 15, 7: 16, 8: 15, 9: 15}
	for _, path := range examplePaths(t) {
		c := loadSpec(t, path)
		r, err := render.Check(c)
		if err != nil {
			t.Fatal(err)
		}
		if r.Failed() {
			t.Errorf("%s fails a bootstrap check: %+v", exampleName(path), r.Results)
		}
		major := int(c.Spec.Version[0] - '0')
		if len(r.Results) != rows[major] {
			t.Errorf("%s: %d rows, want %d", exampleName(path), len(r.Results), rows[major])
		}
	}
}

// TestCheckSeesRenderedEnv: a nodeSet's ES_JAVA_OPTS reaches the pods and
// the report, which names the env entry to change.
func TestCheckSeesRenderedEnv(t *testing.T) {
	c, _, _ := renderSpec(t, head+`spec:
  version: 8.19.20
  security: {enabled: false}
  nodeSets:
  - {name: master, count: 3, roles: [master], resources: {memory: 2Gi}, storage: {size: 10Gi}}
  - name: data
    count: 2
    roles: [data]
    resources: {memory: 8Gi}
    storage: {size: 10Gi}
    env: [{name: TZ, value: UTC}, {name: ES_JAVA_OPTS, value: -Xms2g}]
`)
	r, err := render.Check(c)
	if err != nil {
		t.Fatal(err)
	}
	got := r.Results[0]
	if got.Check != "heap size" || got.Verdict != bootstrap.VerdictFail || got.Field != "spec.nodeSets[1].env[1]" ||
		!strings.Contains(got.Detail, "-Xms2g and -Xmx4g") {
		t.Errorf("heap row %+v", got)
	}
	var b strings.Builder
	if err := render.WriteCheckTable(&b, r); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "heap size ") || !strings.Contains(b.String(), "(change spec.nodeSets[1].env[1])") {
		t.Errorf("table:\n%s", b.String())
	}
}
