package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/informers"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
	"k8s.io/klog/v2"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"
)

const adminUser = "testenv-admin"

// runner owns the control plane of one work dir.
type runner struct {
	cfg        *config
	node       *node // nil: apiserver-only
	cp         *envtest.ControlPlane
	admin      *rest.Config
	generation int
	logs       []io.Closer
}

// cmdUp runs the control plane in the foreground until SIGTERM/SIGINT.
// SIGHUP restarts kube-apiserver only.
func cmdUp(cfg *config) int {
	ctrllog.SetLogger(logr.Discard())
	klog.SetLogger(logr.Discard()) // client-go's reflector chatter during apiserver restarts

	if pid := cfg.runnerPID(); pid > 0 && pid != os.Getpid() {
		logf("already running (pid %d) for %s; use 'testenv down' first", pid, cfg.workDir)
		return 1
	}
	for _, d := range []string{"", "logs", "pids", "bin"} {
		if err := os.MkdirAll(cfg.path(d), 0o755); err != nil {
			logf("%v", err)
			return 1
		}
	}
	cfg.cleanupLeftovers()
	cleanupNode(cfg) // a node of this work dir that crashed: its pods, mounts, bridge, iptables chains
	// Fresh cluster every time: state, certs and etcd data of a previous run go.
	for _, p := range []string{cfg.stateFile(), cfg.kubeconfig(), cfg.envFile(), cfg.path("etcd-data"), cfg.path("certs")} {
		_ = os.RemoveAll(p)
	}
	if err := writeFileAtomic(cfg.pidFile(), []byte(strconv.Itoa(os.Getpid())+"\n"), 0o644); err != nil {
		logf("%v", err)
		return 1
	}
	defer os.Remove(cfg.pidFile())

	// Signals are queued while starting and handled afterwards.
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGINT, syscall.SIGHUP)

	r := &runner{cfg: cfg}
	defer r.closeLogs()
	_ = cfg.writeState(state{PID: os.Getpid(), Phase: "starting"})

	t0 := time.Now()
	if cfg.node {
		n, err := newNode(cfg)
		if err != nil {
			logf("%v", err)
			_ = os.Remove(cfg.stateFile())
			return 1
		}
		r.node = n
	}
	if err := r.start(); err != nil {
		logf("start failed: %v", err)
		r.stop()
		r.printLogTails()
		_ = os.Remove(cfg.stateFile())
		return 1
	}
	logf("%s up in %s (etcd %s, kube-apiserver %s)", map[bool]string{true: "node", false: "control plane"}[r.node != nil],
		time.Since(t0).Round(time.Millisecond), r.cp.Etcd.URL, r.server())
	fmt.Printf("testenv ready: KUBECONFIG=%s\n", cfg.kubeconfig())

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	restarting := false
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		select {
		case s := <-sigs:
			if s == syscall.SIGHUP {
				restarting = true
				if err := r.restartAPIServer(ctx); err != nil {
					logf("kube-apiserver restart failed: %v; stopping", err)
					r.stop()
					r.printLogTails()
					_ = os.Remove(cfg.stateFile())
					return 1
				}
				restarting = false
				continue
			}
			logf("%s: stopping", s)
			_ = cfg.writeState(state{PID: os.Getpid(), Phase: "stopping", Generation: r.generation})
			cancel()
			err := r.stop()
			_ = os.Remove(cfg.stateFile())
			if err != nil {
				logf("stop: %v", err)
				return 1
			}
			logf("stopped")
			return 0
		case <-tick.C:
			if restarting {
				continue
			}
			for _, name := range r.children() {
				if cfg.childPID(name) == 0 {
					logf("%s exited unexpectedly; stopping everything", name)
					r.stop()
					r.printLogTails()
					_ = os.Remove(cfg.stateFile())
					return 1
				}
			}
		}
	}
}

