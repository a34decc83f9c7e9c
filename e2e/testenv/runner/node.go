package main

import (
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
)

// The one-node mode ("up --node"): next to etcd and kube-apiserver, kube-controller-manager, kube-scheduler,
// kubelet and kube-proxy (iptables mode) of the same pinned release, containerd + runc from the machine, pods on a
// bridge of the node's own, a pause image built from source. One node per machine: it owns the KUBE-* iptables
// chains, a cgroup root and the bridge. See ../README.md ("One-node cluster").

const (
	pauseImageRef  = "ses-mre.local/pause:3.10"
	cniNetworkName = "ses-mre-node"
	kubeletPort    = 10250
	nodeAPIPort    = 6443
	// iptables chains of the node's own guard rules (see setupNetwork)
	guardForwardChain = "SES-MRE-NODE-FORWARD"
	guardInputChain   = "SES-MRE-NODE-INPUT"
)

// nodeChildNames: the node's processes, started through the exec shim like etcd and kube-apiserver.
var nodeChildNames = []string{"kube-proxy", "kubelet", "kube-scheduler", "kube-controller-manager", "containerd"}

type nodePorts struct {
	controllerManager, scheduler, kubeletHealthz, proxyHealthz, proxyMetrics int
}

type node struct {
	cfg        *config
	podNet     *net.IPNet
	serviceNet *net.IPNet
	gateway    net.IP
	pki        *nodePKI
	saKeyFile  string
	ports      nodePorts
	runc       string
	containerd string
	ctr        string
	bins       map[string]string
	procs      map[string]*exec.Cmd
	exited     map[string]chan struct{}
}

// nodeMarker (<work>/node.json) is written before the node changes anything on the machine and removed once all
// of it is undone, so that "up" after a crash and "down" know what to clean even when the runner is gone.
type nodeMarker struct {
	Bridge     string            `json:"bridge"`
	PodCIDR    string            `json:"podCIDR"`
	RunDir     string            `json:"runDir"`
	CgroupRoot string            `json:"cgroupRoot"`
	Socket     string            `json:"containerdSocket"`
	Sysctls    map[string]string `json:"sysctls"` // values before the node changed them
}

func (c *config) nodeMarkerFile() string { return c.path("node.json") }

