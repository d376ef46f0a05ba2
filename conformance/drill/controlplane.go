// Package drill runs esgen's rendered objects on Kubernetes' own control
// plane, in one process: embedded etcd, the API server, the scheduler and
// the StatefulSet, disruption and PersistentVolume controllers, wired as
// Kubernetes' test/integration suites wire them. Only the kubelet and
// Elasticsearch are stand-ins (see Kubelet and Health): the pods never run,
// but every placement, every claim binding, every eviction and every pod
// the StatefulSet controller replaces is decided by Kubernetes' code.
//
// The drills (Placement, Loss, Drain, Rollout) answer what a platform team
// asks before applying a spec: where the pods go on a fleet of servers,
// what losing a rack or a server costs, whether draining nodes can take
// down two copies of a shard, and whether esgen's rollout restarts one
// stateful pod at a time.
package drill

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"path"
	"strconv"
	"sync"
	"time"

	"go.etcd.io/etcd/server/v3/embed"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/apiserver/pkg/storage/storagebackend"
	cacheddiscovery "k8s.io/client-go/discovery/cached/memory"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/informers"
	clientset "k8s.io/client-go/kubernetes"
	restclient "k8s.io/client-go/rest"
	"k8s.io/client-go/restmapper"
	"k8s.io/client-go/scale"
	"k8s.io/client-go/tools/events"
	"k8s.io/klog/v2"
	kubeapiservertesting "k8s.io/kubernetes/cmd/kube-apiserver/app/testing"
	"k8s.io/kubernetes/pkg/controller/deployment"
	"k8s.io/kubernetes/pkg/controller/disruption"
	"k8s.io/kubernetes/pkg/controller/replicaset"
	"k8s.io/kubernetes/pkg/controller/statefulset"
	"k8s.io/kubernetes/pkg/controller/volume/persistentvolume"
	"k8s.io/kubernetes/pkg/scheduler"
	"k8s.io/kubernetes/pkg/scheduler/profile"
	"k8s.io/kubernetes/test/utils/ktesting"
)

// ControlPlane is a running, in-process Kubernetes control plane without
// kubelets. Start one per process: starting takes a few seconds, and
// drills share it, each in namespaces and on nodes of its own.
type ControlPlane struct {
	// Client talks to the API server with full rights.
	Client clientset.Interface
	// Config is the REST configuration of Client.
	Config *restclient.Config

	stop    func()
	kubelet *kubelet
	mapper  *restmapper.DeferredDiscoveryRESTMapper
	dynamic dynamic.Interface
	// turn is held by the one deployment that runs (see Deploy).
	turn chan struct{}
	seq  int
	// nodeNames counts the deployments that named a node so (nodeName).
	nodeNames map[string]int
}

// apiServerFlags are those of Kubernetes' integration tests, plus
// TaintNodesByCondition off: no node lifecycle controller runs to lift the
// not-ready taint that plugin puts on every new Node, and nothing would
// schedule; and StorageObjectInUseProtection off: no protection
// controller runs to lift the finalizers it puts on claims and volumes,
// and a deleted deployment's would never go.
var apiServerFlags = []string{
	"--endpoint-reconciler-type=none",
	// As kubeadm, kind and managed clusters: esgen's sysctl init
	// container is privileged where a spec asks for it.
	"--allow-privileged=true",
	"--disable-admission-plugins=ServiceAccount,TaintNodesByCondition,StorageObjectInUseProtection",
}

