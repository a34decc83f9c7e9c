// Command testenv runs a local Kubernetes control plane (etcd + kube-apiserver)
// on 127.0.0.1 for the end-to-end tests, the way controller-runtime's envtest
// does, and keeps it running in the foreground or in the background.
//
//	testenv up [--detach]     start etcd + kube-apiserver, write the kubeconfig
//	testenv down              stop a running testenv (pid file) and leftovers
//	testenv restart-apiserver restart only kube-apiserver (same port, certs, etcd)
//	testenv status            print state; exit 0 only when the apiserver is ready
//	testenv env               print "export KUBECONFIG=..." lines
//
// With --node (TESTENV_NODE=true), "up" starts a one-node cluster: also kube-controller-manager, kube-scheduler,
// kubelet and kube-proxy, containerd, a bridge and a pause image; "down" also undoes what the node did to the
// machine (see node.go).
//
// See ../README.md.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

const usage = `usage: testenv <command> [flags]

commands:
  up [--detach]       start etcd + kube-apiserver; foreground until SIGTERM/SIGINT
                      (SIGHUP restarts kube-apiserver only). --detach runs it in the
                      background and returns once the apiserver is ready.
                      --node: a one-node cluster (kubelet, kube-proxy, controller-manager,
                      scheduler, containerd; root), ready once the node is Ready.
  down                stop a running testenv (and any leftover etcd/kube-apiserver; for a
                      node also its pods, cgroups, mounts, bridge and iptables chains)
  restart-apiserver   restart only kube-apiserver, keeping etcd, port, certs, kubeconfig
  status              print the state; exit 0 if the apiserver is ready, 1 otherwise
  env                 print "export KUBECONFIG=..." lines for eval

flags (all commands):
`

// config holds the settings shared by all subcommands.
type config struct {
	workDir      string
	apiserverBin string
	etcdBin      string
	port         int
	timeout      time.Duration
	detach       bool
	verbosity    int

	// one-node mode
	node        bool
	nodeName    string
	podCIDR     string
	serviceCIDR string
	bridge      string
	cniBinDir   string
	nodeRunDir  string
	nodeImages  []string
}