// newNode checks what the node needs on this machine, with an error that names what is missing.
func newNode(cfg *config) (*node, error) {
	if os.Geteuid() != 0 {
		return nil, errors.New("the one-node cluster needs root (kubelet, containerd, a bridge, iptables rules and cgroups); " +
			"run it as root, or use the apiserver-only mode (testenv up without --node)")
	}
	n := &node{cfg: cfg, bins: map[string]string{}, procs: map[string]*exec.Cmd{}, exited: map[string]chan struct{}{}}
	var err error
	if _, n.podNet, err = net.ParseCIDR(cfg.podCIDR); err != nil || n.podNet.IP.To4() == nil {
		return nil, fmt.Errorf("--pod-cidr / TESTENV_NODE_POD_CIDR %q: an IPv4 CIDR is needed, e.g. 10.244.0.0/24", cfg.podCIDR)
	}
	if _, n.serviceNet, err = net.ParseCIDR(cfg.serviceCIDR); err != nil || n.serviceNet.IP.To4() == nil {
		return nil, fmt.Errorf("--service-cidr / TESTENV_NODE_SERVICE_CIDR %q: an IPv4 CIDR is needed, e.g. 10.96.0.0/24", cfg.serviceCIDR)
	}
	if ones, _ := n.podNet.Mask.Size(); ones > 28 {
		return nil, fmt.Errorf("--pod-cidr %s: at most /28 (room for the gateway and pods)", cfg.podCIDR)
	}
	if n.podNet.Contains(n.serviceNet.IP) || n.serviceNet.Contains(n.podNet.IP) {
		return nil, fmt.Errorf("pod range %s and Service range %s overlap", cfg.podCIDR, cfg.serviceCIDR)
	}
	n.gateway = firstIP(n.podNet)
	missing := map[string]bool{}
	look := func(name, pkg string) string {
		p, err := exec.LookPath(name)
		if err != nil {
			missing[pkg] = true
		}
		return p
	}
	n.containerd = look("containerd", "containerd")
	n.ctr = look("ctr", "containerd")
	n.runc = look("runc", "runc")
	for _, tool := range []string{"iptables", "iptables-save", "iptables-restore"} {
		look(tool, "iptables")
	}
	look("ip", "iproute2")
	look("conntrack", "conntrack")
	for _, plugin := range []string{"bridge", "host-local", "loopback"} {
		if _, err := os.Stat(filepath.Join(cfg.cniBinDir, plugin)); err != nil {
			missing["containernetworking-plugins"] = true
		}
	}
	if len(missing) > 0 {
		var pkgs []string
		for p := range missing {
			pkgs = append(pkgs, p)
		}
		return nil, fmt.Errorf("the one-node cluster needs the Debian package(s) %s (testenv.sh node-build installs them with apt-get)",
			strings.Join(pkgs, ", "))
	}
	for _, name := range []string{"kube-controller-manager", "kube-scheduler", "kubelet", "kube-proxy"} {
		if n.bins[name], err = findBinary("", name); err != nil {
			return nil, err
		}
	}
	if len(cfg.nodeImages) == 0 {
		return nil, errors.New("--node-images: the pause image archive (" + pauseImageRef + ") is needed; testenv.sh node-build makes it")
	}
	for _, img := range cfg.nodeImages {
		if _, err := os.Stat(img); err != nil {
			return nil, fmt.Errorf("--node-images: %v", err)
		}
	}
	if len(n.containerdSocket()) > 100 {
		return nil, fmt.Errorf("--node-run-dir %s is too long for Unix socket paths (containerd's shims add 70 characters)", cfg.nodeRunDir)
	}
	return n, nil
}

func (n *node) path(elem ...string) string { return n.cfg.path(elem...) }

// prepare cleans what an earlier node left, then sets up the network, the PKI, the configuration files, starts
// containerd and imports the images (the pause image first). Runs before etcd and kube-apiserver start.
func (n *node) prepare(r *runner) error {
	cleanupNode(n.cfg)
	if err := n.refuseForeignNode(); err != nil {
		return err
	}
	if err := n.checkRoutes(); err != nil {
		return err
	}
	marker := nodeMarker{Bridge: n.cfg.bridge, PodCIDR: n.podNet.String(), RunDir: n.cfg.nodeRunDir,
		CgroupRoot: n.cgroupRoot(), Socket: n.containerdSocket(), Sysctls: map[string]string{}}
	for _, key := range []string{"net/ipv4/ip_forward", "net/bridge/bridge-nf-call-iptables"} {
		if b, err := os.ReadFile("/proc/sys/" + key); err == nil {
			marker.Sysctls[key] = strings.TrimSpace(string(b))
		}
	}
	if err := writeJSON(n.cfg.nodeMarkerFile(), marker); err != nil {
		return err
	}
	for _, d := range []string{"pki", "kubeconfigs", "kubelet", "kube-proxy", "kube-controller-manager", "kube-scheduler",
		"cni/net.d", "cni/ipam", "containerd", "pod-logs"} {
		if err := os.MkdirAll(n.path(d), 0o755); err != nil {
			return err
		}
	}
	if err := os.MkdirAll(n.cfg.nodeRunDir, 0o711); err != nil {
		return err
	}
	if err := n.setupNetwork(); err != nil {
		return fmt.Errorf("network: %w", err)
	}
	if err := n.setupCgroupRoot(); err != nil {
		return fmt.Errorf("cgroups: %w", err)
	}
	var err error
	if n.pki, err = newNodePKI(n.path("pki")); err != nil {
		return err
	}
	if err := n.allocatePorts(); err != nil {
		return err
	}
	if err := n.writeConfigs(); err != nil {
		return err
	}
	if err := n.startProcess(r, "containerd", n.containerd, []string{"--config", n.path("containerd", "config.toml")}); err != nil {
		return err
	}
	if err := n.waitContainerd(30 * time.Second); err != nil {
		return err
	}
	for _, img := range n.cfg.nodeImages {
		t0 := time.Now()
		if out, err := exec.Command(n.ctr, "--address", n.containerdSocket(), "--namespace", "k8s.io",
			"images", "import", "--digests", img).CombinedOutput(); err != nil {
			return fmt.Errorf("ctr images import %s: %v: %s", img, err, out)
		}
		logf("image %s imported in %s", filepath.Base(img), time.Since(t0).Round(time.Millisecond))
	}
	return nil
}

