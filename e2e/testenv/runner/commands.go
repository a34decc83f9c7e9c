package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"

	"k8s.io/client-go/tools/clientcmd"
)

// cmdUpDetached starts "testenv up" in the background (own session, output to
// logs/testenv.log) and returns once the apiserver is ready. Idempotent: if a
// testenv for this work dir is already ready, it just prints its KUBECONFIG.
func cmdUpDetached(cfg *config) int {
	unlock, err := cfg.lock()
	if err != nil {
		logf("lock: %v", err)
		return 1
	}
	defer unlock()

	if pid := cfg.runnerPID(); pid > 0 {
		if st, err := cfg.readState(); err == nil && st.PID == pid && st.Phase == "ready" {
			fmt.Printf("testenv ready: KUBECONFIG=%s\n", st.Kubeconfig)
			return 0
		}
		logf("testenv already running (pid %d), waiting for it to become ready", pid)
		return waitForReady(cfg, pid, nil, 0)
	}

	self, err := os.Executable()
	if err != nil {
		logf("%v", err)
		return 1
	}
	if err := os.MkdirAll(cfg.path("logs"), 0o755); err != nil {
		logf("%v", err)
		return 1
	}
	logFile, err := os.OpenFile(cfg.runnerLog(), os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o644)
	if err != nil {
		logf("%v", err)
		return 1
	}
	defer logFile.Close()
	devnull, err := os.Open(os.DevNull)
	if err != nil {
		logf("%v", err)
		return 1
	}
	defer devnull.Close()

	args := []string{"up",
		"--work-dir", cfg.workDir,
		"--kube-apiserver", cfg.apiserverBin,
		"--etcd", cfg.etcdBin,
		"--port", fmt.Sprint(cfg.port),
		"--timeout", cfg.timeout.String(),
		"--v", fmt.Sprint(cfg.verbosity),
	}
	if cfg.node {
		args = append(args, "--node", "--node-name", cfg.nodeName, "--pod-cidr", cfg.podCIDR,
			"--service-cidr", cfg.serviceCIDR, "--bridge", cfg.bridge, "--cni-bin-dir", cfg.cniBinDir,
			"--node-run-dir", cfg.nodeRunDir, "--node-images", strings.Join(cfg.nodeImages, ","))
	}
	// Don't let the background runner hold pipes/fds inherited from our caller
	// (a CI harness or make waiting for EOF would hang until it exits).
	closeInheritedFDs()
	cmd := exec.Command(self, args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = devnull, logFile, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true} // survives the caller and its terminal
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		logf("start: %v", err)
		return 1
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	logf("started in the background (pid %d), log %s", cmd.Process.Pid, cfg.runnerLog())
	rc := waitForReady(cfg, cmd.Process.Pid, exited, 0)
	if rc != 0 {
		select {
		case <-exited:
		default:
			logf("giving up: stopping pid %d", cmd.Process.Pid)
			terminate(cmd.Process.Pid, 30*time.Second)
		}
		cfg.cleanupLeftovers()
		cleanupNode(cfg)
		printTail(cfg.runnerLog(), 6000)
		return rc
	}
	logf("ready in %s", time.Since(t0).Round(time.Millisecond))
	return 0
}

// waitForReady waits until state.json says pid is ready with a generation
// greater than minGeneration.
func waitForReady(cfg *config, pid int, exited <-chan struct{}, minGeneration int) int {
	deadline := time.Now().Add(cfg.timeout + 30*time.Second)
	for time.Now().Before(deadline) {
		if st, err := cfg.readState(); err == nil && st.PID == pid && st.Phase == "ready" && st.Generation > minGeneration {
			fmt.Printf("testenv ready: KUBECONFIG=%s\n", st.Kubeconfig)
			return 0
		}
		if exited != nil {
			select {
			case <-exited:
				logf("testenv exited before becoming ready")
				return 1
			default:
			}
		} else if !alive(pid) {
			logf("testenv (pid %d) exited before becoming ready", pid)
			return 1
		}
		time.Sleep(100 * time.Millisecond)
	}
	logf("timed out after %s waiting for testenv to become ready", cfg.timeout+30*time.Second)
	return 1
}

func printTail(path string, n int) {
	b, err := os.ReadFile(path)
	if err != nil || len(b) == 0 {
		return
	}
	if len(b) > n {
		b = b[len(b)-n:]
	}
	fmt.Fprintf(os.Stderr, "---- last lines of %s ----\n%s\n", path, b)
}

