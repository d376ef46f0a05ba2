package esspec_test

import (
	"errors"
	"fmt"
	"strings"

	"github.com/esgen/esgen/esspec"
)

// Load refuses unknown keys and wrong types, naming the line and field.
func ExampleLoad() {
	_, err := esspec.Load(strings.NewReader(`
apiVersion: esgen.dev/v1alpha1
kind: ElasticsearchCluster
metadata: {name: logs}
spec:
  version: 8.19.20
  nodeSets:
  - name: data
    count: "3"
    rolez: [data]
`))
	var le *esspec.LoadError
	if errors.As(err, &le) {
		for _, p := range le.Problems {
			fmt.Println(p)
		}
	}
	// Output:
	// line 9: spec.nodeSets[0].count: must be an integer, not the string "3"
	// line 10: spec.nodeSets[0].rolez: unknown field: did you mean "roles"?
}

// Validate returns every error and warning with the path of the field to
// change; LineOf finds the field in the loaded file.
func ExampleValidate() {
	c, err := esspec.Load(strings.NewReader(`
apiVersion: esgen.dev/v1alpha1
kind: ElasticsearchCluster
metadata: {name: logs}
spec:
  version: 8.19.20
  security: {enabled: false}
  nodeSets:
  - name: master
    count: 2
    roles: [master]
    resources: {memory: 16Gi}
    heap: 40g
    storage: {size: 100Gi}
`))
	if err != nil {
		panic(err)
	}
	esspec.SetDefaults(c)
	errs, warnings := esspec.Validate(c)
	for _, e := range errs {
		fmt.Printf("error, line %d: %s\n", c.LineOf(e.Field), e)
	}
	for _, w := range warnings {
		fmt.Printf("warning, line %d: %s: %s\n", c.LineOf(w.Field), w.Field, w.Detail)
	}
	// Output:
	// error, line 13: spec.nodeSets[0].heap: Invalid value: "40g": must not exceed 32g: above it the JVM loses compressed object pointers; use 31g or less
	// error, line 13: spec.nodeSets[0].heap: Invalid value: "40g": must be below the memory limit 16Gi: the container would be killed; use half of it
	// warning, line 10: spec.nodeSets[0].count: 2 master-eligible nodes tolerate 0 failed master(s), no more than 1 would: use an odd number
}
