package kpatch_test

import (
	"testing"

	"github.com/esgen/esgen/render/kpatch"
)

// patchCases are patches users write against esgen's objects, and the
// corners of kustomize's merge; each runs against every example and must
// give kustomize's objects, or be refused where kustomize refuses it.
var patchCases = []struct {
	name   string
	target *kpatch.Target
	patch  string
}{
	{"env added to a container", &kpatch.Target{Kind: "StatefulSet"}, `
kind: StatefulSet
metadata: {name: any}
spec:
  template:
    spec:
      containers:
      - name: elasticsearch
        env:
        - {name: TZ, value: UTC}
        - {name: ES_JAVA_OPTS, value: "-Xms1g"}`},
	{"sidecar container", &kpatch.Target{Kind: "StatefulSet", Name: ".*-master"}, `
kind: StatefulSet
metadata: {name: x}
spec:
  template:
    spec:
      containers:
      - name: sidecar
        image: busybox
        ports: [{containerPort: 9114}]`},
	{"container list replaced", &kpatch.Target{Kind: "StatefulSet"}, `
kind: StatefulSet
metadata: {name: x}
spec:
  template:
    spec:
      containers:
      - $patch: replace
      - {name: only, image: busybox}`},
	{"init container deleted", &kpatch.Target{Kind: "StatefulSet"}, `
kind: StatefulSet
metadata: {name: x}
spec:
  template:
    spec:
      initContainers:
      - {name: sysctl, $patch: delete}`},
	{"affinity cleared", &kpatch.Target{Kind: "StatefulSet"}, `
kind: StatefulSet
metadata: {name: x}
spec: {template: {spec: {affinity: null, tolerations: [{key: dedicated, operator: Exists}]}}}`},
	{"resources replaced", &kpatch.Target{Kind: "StatefulSet", Name: "logs-es-data"}, `
kind: StatefulSet
metadata: {name: x}
spec:
  template:
    spec:
      containers:
      - name: elasticsearch
        resources:
          $patch: replace
          limits: {memory: 4Gi}`},
	{"container ports by port and protocol", &kpatch.Target{Kind: "StatefulSet"}, `
kind: StatefulSet
metadata: {name: x}
spec:
  template:
    spec:
      containers:
      - name: elasticsearch
        ports:
        - {containerPort: 9200, protocol: UDP, name: udp}
        - {containerPort: 9300, name: renamed}
        - {containerPort: 9600}`},
	{"service port", &kpatch.Target{Kind: "Service", Name: ".*-http"}, `
kind: Service
metadata: {name: x}
spec:
  type: NodePort
  ports:
  - {port: 9200, nodePort: 30920}`},
	{"service by name", nil, `
apiVersion: v1
kind: Service
metadata: {name: logs-es-http, namespace: search}
spec: {type: LoadBalancer, loadBalancerSourceRanges: [10.0.0.0/8]}`},
	{"two objects by name", nil, `
apiVersion: v1
kind: Service
metadata: {name: logs-es-http, namespace: search}
metadata: {name: logs-es-http, namespace: search}
spec: {type: LoadBalancer}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: logs-es-master, namespace: search}
spec: {replicas: 5}`},
	{"by name in the default namespace", nil, `
apiVersion: v1
kind: Service
metadata: {name: logs-es-http}
spec: {type: LoadBalancer}`},
	{"by name, other namespace", nil, `
apiVersion: v1
kind: Service
metadata: {name: logs-es-http, namespace: elsewhere}
spec: {type: LoadBalancer}`},
	{"object deleted by name", nil, `
apiVersion: v1
kind: Service
metadata: {name: logs-es-http, namespace: search}
$patch: delete`},
	{"objects deleted by target", &kpatch.Target{Kind: "PodDisruptionBudget"}, `
kind: PodDisruptionBudget
metadata: {name: x}
$patch: delete`},
	{"finalizers merged", &kpatch.Target{Kind: "ConfigMap"}, `
kind: ConfigMap
metadata: {name: x, finalizers: [a, b, a], labels: {team: search}}
data: {extra: "1"}`},
	{"custom resource lists replaced", &kpatch.Target{Kind: "ServiceMonitor|PrometheusRule"}, `
kind: ServiceMonitor
metadata: {name: x}
spec:
  endpoints:
  - {port: metrics, interval: 10s}`},
	{"volume claim templates replaced", &kpatch.Target{Kind: "StatefulSet"}, `
kind: StatefulSet
metadata: {name: x}
spec:
  volumeClaimTemplates:
  - metadata: {name: data}
    spec: {storageClassName: fast, accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Ti}}}`},
	{"label selector", &kpatch.Target{LabelSelector: "app.kubernetes.io/component in (master,data)"}, `
kind: Anything
metadata: {name: x, labels: {patched: "yes"}}`},
	{"annotation selector", &kpatch.Target{AnnotationSelector: "!nothing"}, `
kind: Anything
metadata: {name: x, annotations: {patched: "yes"}}`},
	{"name, namespace and kind kept", &kpatch.Target{Kind: "Service", Name: "logs-es-master"}, `
apiVersion: v9
kind: Other
metadata: {name: renamed, namespace: moved, labels: {a: b}}`},
	{"group and version", &kpatch.Target{Group: "apps", Version: "v1"}, `
kind: X
metadata: {name: x, labels: {apps: "true"}}`},
	{"volumes and mounts", &kpatch.Target{Kind: "StatefulSet"}, `
kind: StatefulSet
metadata: {name: x}
spec:
  template:
    spec:
      volumes:
      - {name: extra, emptyDir: {}}
      containers:
      - name: elasticsearch
        volumeMounts:
        - {name: extra, mountPath: /extra}
        - {name: other, mountPath: /usr/share/elasticsearch/data, readOnly: true}`},
	{"env without a name", &kpatch.Target{Kind: "StatefulSet"}, `
kind: StatefulSet
metadata: {name: x}
spec:
  template:
    spec:
      containers:
      - name: elasticsearch
        env:
        - {value: orphan}`},
	{"container without a name", &kpatch.Target{Kind: "StatefulSet"}, `
kind: StatefulSet
metadata: {name: x}
spec:
  template:
    spec:
      containers:
      - {image: busybox}`},
	{"list directive merge", &kpatch.Target{Kind: "StatefulSet"}, `
kind: StatefulSet
metadata: {name: x}
spec:
  template:
    spec:
      containers:
      - $patch: merge
      - {name: elasticsearch, image: other}`},
	{"map directive merge", &kpatch.Target{Kind: "Service"}, `
kind: Service
metadata: {name: x}
spec: {$patch: merge, publishNotReadyAddresses: true}`},
	{"map directive delete", &kpatch.Target{Kind: "StatefulSet"}, `
kind: StatefulSet
metadata: {name: x}
spec: {template: {spec: {securityContext: {$patch: delete}}}}`},
	{"added map with a null inside", &kpatch.Target{Kind: "Service"}, `
kind: Service
metadata: {name: x}
spec: {sessionAffinityConfig: {clientIP: null}, extra: {a: null, b: 1}}`},
	{"anchors", &kpatch.Target{Kind: "ConfigMap"}, `
kind: ConfigMap
metadata: {name: x, labels: &l {a: b}, annotations: *l}`},
	{"topology spread constraints", &kpatch.Target{Kind: "StatefulSet"}, `
kind: StatefulSet
metadata: {name: x}
spec:
  template:
    spec:
      topologySpreadConstraints:
      - {topologyKey: topology.kubernetes.io/zone, whenUnsatisfiable: DoNotSchedule, maxSkew: 1}
      - {topologyKey: kubernetes.io/hostname, maxSkew: 2}`},
	{"numbers and strings", &kpatch.Target{Kind: "StatefulSet"}, `
kind: StatefulSet
metadata: {name: x, annotations: {n: "1", t: "true"}}
spec: {replicas: 7, template: {spec: {terminationGracePeriodSeconds: 1.0e2}}}`},

	// Refused.
	{"wrong type", &kpatch.Target{Kind: "StatefulSet"}, `
kind: StatefulSet
metadata: {name: x}
spec: {template: {spec: {containers: {name: x}}}}`},
	{"scalar for a map", &kpatch.Target{Kind: "Service"}, `
kind: Service
metadata: {name: x}
spec: 5`},
	{"unknown directive", &kpatch.Target{Kind: "Service"}, `
kind: Service
metadata: {name: x}
spec: {$patch: bogus}`},
	{"no name", &kpatch.Target{Kind: "Service"}, `
kind: Service
spec: {type: NodePort}`},
	{"no kind", &kpatch.Target{Kind: "Service"}, `
metadata: {name: x}
spec: {type: NodePort}`},
	{"two documents with a target", &kpatch.Target{Kind: "Service"}, `
kind: Service
metadata: {name: x}
---
kind: Service
metadata: {name: y}`},
	{"bad name pattern", &kpatch.Target{Name: "("}, `
kind: Service
metadata: {name: x}`},
	{"bad label selector", &kpatch.Target{LabelSelector: "a in ("}, `
kind: Service
metadata: {name: x}`},
	{"unmatched by name", nil, `
apiVersion: v1
kind: Service
metadata: {name: nothing}`},
	{"a list of patches", &kpatch.Target{Kind: "Service"}, `
apiVersion: v1
kind: List
items:
- kind: Service
  metadata: {name: x}`},

	// JSON 6902.
	{"json add", &kpatch.Target{Kind: "StatefulSet"}, `
- op: add
  path: /spec/template/spec/dnsConfig
  value: {options: [{name: ndots, value: "2"}]}`},
	{"json in JSON", &kpatch.Target{Kind: "Service", Name: ".*-http"}, `[{"op": "replace", "path": "/spec/type", "value": "NodePort"}, {"op": "add", "path": "/metadata/labels/x", "value": "1"}]`},
	{"json remove, move, copy, test", &kpatch.Target{Kind: "ConfigMap"}, `
- {op: test, path: /kind, value: ConfigMap}
- {op: copy, from: /metadata/name, path: /metadata/labels/copied}
- {op: move, from: /metadata/labels/copied, path: /metadata/annotations}
- {op: remove, path: /metadata/annotations}`},
	{"json failing test", &kpatch.Target{Kind: "ConfigMap"}, `
- {op: test, path: /kind, value: Secret}`},
	{"json missing path", &kpatch.Target{Kind: "Service"}, `
- {op: replace, path: /spec/nothing/here, value: 1}`},
	{"json without target", nil, `
- {op: add, path: /metadata/labels/x, value: "1"}`},
	{"json bad op", &kpatch.Target{Kind: "Service"}, `
- {op: bogus, path: /x}`},
	{"json numbers", &kpatch.Target{Kind: "StatefulSet"}, `
- {op: replace, path: /spec/replicas, value: 9.0}
- {op: add, path: /metadata/annotations/big, value: "12345678901234567890"}`},
	{"neither", &kpatch.Target{Kind: "Service"}, `just a string`},
}

// TestMatchesKustomize runs every case on every example's objects
// through kpatch and through kustomize.
func TestMatchesKustomize(t *testing.T) {
	streams := exampleStreams(t)
	for _, tc := range patchCases {
		t.Run(tc.name, func(t *testing.T) {
			for name, stream := range streams {
				var target *kpatch.Target
				if tc.target != nil {
					c := *tc.target
					target = &c
				}
				if err := compare(stream, tc.patch, target); err != nil {
					t.Errorf("%s: %v", name, err)
				}
			}
		})
	}
}