// cmdDown stops the runner (SIGTERM; it stops kube-apiserver then etcd) and
// any leftover control-plane process of this work dir. Idempotent.
func cmdDown(cfg *config) int {
	unlock, err := cfg.lock()
	if err != nil {
		logf("lock: %v", err)
		return 1
	}
	defer unlock()
	stopped := false
	if pid := cfg.runnerPID(); pid > 0 {
		logf("stopping testenv (pid %d)", pid)
		_ = syscall.Kill(pid, syscall.SIGTERM)
		if !waitGone(pid, cfg.timeout) {
			logf("testenv (pid %d) did not stop in %s: killing it", pid, cfg.timeout)
			_ = syscall.Kill(pid, syscall.SIGKILL)
			waitGone(pid, 10*time.Second)
		}
		stopped = true
	}
	cfg.cleanupLeftovers()
	cleanupNode(cfg) // after a crash of the runner: what its node left on the machine
	_ = os.Remove(cfg.pidFile())
	_ = os.Remove(cfg.stateFile())
	if stopped {
		logf("stopped")
	} else {
		logf("not running")
	}
	return 0
}

// cmdRestartAPIServer asks the runner (SIGHUP) to restart kube-apiserver and
// waits until it is ready again.
func cmdRestartAPIServer(cfg *config) int {
	pid := cfg.runnerPID()
	if pid == 0 {
		logf("not running")
		return 1
	}
	st, err := cfg.readState()
	if err != nil || st.Phase != "ready" {
		logf("testenv (pid %d) is not ready; cannot restart kube-apiserver now", pid)
		return 1
	}
	t0 := time.Now()
	if err := syscall.Kill(pid, syscall.SIGHUP); err != nil {
		logf("signal: %v", err)
		return 1
	}
	if rc := waitForReady(cfg, pid, nil, st.Generation); rc != 0 {
		return rc
	}
	logf("kube-apiserver restarted in %s", time.Since(t0).Round(time.Millisecond))
	return 0
}

// cmdStatus prints the state and probes /readyz. Exit 0 only if ready.
func cmdStatus(cfg *config) int {
	pid := cfg.runnerPID()
	if pid == 0 {
		fmt.Println("testenv: not running")
		return 1
	}
	st, err := cfg.readState()
	if err != nil {
		fmt.Printf("testenv: running (pid %d), no state yet\n", pid)
		return 1
	}
	fmt.Printf("testenv: running (pid %d), phase %s since %s, apiserver generation %d\n", pid, st.Phase, st.Since, st.Generation)
	for _, name := range append(append([]string{}, childNames...), nodeChildNames...) {
		if pid := cfg.childPID(name); pid > 0 || contains(childNames, name) {
			fmt.Printf("  %-23s pid %d\n", name, pid)
		}
	}
	fmt.Print(nodeStatusLines(cfg))
	if st.Server != "" {
		fmt.Printf("  server          %s\n  etcd            %s\n  KUBECONFIG=%s\n", st.Server, st.Etcd, st.Kubeconfig)
	}
	if st.Phase != "ready" {
		return 1
	}
	restCfg, err := clientcmd.BuildConfigFromFlags("", st.Kubeconfig)
	if err != nil {
		fmt.Printf("  kubeconfig: %v\n", err)
		return 1
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	// one probe, no retries
	pctx, pcancel := context.WithTimeout(ctx, 3*time.Second)
	defer pcancel()
	if err := waitReadyz(pctx, restCfg); err != nil {
		fmt.Printf("  /readyz: %v\n", err)
		return 1
	}
	fmt.Println("  /readyz         ok")
	return 0
}

// cmdEnv prints the env file as "export" lines, for eval.
func cmdEnv(cfg *config) int {
	b, err := os.ReadFile(cfg.envFile())
	if err != nil || cfg.runnerPID() == 0 {
		fmt.Fprintln(os.Stderr, "testenv: not running")
		return 1
	}
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			fmt.Printf("export %s=%s\n", k, shQuote(v))
		}
	}
	return 0
}

// closeInheritedFDs marks every fd above stderr close-on-exec.
func closeInheritedFDs() {
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return
	}
	for _, e := range entries {
		if fd, err := strconv.Atoi(e.Name()); err == nil && fd > 2 {
			syscall.CloseOnExec(fd)
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