func main() {
	// Internal: the shim that control-plane processes are started through
	// (sets the parent-death signal, then execs the real binary).
	if len(os.Args) > 1 && os.Args[1] == execShimCommand {
		os.Exit(execShim(os.Args[2:]))
	}
	if len(os.Args) < 2 {
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	cmd := os.Args[1]
	cfg, err := parseFlags(cmd, os.Args[2:])
	if err != nil {
		fmt.Fprintf(os.Stderr, "testenv: %v\n", err)
		os.Exit(2)
	}
	var rc int
	switch cmd {
	case "up":
		if cfg.detach {
			rc = cmdUpDetached(cfg)
		} else {
			rc = cmdUp(cfg)
		}
	case "down":
		rc = cmdDown(cfg)
	case "restart-apiserver":
		rc = cmdRestartAPIServer(cfg)
	case "status":
		rc = cmdStatus(cfg)
	case "env":
		rc = cmdEnv(cfg)
	case "help", "-h", "--help":
		fmt.Print(usage)
		flagSet(cmd, &config{}).PrintDefaults()
	default:
		fmt.Fprintf(os.Stderr, "testenv: unknown command %q\n\n%s", cmd, usage)
		rc = 2
	}
	os.Exit(rc)
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func flagSet(cmd string, cfg *config) *flag.FlagSet {
	fs := flag.NewFlagSet("testenv "+cmd, flag.ContinueOnError)
	port, _ := strconv.Atoi(envOr("TESTENV_APISERVER_PORT", "0"))
	timeout, err := time.ParseDuration(envOr("TESTENV_TIMEOUT", "180s"))
	if err != nil {
		timeout = 180 * time.Second
	}
	fs.StringVar(&cfg.workDir, "work-dir", envOr("TESTENV_WORK_DIR", filepath.Join(".work", "testenv")),
		"state folder: etcd data, certs, logs, kubeconfig, pid file (env TESTENV_WORK_DIR)")
	fs.StringVar(&cfg.apiserverBin, "kube-apiserver", os.Getenv("TESTENV_KUBE_APISERVER"),
		"kube-apiserver binary (env TESTENV_KUBE_APISERVER; default $KUBEBUILDER_ASSETS/kube-apiserver, else next to testenv)")
	fs.StringVar(&cfg.etcdBin, "etcd", os.Getenv("TESTENV_ETCD"),
		"etcd binary (env TESTENV_ETCD; default $KUBEBUILDER_ASSETS/etcd, else next to testenv)")
	fs.IntVar(&cfg.port, "port", port, "kube-apiserver secure port on 127.0.0.1; 0 picks a free one (env TESTENV_APISERVER_PORT)")
	fs.DurationVar(&cfg.timeout, "timeout", timeout, "how long to wait for start, stop or restart (env TESTENV_TIMEOUT)")
	fs.BoolVar(&cfg.detach, "detach", false, "up: run in the background, return once ready")
	fs.IntVar(&cfg.verbosity, "v", 0, "kube-apiserver log verbosity")
	node, _ := strconv.ParseBool(envOr("TESTENV_NODE", "false"))
	fs.BoolVar(&cfg.node, "node", node, "up: a one-node cluster (env TESTENV_NODE)")
	fs.StringVar(&cfg.nodeName, "node-name", envOr("TESTENV_NODE_NAME", "ses-mre-node"), "node: its name (env TESTENV_NODE_NAME)")
	fs.StringVar(&cfg.podCIDR, "pod-cidr", envOr("TESTENV_NODE_POD_CIDR", "10.244.0.0/24"),
		"node: pod range on its bridge; the first address is the bridge's, where kube-apiserver and kubelet listen (env TESTENV_NODE_POD_CIDR)")
	fs.StringVar(&cfg.serviceCIDR, "service-cidr", envOr("TESTENV_NODE_SERVICE_CIDR", "10.96.0.0/24"),
		"node: Service ClusterIP range (env TESTENV_NODE_SERVICE_CIDR)")
	fs.StringVar(&cfg.bridge, "bridge", envOr("TESTENV_NODE_BRIDGE", "sesmre0"), "node: name of its bridge (env TESTENV_NODE_BRIDGE)")
	fs.StringVar(&cfg.cniBinDir, "cni-bin-dir", envOr("TESTENV_NODE_CNI_BIN_DIR", "/usr/lib/cni"),
		"node: CNI plugins (Debian's containernetworking-plugins) (env TESTENV_NODE_CNI_BIN_DIR)")
	fs.StringVar(&cfg.nodeRunDir, "node-run-dir", envOr("TESTENV_NODE_RUN_DIR", "/run/ses-mre-node"),
		"node: containerd's state and socket; short, for Unix socket paths (env TESTENV_NODE_RUN_DIR)")
	fs.Func("node-images", "node: comma-separated image archives imported into containerd at start, the pause image first (env TESTENV_NODE_IMAGES)",
		func(v string) error { cfg.nodeImages = splitList(v); return nil })
	cfg.nodeImages = splitList(os.Getenv("TESTENV_NODE_IMAGES"))
	return fs
}

func parseFlags(cmd string, args []string) (*config, error) {
	cfg := &config{}
	fs := flagSet(cmd, cfg)
	fs.Usage = func() {
		fmt.Fprint(os.Stderr, usage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	wd, err := filepath.Abs(cfg.workDir)
	if err != nil {
		return nil, err
	}
	cfg.workDir = wd
	for i, img := range cfg.nodeImages {
		if cfg.nodeImages[i], err = filepath.Abs(img); err != nil {
			return nil, err
		}
	}
	if cmd == "up" {
		if cfg.apiserverBin, err = findBinary(cfg.apiserverBin, "kube-apiserver"); err != nil {
			return nil, err
		}
		if cfg.etcdBin, err = findBinary(cfg.etcdBin, "etcd"); err != nil {
			return nil, err
		}
	}
	return cfg, nil
}

func splitList(v string) []string {
	var out []string
	for _, x := range strings.Split(v, ",") {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

// findBinary resolves a control-plane binary: explicit path, then
// $KUBEBUILDER_ASSETS/<name>, then the folder testenv itself lives in.
func findBinary(explicit, name string) (string, error) {
	var candidates []string
	if explicit != "" {
		candidates = []string{explicit}
	} else {
		if assets := os.Getenv("KUBEBUILDER_ASSETS"); assets != "" {
			candidates = append(candidates, filepath.Join(assets, name))
		}
		if self, err := os.Executable(); err == nil {
			candidates = append(candidates, filepath.Join(filepath.Dir(self), name))
		}
	}
	for _, c := range candidates {
		if st, err := os.Stat(c); err == nil && !st.IsDir() && st.Mode()&0o111 != 0 {
			return filepath.Abs(c)
		}
	}
	return "", fmt.Errorf("%s binary not found (looked at %v); run e2e/testenv/testenv.sh build", name, candidates)
}
