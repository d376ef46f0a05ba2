package render_test

import (
	"fmt"
	"log"
	"strings"

	appsv1 "k8s.io/api/apps/v1"

	"github.com/esgen/esgen/esspec"
	"github.com/esgen/esgen/render"
)

const exampleSpec = `
apiVersion: esgen.dev/v1alpha1
kind: ElasticsearchCluster
metadata:
  name: logs
  namespace: search
spec:
  version: 8.19.20
  security:
    elasticPasswordSecret: logs-es-elastic-password
    tls: {secretName: logs-es-certs}
  nodeSets:
  - {name: master, count: 3, roles: [master], resources: {memory: 4Gi}, storage: {size: 10Gi}}
  - {name: data, count: 2, roles: [data, ingest], resources: {memory: 32Gi}, storage: {size: 10Gi}}
`

// Render a spec into typed Kubernetes objects, as a tool that post-processes
// them would.
func ExampleRender() {
	c, err := esspec.Load(strings.NewReader(exampleSpec))
	if err != nil {
		log.Fatal(err)
	}
	esspec.SetDefaults(c)
	errs, warnings := esspec.Validate(c)
	if len(errs) > 0 {
		log.Fatal(errs.ToAggregate())
	}
	for _, w := range warnings {
		fmt.Println("warning:", w.Field, w.Detail)
	}
	objs, err := render.Render(c)
	if err != nil {
		log.Fatal(err)
	}
	for _, obj := range objs {
		fmt.Println(obj.GetObjectKind().GroupVersionKind().Kind, obj.GetName())
		if sts, ok := obj.(*appsv1.StatefulSet); ok {
			fmt.Println("  heap:", sts.Spec.Template.Spec.Containers[0].Env[2].Value)
		}
	}
	// Output:
	// ConfigMap logs-es-data-config
	// ConfigMap logs-es-master-config
	// Service logs-es-data
	// Service logs-es-discovery
	// Service logs-es-http
	// Service logs-es-master
	// PodDisruptionBudget logs-es-stateful
	// StatefulSet logs-es-master
	//   heap: -Xms2g -Xmx2g
	// StatefulSet logs-es-data
	//   heap: -Xms16g -Xmx16g
}

// Write the manifests exactly as esgen render prints them.
func ExampleObjects_YAML() {
	c, err := esspec.Load(strings.NewReader(exampleSpec))
	if err != nil {
		log.Fatal(err)
	}
	esspec.SetDefaults(c)
	objs, err := render.Render(c)
	if err != nil {
		log.Fatal(err) // an *esspec.InvalidError lists every field to fix
	}
	out, err := objs.YAML()
	if err != nil {
		log.Fatal(err)
	}
	first, _, _ := strings.Cut(string(out), "---\n")
	fmt.Print(first)
	// Output:
	// apiVersion: v1
	// data:
	//   elasticsearch.yml: |
	//     cluster.name: logs
	//     discovery.seed_hosts:
	//     - logs-es-discovery
	//     network.host: 0.0.0.0
	//     network.publish_host: ${POD_IP}
	//     node.name: ${POD_NAME}
	//     node.roles:
	//     - data
	//     - ingest
	//     readiness.port: 9400
	//     xpack.security.enabled: true
	//     xpack.security.http.ssl.certificate: certs/tls.crt
	//     xpack.security.http.ssl.certificate_authorities:
	//     - certs/ca.crt
	//     xpack.security.http.ssl.enabled: true
	//     xpack.security.http.ssl.key: certs/tls.key
	//     xpack.security.transport.ssl.certificate: certs/tls.crt
	//     xpack.security.transport.ssl.certificate_authorities:
	//     - certs/ca.crt
	//     xpack.security.transport.ssl.enabled: true
	//     xpack.security.transport.ssl.key: certs/tls.key
	//     xpack.security.transport.ssl.verification_mode: certificate
	//   health-target: green
	// kind: ConfigMap
	// metadata:
	//   labels:
	//     app.kubernetes.io/component: data
	//     app.kubernetes.io/instance: logs
	//     app.kubernetes.io/managed-by: esgen
	//     app.kubernetes.io/name: elasticsearch
	//     app.kubernetes.io/version: 8.19.20
	//     esgen.dev/cluster: logs
	//     esgen.dev/node-set: data
	//   name: logs-es-data-config
	//   namespace: search
}