// configureAPIServer points kube-apiserver at the bridge address (pods reach it there through the "kubernetes"
// Service), with serving certificates for every name pods and the host use, the node's CA for clients, and
// the client certificate it shows the kubelet.
func (n *node) configureAPIServer(api *envtest.APIServer, certDir string) error {
	if err := os.MkdirAll(certDir, 0o700); err != nil {
		return err
	}
	serviceIP := firstIP(n.serviceNet)
	dns := []string{"kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local", "localhost"}
	ips := []net.IP{n.gateway, serviceIP, net.ParseIP("127.0.0.1")}
	// envtest leaves the serving certificate and the ServiceAccount keys alone when apiserver.crt exists
	if _, _, err := n.pki.writePair(certDir, "apiserver", "kube-apiserver", nil, x509.ExtKeyUsageServerAuth, dns, ips); err != nil {
		return err
	}
	var err error
	if n.saKeyFile, err = n.pki.writeServiceAccountSigner(certDir); err != nil {
		return err
	}
	kcrt, kkey, err := n.pki.writePair(n.path("pki"), "apiserver-kubelet-client", "kube-apiserver-kubelet-client",
		[]string{"system:masters"}, x509.ExtKeyUsageClientAuth, nil, nil)
	if err != nil {
		return err
	}
	api.SecureServing.ListenAddr = envtest.ListenAddr{Address: n.gateway.String(), Port: strconv.Itoa(nodeAPIPort)}
	api.SecureServing.CA = n.pki.caPEM
	api.SecureServing.Authn = &nodeAuthn{pki: n.pki}
	api.Configure().
		Set("advertise-address", n.gateway.String()).
		// the "kubernetes" Endpoints name the bridge address, so the Service works from pods
		Set("endpoint-reconciler-type", "lease").
		Set("service-cluster-ip-range", n.serviceNet.String()).
		Set("kubelet-client-certificate", kcrt).
		Set("kubelet-client-key", kkey).
		Set("kubelet-certificate-authority", n.pki.caFile()).
		Set("kubelet-preferred-address-types", "InternalIP")
	return nil
}

// startComponents writes the component kubeconfigs and starts kube-controller-manager, kube-scheduler, kubelet
// and kube-proxy; the control plane is up.
func (n *node) startComponents(r *runner) error {
	server := r.server()
	users := map[string]envtest.User{
		"kube-controller-manager": {Name: "system:kube-controller-manager"},
		"kube-scheduler":          {Name: "system:kube-scheduler"},
		"kubelet":                 {Name: "system:node:" + n.cfg.nodeName, Groups: []string{"system:nodes"}},
		"kube-proxy":              {Name: "system:kube-proxy"},
	}
	for name, u := range users {
		cert, key, err := n.pki.issue(u.Name, u.Groups, x509.ExtKeyUsageClientAuth, nil, nil)
		if err != nil {
			return err
		}
		b, err := kubeconfigYAML(server, n.pki.caPEM, cert, key, u.Name)
		if err != nil {
			return err
		}
		if err := writeFileAtomic(n.kubeconfigFile(name), b, 0o600); err != nil {
			return err
		}
	}
	for _, c := range []struct {
		name string
		args []string
	}{
		{"kube-controller-manager", n.controllerManagerArgs()},
		{"kube-scheduler", n.schedulerArgs()},
		{"kubelet", n.kubeletArgs()},
		{"kube-proxy", n.kubeProxyArgs()},
	} {
		if err := n.startProcess(r, c.name, n.bins[c.name], c.args); err != nil {
			return err
		}
	}
	return nil
}