func (r *runner) logFile(name string) (io.Writer, error) {
	f, err := os.OpenFile(r.cfg.path("logs", name+".log"), os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
	if err != nil {
		return nil, err
	}
	r.logs = append(r.logs, f)
	return f, nil
}

func (r *runner) closeLogs() {
	for _, c := range r.logs {
		_ = c.Close()
	}
}

// children: the processes this runner started and watches.
func (r *runner) children() []string {
	if r.node == nil {
		return childNames
	}
	return append(append([]string{}, childNames...), nodeChildNames...)
}

func (r *runner) start() error {
	cfg := r.cfg
	if r.node != nil {
		if err := r.node.prepare(r); err != nil {
			return err
		}
	}
	etcdShim, err := cfg.writeShim("etcd", cfg.etcdBin)
	if err != nil {
		return err
	}
	apiShim, err := cfg.writeShim("kube-apiserver", cfg.apiserverBin)
	if err != nil {
		return err
	}
	etcdLog, err := r.logFile("etcd")
	if err != nil {
		return err
	}
	apiLog, err := r.logFile("kube-apiserver")
	if err != nil {
		return err
	}
	for _, d := range []string{"etcd-data", "certs"} {
		if err := os.MkdirAll(cfg.path(d), 0o700); err != nil {
			return err
		}
	}

	etcd := &envtest.Etcd{
		Path:         etcdShim,
		DataDir:      cfg.path("etcd-data"),
		StartTimeout: cfg.timeout,
		StopTimeout:  30 * time.Second,
		Out:          etcdLog,
		Err:          etcdLog,
	}
	etcd.Configure().
		Set("unsafe-no-fsync", "true"). // test data only: no fsync
		Set("name", "testenv").
		Set("log-level", "warn").
		Set("quota-backend-bytes", strconv.Itoa(2<<30))

	api := &envtest.APIServer{
		Path:         apiShim,
		CertDir:      cfg.path("certs"),
		StartTimeout: cfg.timeout,
		StopTimeout:  30 * time.Second,
		Out:          apiLog,
		Err:          apiLog,
	}
	if cfg.port != 0 {
		if !freePortAvailable(cfg.port) {
			return fmt.Errorf("port 127.0.0.1:%d is in use", cfg.port)
		}
		api.SecureServing.ListenAddr = envtest.ListenAddr{Address: "127.0.0.1", Port: strconv.Itoa(cfg.port)}
	}
	api.Configure().
		// envtest disables the ServiceAccount admission plugin; use the default
		// plugin set of a normal cluster (incl. ServiceAccount, PodSecurity,
		// ResourceQuota, ValidatingAdmissionPolicy, webhooks). The "default"
		// ServiceAccount that plugin needs is created by ensureDefaultServiceAccounts.
		Disable("disable-admission-plugins").
		Set("authorization-mode", "Node,RBAC").
		Set("advertise-address", "127.0.0.1").
		Set("allow-privileged", "true").
		Set("endpoint-reconciler-type", "none"). // no "kubernetes" Endpoints pointing at loopback
		Set("profiling", "false").
		// Graceful shutdown otherwise waits up to --request-timeout (60s) for
		// open watches (e.g. of the operator under test); with this it stops
		// listening once regular requests are drained and closes the rest after 2s.
		Set("shutdown-send-retry-after", "true").
		Set("v", strconv.Itoa(cfg.verbosity))
	// service-account-issuer/-key-file/-signing-key-file, client-ca-file,
	// cert-dir, secure-port, bind-address, etcd-servers: envtest's defaults.
	if r.node != nil {
		if err := r.node.configureAPIServer(api, cfg.path("certs")); err != nil {
			return err
		}
	}

	r.cp = &envtest.ControlPlane{Etcd: etcd, APIServer: api}
	logf("starting etcd and kube-apiserver (work dir %s)", cfg.workDir)
	if err := r.cp.Start(); err != nil {
		return err
	}

	user, err := r.cp.AddUser(envtest.User{Name: adminUser, Groups: []string{"system:masters"}}, nil)
	if err != nil {
		return fmt.Errorf("admin user: %w", err)
	}
	r.admin = rest.CopyConfig(user.Config())
	r.admin.Host = strings.TrimSuffix(r.admin.Host, "/")
	r.admin.QPS, r.admin.Burst = 50, 100
	if err := r.writeKubeconfig(); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), cfg.timeout)
	defer cancel()
	if err := waitReadyz(ctx, r.admin); err != nil {
		return err
	}
	if r.node != nil {
		if err := r.node.startComponents(r); err != nil {
			return err
		}
		if err := r.node.waitReady(ctx, r.admin); err != nil {
			return err
		}
	} else {
		cs, err := kubernetes.NewForConfig(r.admin)
		if err != nil {
			return err
		}
		ensureDefaultServiceAccounts(context.Background(), cs)
		waitDefaultServiceAccount(ctx, cs)
	}
	r.generation = 1
	return cfg.writeState(r.readyState())
}

func (r *runner) server() string { return r.admin.Host }

func (r *runner) readyState() state {
	return state{PID: os.Getpid(), Phase: "ready", Generation: r.generation, Server: r.server(),
		Etcd: r.cp.Etcd.URL.String(), Kubeconfig: r.cfg.kubeconfig()}
}

func (r *runner) restartAPIServer(ctx context.Context) error {
	st := r.readyState()
	st.Phase = "restarting"
	_ = r.cfg.writeState(st)
	t0 := time.Now()
	logf("restarting kube-apiserver (etcd keeps running)")
	if err := r.cp.APIServer.Stop(); err != nil {
		return fmt.Errorf("stop: %w", err)
	}
	// Same port, CertDir (serving certs, SA keys) and client CA: the kubeconfig stays valid.
	if err := r.cp.APIServer.Start(); err != nil {
		return fmt.Errorf("start: %w", err)
	}
	wctx, cancel := context.WithTimeout(ctx, r.cfg.timeout)
	defer cancel()
	if err := waitReadyz(wctx, r.admin); err != nil {
		return err
	}
	r.generation++
	logf("kube-apiserver restarted in %s", time.Since(t0).Round(time.Millisecond))
	fmt.Printf("testenv ready: KUBECONFIG=%s\n", r.cfg.kubeconfig())
	return r.cfg.writeState(r.readyState())
}