// Start starts etcd, the API server, the scheduler and the controllers.
// Their logs go to logs (io.Discard to silence them). Stop the control
// plane with Stop.
func Start(ctx context.Context, logs io.Writer) (cp *ControlPlane, err error) {
	quietKlog(logs)
	tb := &harnessTB{logs: logs}
	defer func() {
		if r := recover(); r != nil {
			if f, ok := r.(harnessFatal); ok {
				tb.cleanup()
				cp, err = nil, errors.New(string(f))
				return
			}
			panic(r)
		}
		if err != nil {
			tb.cleanup()
		}
	}()

	dir, err := os.MkdirTemp("", "esgen-drill-etcd")
	if err != nil {
		return nil, err
	}
	tb.Cleanup(func() { os.RemoveAll(dir) })
	etcdURL, stopEtcd, err := startEtcd(dir, logs)
	if err != nil {
		return nil, err
	}
	tb.Cleanup(stopEtcd)

	storage := storagebackend.NewDefaultConfig(path.Join("esgen-drill", "registry"), nil)
	storage.Transport.ServerList = []string{etcdURL}
	opts := kubeapiservertesting.NewDefaultTestServerOptions()
	server, err := kubeapiservertesting.StartTestServer(tb, opts, apiServerFlags, storage)
	if err != nil {
		return nil, fmt.Errorf("starting the API server: %w", err)
	}
	tb.Cleanup(server.TearDownFn)
	config := restclient.CopyConfig(server.ClientConfig)
	// The drills create and watch many objects at once: the default
	// client-side rate limit (5 QPS) would be the slowest part of a drill.
	config.QPS, config.Burst = 1000, 2000
	client, err := clientset.NewForConfig(config)
	if err != nil {
		return nil, err
	}

	cctx, cancel := context.WithCancel(ctx)
	tb.Cleanup(cancel)
	if err := startControllers(cctx, config, client); err != nil {
		return nil, err
	}
	if err := startScheduler(cctx, config, client); err != nil {
		return nil, err
	}
	k, err := startKubelet(cctx, client)
	if err != nil {
		return nil, err
	}
	dyn, err := dynamic.NewForConfig(config)
	if err != nil {
		return nil, err
	}
	mapper := restmapper.NewDeferredDiscoveryRESTMapper(cacheddiscovery.NewMemCacheClient(client.Discovery()))
	return &ControlPlane{Client: client, Config: config, stop: tb.cleanup, kubelet: k, mapper: mapper, dynamic: dyn, turn: make(chan struct{}, 1), nodeNames: map[string]int{}}, nil
}

// Stop stops the control plane and removes its files.
func (cp *ControlPlane) Stop() { cp.stop() }

// startEtcd starts a single-member etcd in dir on free loopback ports and
// returns its client URL.
func startEtcd(dir string, logs io.Writer) (string, func(), error) {
	ports, err := freePorts(2)
	if err != nil {
		return "", nil, err
	}
	cfg := embed.NewConfig()
	// A throwaway member: fsync buys nothing and costs most of etcd's time.
	cfg.UnsafeNoFsync = true
	client := url.URL{Scheme: "http", Host: net.JoinHostPort("127.0.0.1", strconv.Itoa(ports[0]))}
	peer := url.URL{Scheme: "http", Host: net.JoinHostPort("127.0.0.1", strconv.Itoa(ports[1]))}
	cfg.ListenClientUrls, cfg.AdvertiseClientUrls = []url.URL{client}, []url.URL{client}
	cfg.ListenPeerUrls, cfg.AdvertisePeerUrls = []url.URL{peer}, []url.URL{peer}
	cfg.InitialCluster = cfg.InitialClusterFromName(cfg.Name)
	cfg.Dir = dir
	cfg.ZapLoggerBuilder = embed.NewZapLoggerBuilder(zap.New(zapcore.NewCore(
		zapcore.NewConsoleEncoder(zap.NewDevelopmentEncoderConfig()), zapcore.AddSync(logs), zapcore.ErrorLevel)))
	e, err := embed.StartEtcd(cfg)
	if err != nil {
		return "", nil, fmt.Errorf("starting etcd: %w", err)
	}
	select {
	case <-e.Server.ReadyNotify():
	case <-time.After(60 * time.Second):
		e.Close()
		return "", nil, errors.New("etcd did not start in 60s")
	}
	return client.String(), e.Close, nil
}