// waitReady: the node Ready, kube-proxy synced, and what the controller-manager publishes in every namespace
// (the "default" ServiceAccount, the kube-root-ca.crt ConfigMap) present in "default".
func (n *node) waitReady(ctx context.Context, admin *rest.Config) error {
	cs, err := kubernetes.NewForConfig(admin)
	if err != nil {
		return err
	}
	var last string
	check := func() bool {
		for name, done := range n.exited {
			select {
			case <-done:
				last = name + " exited"
				return false
			default:
			}
		}
		nd, err := cs.CoreV1().Nodes().Get(ctx, n.cfg.nodeName, metav1.GetOptions{})
		if err != nil {
			last = "node: " + err.Error()
			return false
		}
		ready := false
		for _, c := range nd.Status.Conditions {
			if c.Type == corev1.NodeReady {
				ready = c.Status == corev1.ConditionTrue
				last = fmt.Sprintf("node %s Ready=%s (%s)", n.cfg.nodeName, c.Status, c.Message)
			}
		}
		if !ready {
			return false
		}
		resp, err := http.Get(fmt.Sprintf("http://127.0.0.1:%d/healthz", n.ports.proxyHealthz))
		if err != nil {
			last = "kube-proxy healthz: " + err.Error()
			return false
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			last = fmt.Sprintf("kube-proxy healthz: %d", resp.StatusCode)
			return false
		}
		if _, err := cs.CoreV1().ServiceAccounts("default").Get(ctx, "default", metav1.GetOptions{}); err != nil {
			last = "ServiceAccount default/default: " + err.Error()
			return false
		}
		if _, err := cs.CoreV1().ConfigMaps("default").Get(ctx, "kube-root-ca.crt", metav1.GetOptions{}); err != nil {
			last = "ConfigMap default/kube-root-ca.crt: " + err.Error()
			return false
		}
		return true
	}
	for !check() {
		select {
		case <-ctx.Done():
			return fmt.Errorf("node not ready: %s", last)
		case <-time.After(500 * time.Millisecond):
		}
		if strings.HasSuffix(last, " exited") {
			return fmt.Errorf("node not ready: %s", last)
		}
	}
	return nil
}

// startProcess starts a node process through the exec shim (parent-death signal, pid file), output to its log.
func (n *node) startProcess(r *runner, name, bin string, args []string) error {
	shim, err := n.cfg.writeShim(name, bin)
	if err != nil {
		return err
	}
	out, err := r.logFile(name)
	if err != nil {
		return err
	}
	cmd := exec.Command(shim, args...)
	cmd.Stdout, cmd.Stderr = out, out
	cmd.Dir = n.cfg.workDir
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", name, err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	n.procs[name], n.exited[name] = cmd, done
	logf("started %s (pid %d)", name, cmd.Process.Pid)
	return nil
}

// stopComponents stops the node's processes (not the pods: cleanupNode kills those), kube-proxy first.
func (n *node) stopComponents() {
	for _, name := range nodeChildNames {
		cmd := n.procs[name]
		if cmd == nil || cmd.Process == nil {
			continue
		}
		if name == "containerd" {
			killPods(n.cgroupRoot(), n.containerdSocket()) // while containerd still reaps its shims
		}
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-n.exited[name]:
		case <-time.After(15 * time.Second):
			_ = cmd.Process.Kill()
			<-n.exited[name]
		}
		delete(n.procs, name)
	}
}