func (r *runner) stop() error {
	if r.node != nil {
		r.node.stopComponents()
		defer cleanupNode(r.cfg)
	}
	if r.cp == nil {
		return nil
	}
	var err error
	if r.cp.APIServer != nil {
		err = r.cp.APIServer.Stop()
	}
	if r.cp.Etcd != nil {
		if e := r.cp.Etcd.Stop(); e != nil && err == nil {
			err = e
		}
	}
	return err
}

func (r *runner) printLogTails() {
	for _, name := range r.children() {
		b, err := os.ReadFile(r.cfg.path("logs", name+".log"))
		if err != nil || len(b) == 0 {
			continue
		}
		if len(b) > 4000 {
			b = b[len(b)-4000:]
		}
		fmt.Fprintf(os.Stderr, "---- last lines of %s ----\n%s\n", r.cfg.path("logs", name+".log"), b)
	}
}

func (r *runner) writeKubeconfig() error {
	kc := clientcmdapi.NewConfig()
	kc.Clusters["testenv"] = &clientcmdapi.Cluster{Server: r.admin.Host, CertificateAuthorityData: r.admin.CAData}
	kc.AuthInfos[adminUser] = &clientcmdapi.AuthInfo{ClientCertificateData: r.admin.CertData, ClientKeyData: r.admin.KeyData}
	kc.Contexts["testenv"] = &clientcmdapi.Context{Cluster: "testenv", AuthInfo: adminUser, Namespace: "default"}
	kc.CurrentContext = "testenv"
	b, err := clientcmd.Write(*kc)
	if err != nil {
		return err
	}
	if err := writeFileAtomic(r.cfg.kubeconfig(), b, 0o600); err != nil {
		return err
	}
	u, _ := url.Parse(r.admin.Host)
	env := fmt.Sprintf("KUBECONFIG=%s\nTESTENV_SERVER=%s\nTESTENV_APISERVER_PORT=%s\nTESTENV_ETCD=%s\n",
		r.cfg.kubeconfig(), r.admin.Host, u.Port(), r.cp.Etcd.URL)
	if r.node != nil {
		env += r.node.envLines()
	}
	return writeFileAtomic(r.cfg.envFile(), []byte(env), 0o644)
}

// waitReadyz polls GET /readyz with the admin credentials until it answers 200.
func waitReadyz(ctx context.Context, cfg *rest.Config) error {
	hc, err := rest.HTTPClientFor(cfg)
	if err != nil {
		return err
	}
	hc.Timeout = 5 * time.Second
	var last string
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, cfg.Host+"/readyz", nil)
		resp, err := hc.Do(req)
		if err == nil {
			body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			last = fmt.Sprintf("%d %s", resp.StatusCode, body)
		} else {
			last = err.Error()
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("kube-apiserver not ready: %s", last)
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// ensureDefaultServiceAccounts does the job of kube-controller-manager's
// serviceaccount controller (not run here): every namespace gets a "default"
// ServiceAccount, which the ServiceAccount admission plugin requires for pods.
func ensureDefaultServiceAccounts(ctx context.Context, cs kubernetes.Interface) {
	factory := informers.NewSharedInformerFactory(cs, 0)
	inf := factory.Core().V1().Namespaces().Informer()
	create := func(obj any) {
		ns, ok := obj.(*corev1.Namespace)
		if !ok || ns.DeletionTimestamp != nil {
			return
		}
		go func() {
			for i := 0; i < 60; i++ {
				_, err := cs.CoreV1().ServiceAccounts(ns.Name).Create(ctx,
					&corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: "default"}}, metav1.CreateOptions{})
				if err == nil || apierrors.IsAlreadyExists(err) || apierrors.IsNotFound(err) ||
					apierrors.IsForbidden(err) { // forbidden: namespace is terminating
					return
				}
				select {
				case <-ctx.Done():
					return
				case <-time.After(500 * time.Millisecond):
				}
			}
		}()
	}
	_, _ = inf.AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    create,
		UpdateFunc: func(_, obj any) { create(obj) },
	})
	factory.Start(ctx.Done())
}

// waitDefaultServiceAccount waits (best effort) for default/default, so that a
// pod can be created in namespace "default" as soon as "up" returns.
func waitDefaultServiceAccount(ctx context.Context, cs kubernetes.Interface) {
	for {
		if _, err := cs.CoreV1().ServiceAccounts("default").Get(ctx, "default", metav1.GetOptions{}); err == nil {
			return
		}
		select {
		case <-ctx.Done():
			logf("warning: ServiceAccount default/default not created yet")
			return
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// freePortAvailable reports whether 127.0.0.1:port can be listened on.
func freePortAvailable(port int) bool {
	l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return false
	}
	l.Close()
	return true
}