func freePorts(n int) ([]int, error) {
	var ports []int
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		defer l.Close()
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

// startControllers runs the StatefulSet, Deployment, ReplicaSet,
// disruption and PersistentVolume controllers, as kube-controller-manager
// would.
func startControllers(ctx context.Context, config *restclient.Config, client clientset.Interface) error {
	named := func(name string) clientset.Interface {
		return clientset.NewForConfigOrDie(restclient.AddUserAgent(config, name))
	}
	factory := informers.NewSharedInformerFactory(named("drill-informers"), 0)

	sts := statefulset.NewStatefulSetController(ctx,
		factory.Core().V1().Pods(),
		factory.Apps().V1().StatefulSets(),
		factory.Core().V1().PersistentVolumeClaims(),
		factory.Apps().V1().ControllerRevisions(),
		named("statefulset-controller"),
	)

	deployments, err := deployment.NewDeploymentController(ctx,
		factory.Apps().V1().Deployments(),
		factory.Apps().V1().ReplicaSets(),
		factory.Core().V1().Pods(),
		named("deployment-controller"),
	)
	if err != nil {
		return err
	}
	replicaSets := replicaset.NewReplicaSetController(ctx,
		factory.Apps().V1().ReplicaSets(),
		factory.Core().V1().Pods(),
		named("replicaset-controller"),
		replicaset.BurstReplicas,
	)

	pdbClient := named("disruption-controller")
	mapper := restmapper.NewDeferredDiscoveryRESTMapper(cacheddiscovery.NewMemCacheClient(pdbClient.Discovery()))
	scales, err := scale.NewForConfig(config, mapper, dynamic.LegacyAPIPathResolverFunc, scale.NewDiscoveryScaleKindResolver(pdbClient.Discovery()))
	if err != nil {
		return err
	}
	pdb := disruption.NewDisruptionController(ctx,
		factory.Core().V1().Pods(),
		factory.Policy().V1().PodDisruptionBudgets(),
		factory.Core().V1().ReplicationControllers(),
		factory.Apps().V1().ReplicaSets(),
		factory.Apps().V1().Deployments(),
		factory.Apps().V1().StatefulSets(),
		pdbClient, mapper, scales, pdbClient.Discovery(),
	)

	pv, err := persistentvolume.NewController(ctx, persistentvolume.ControllerParameters{
		KubeClient: named("persistent-volume-binder"),
		// kube-controller-manager's default; conflicts retry on resync.
		SyncPeriod:     15 * time.Second,
		VolumeInformer: factory.Core().V1().PersistentVolumes(),
		ClaimInformer:  factory.Core().V1().PersistentVolumeClaims(),
		ClassInformer:  factory.Storage().V1().StorageClasses(),
		PodInformer:    factory.Core().V1().Pods(),
		NodeInformer:   factory.Core().V1().Nodes(),
	})
	if err != nil {
		return err
	}

	factory.Start(ctx.Done())
	go sts.Run(ctx, 5)
	go deployments.Run(ctx, 5)
	go replicaSets.Run(ctx, 5)
	go pdb.Run(ctx)
	go pv.Run(ctx)
	// The disruption controller reads the API's resources to find a
	// pod's controller; wait until it sees StatefulSets.
	return wait.PollUntilContextTimeout(ctx, 100*time.Millisecond, 30*time.Second, true, func(context.Context) (bool, error) {
		_, err := mapper.RESTMapping(appsStatefulSet.GroupKind(), appsStatefulSet.Version)
		if err != nil {
			mapper.Reset()
		}
		return err == nil, nil
	})
}

// startScheduler runs kube-scheduler's default profile.
func startScheduler(ctx context.Context, config *restclient.Config, client clientset.Interface) error {
	schedClient := clientset.NewForConfigOrDie(restclient.AddUserAgent(config, "scheduler"))
	factory := scheduler.NewInformerFactory(schedClient, 0)
	broadcaster := events.NewBroadcaster(&events.EventSinkImpl{Interface: schedClient.EventsV1()})
	broadcaster.StartRecordingToSink(ctx.Done())
	go func() { <-ctx.Done(); broadcaster.Shutdown() }()
	sched, err := scheduler.New(ctx, schedClient, factory, nil, profile.NewRecorderFactory(broadcaster),
		scheduler.WithKubeConfig(config),
		// Back off little: a drill frees room (a node uncordoned, a
		// pod deleted) and waits for the pod that needed it.
		scheduler.WithPodInitialBackoffSeconds(1),
		scheduler.WithPodMaxBackoffSeconds(2),
	)
	if err != nil {
		return fmt.Errorf("creating the scheduler: %w", err)
	}
	factory.Start(ctx.Done())
	factory.WaitForCacheSync(ctx.Done())
	if err := sched.WaitForHandlersSync(ctx); err != nil {
		return err
	}
	go sched.Run(ctx)
	return nil
}

// harnessTB is the ktesting.TB the API server's test helper wants, for a
// process that is not a test: it logs, runs cleanups in reverse, and turns
// a fatal error into a harnessFatal panic that Start recovers.
type harnessTB struct {
	mu       sync.Mutex
	logs     io.Writer
	cleanups []func()
	failed   bool
}

type harnessFatal string

var _ ktesting.TB = (*harnessTB)(nil)

func (t *harnessTB) Attr(key, value string) {}
func (t *harnessTB) Chdir(dir string)       { panic(harnessFatal("Chdir is not supported")) }
func (t *harnessTB) Cleanup(f func()) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.cleanups = append(t.cleanups, f)
}
func (t *harnessTB) cleanup() {
	t.mu.Lock()
	fs := t.cleanups
	t.cleanups = nil
	t.mu.Unlock()
	for i := len(fs) - 1; i >= 0; i-- {
		fs[i]()
	}
}
func (t *harnessTB) Error(args ...any)                 { t.Log(args...); t.Fail() }
func (t *harnessTB) Errorf(format string, args ...any) { t.Logf(format, args...); t.Fail() }
func (t *harnessTB) Fail() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.failed = true
}
func (t *harnessTB) FailNow() { panic(harnessFatal("the control plane failed")) }
func (t *harnessTB) Failed() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.failed
}
func (t *harnessTB) Fatal(args ...any) { panic(harnessFatal(fmt.Sprint(args...))) }
func (t *harnessTB) Fatalf(format string, args ...any) {
	panic(harnessFatal(fmt.Sprintf(format, args...)))
}
func (t *harnessTB) Helper()                          {}
func (t *harnessTB) Log(args ...any)                  { fmt.Fprintln(t.logs, args...) }
func (t *harnessTB) Logf(format string, args ...any)  { fmt.Fprintf(t.logs, format+"\n", args...) }
func (t *harnessTB) Name() string                     { return "esgen-drill" }
func (t *harnessTB) Setenv(key, value string)         { panic(harnessFatal("Setenv is not supported")) }
func (t *harnessTB) Skip(args ...any)                 { t.Fatal(args...) }
func (t *harnessTB) Skipf(format string, args ...any) { t.Fatalf(format, args...) }
func (t *harnessTB) SkipNow()                         { t.FailNow() }
func (t *harnessTB) Skipped() bool                    { return false }
func (t *harnessTB) TempDir() string {
	dir, err := os.MkdirTemp("", "esgen-drill")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

var klogOnce sync.Once

// quietKlog sends the control plane's klog output to logs instead of
// stderr.
func quietKlog(logs io.Writer) {
	klogOnce.Do(func() {
		// Errors go to stderr too unless the threshold is raised.
		flags := flag.NewFlagSet("klog", flag.ContinueOnError)
		klog.InitFlags(flags)
		_ = flags.Set("logtostderr", "false")
		_ = flags.Set("alsologtostderr", "false")
		_ = flags.Set("stderrthreshold", "FATAL")
		klog.SetOutput(logs)
	})
}

var appsStatefulSet = schema.GroupVersionKind{Group: "apps", Version: "v1", Kind: "StatefulSet"}