func (n *node) waitContainerd(d time.Duration) error {
	deadline := time.Now().Add(d)
	for {
		out, err := exec.Command(n.ctr, "--address", n.containerdSocket(), "version").CombinedOutput()
		if err == nil {
			return nil
		}
		select {
		case <-n.exited["containerd"]:
			return errors.New("containerd exited; see logs/containerd.log")
		default:
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("containerd not answering on %s: %s", n.containerdSocket(), out)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func (n *node) allocatePorts() error {
	ports := make([]int, 5)
	for i := range ports {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		defer l.Close()
		ports[i] = l.Addr().(*net.TCPAddr).Port
	}
	n.ports = nodePorts{controllerManager: ports[0], scheduler: ports[1], kubeletHealthz: ports[2],
		proxyHealthz: ports[3], proxyMetrics: ports[4]}
	return nil
}

func (n *node) writeConfigs() error {
	if err := writeFileAtomic(n.path("containerd", "config.toml"), []byte(n.containerdConfig()), 0o644); err != nil {
		return err
	}
	cni, err := n.cniConfig()
	if err != nil {
		return err
	}
	if err := writeFileAtomic(n.path("cni", "net.d", "10-"+cniNetworkName+".conflist"), cni, 0o644); err != nil {
		return err
	}
	if err := writeFileAtomic(n.path("kubelet", "resolv.conf"), n.resolvConf(), 0o644); err != nil {
		return err
	}
	if _, _, err := n.pki.writePair(n.path("pki"), "kubelet-serving", "system:node:"+n.cfg.nodeName,
		[]string{"system:nodes"}, x509.ExtKeyUsageServerAuth, []string{n.cfg.nodeName}, []net.IP{n.gateway}); err != nil {
		return err
	}
	kc, err := n.kubeletConfig()
	if err != nil {
		return err
	}
	if err := writeFileAtomic(n.path("kubelet", "config.yaml"), kc, 0o644); err != nil {
		return err
	}
	kp, err := n.kubeProxyConfig()
	if err != nil {
		return err
	}
	return writeFileAtomic(n.path("kube-proxy", "config.yaml"), kp, 0o644)
}

// refuseForeignNode: a kubelet or kube-proxy that is not this work dir's would share the KUBE-* iptables chains
// this node removes when it stops.
func (n *node) refuseForeignNode() error {
	for _, pid := range allPIDs() {
		args := cmdline(pid)
		if len(args) == 0 {
			continue
		}
		base := filepath.Base(args[0])
		if base == "kubelet" || base == "kube-proxy" {
			return fmt.Errorf("another %s runs on this machine (pid %d: %s): the local node cannot share the machine with "+
				"another node (iptables chains KUBE-*); stop it first", base, pid, strings.Join(args, " "))
		}
	}
	return nil
}

// checkRoutes: the pod range must not overlap a network the machine already routes (other than the node's bridge).
func (n *node) checkRoutes() error {
	out, err := exec.Command("ip", "-4", "-o", "route", "show").Output()
	if err != nil {
		return fmt.Errorf("ip route: %v", err)
	}
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Fields(line)
		if len(f) < 3 || f[0] == "default" {
			continue
		}
		_, rn, err := net.ParseCIDR(f[0])
		if err != nil {
			if ip := net.ParseIP(f[0]); ip != nil {
				rn = &net.IPNet{IP: ip, Mask: net.CIDRMask(32, 32)}
			} else {
				continue
			}
		}
		dev := ""
		for i := 0; i+1 < len(f); i++ {
			if f[i] == "dev" {
				dev = f[i+1]
			}
		}
		if dev == n.cfg.bridge {
			continue
		}
		if rn.Contains(n.podNet.IP) || n.podNet.Contains(rn.IP) || rn.Contains(n.serviceNet.IP) || n.serviceNet.Contains(rn.IP) {
			return fmt.Errorf("the machine already routes %s (dev %s), which overlaps the pod range %s or the Service range %s: "+
				"choose others with TESTENV_NODE_POD_CIDR / TESTENV_NODE_SERVICE_CIDR", f[0], dev, n.podNet, n.serviceNet)
		}
	}
	return nil
}

// setupNetwork: the node's bridge with the gateway address (kube-apiserver and kubelet listen there), forwarding
// (pod -> Service -> pod on the same bridge goes through the host), and guard rules: nothing from a pod is routed
// beyond the bridge, nothing from outside is routed into it, and pods reach the host only at the bridge address.
func (n *node) setupNetwork() error {
	prefix, _ := n.podNet.Mask.Size()
	steps := [][]string{
		{"ip", "link", "add", n.cfg.bridge, "type", "bridge"},
		{"ip", "addr", "add", fmt.Sprintf("%s/%d", n.gateway, prefix), "dev", n.cfg.bridge},
		{"ip", "link", "set", n.cfg.bridge, "up"},
		{"iptables", "-w", "-N", guardForwardChain},
		{"iptables", "-w", "-A", guardForwardChain, "-i", n.cfg.bridge, "!", "-o", n.cfg.bridge, "-j", "DROP"},
		{"iptables", "-w", "-A", guardForwardChain, "-o", n.cfg.bridge, "!", "-i", n.cfg.bridge, "-j", "DROP"},
		{"iptables", "-w", "-I", "FORWARD", "1", "-j", guardForwardChain},
		{"iptables", "-w", "-N", guardInputChain},
		{"iptables", "-w", "-A", guardInputChain, "-i", n.cfg.bridge, "!", "-d", n.gateway.String(), "-j", "DROP"},
		{"iptables", "-w", "-I", "INPUT", "1", "-j", guardInputChain},
	}
	for _, s := range steps {
		if out, err := exec.Command(s[0], s[1:]...).CombinedOutput(); err != nil {
			return fmt.Errorf("%s: %v: %s", strings.Join(s, " "), err, strings.TrimSpace(string(out)))
		}
	}
	_ = os.WriteFile("/proc/sys/net/ipv6/conf/"+n.cfg.bridge+"/disable_ipv6", []byte("1"), 0o644)
	for key, value := range map[string]string{"net/ipv4/ip_forward": "1", "net/bridge/bridge-nf-call-iptables": "1"} {
		if err := os.WriteFile("/proc/sys/"+key, []byte(value), 0o644); err != nil {
			return fmt.Errorf("sysctl %s=%s: %v", key, value, err)
		}
	}
	return nil
}

// setupCgroupRoot creates the node's cgroup in every v1 hierarchy (the kubelet wants its cgroup root to exist);
// a new cpuset cgroup gets its parent's CPUs and memory nodes, or no task could join it.
func (n *node) setupCgroupRoot() error {
	for _, h := range cgroupHierarchies() {
		dir := filepath.Join(h, n.cgroupRoot())
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		if filepath.Base(h) == "cpuset" {
			for _, f := range []string{"cpuset.cpus", "cpuset.mems"} {
				b, err := os.ReadFile(filepath.Join(h, f))
				if err != nil {
					return err
				}
				if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// env lines the node adds to <work>/env (for scripts and the Java suites).
func (n *node) envLines() string {
	return fmt.Sprintf("TESTENV_NODE_NAME=%s\nTESTENV_NODE_IP=%s\nTESTENV_POD_CIDR=%s\nTESTENV_SERVICE_CIDR=%s\n"+
		"TESTENV_CONTAINERD_ADDRESS=%s\nTESTENV_NODE_CGROUP_ROOT=%s\n",
		n.cfg.nodeName, n.gateway, n.podNet, n.serviceNet, n.containerdSocket(), n.cgroupRoot())
}

func writeJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return writeFileAtomic(path, append(b, '\n'), 0o644)
}
