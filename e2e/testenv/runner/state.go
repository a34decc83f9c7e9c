package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// Layout of the work dir.
func (c *config) path(elem ...string) string {
	return filepath.Join(append([]string{c.workDir}, elem...)...)
}
func (c *config) pidFile() string    { return c.path("testenv.pid") }
func (c *config) stateFile() string  { return c.path("state.json") }
func (c *config) kubeconfig() string { return c.path("kubeconfig") }
func (c *config) envFile() string    { return c.path("env") }
func (c *config) runnerLog() string  { return c.path("logs", "testenv.log") }
func (c *config) lockFile() string   { return c.path(".lock") }

// childPidFile is written by the exec shim of a control-plane process:
// "<pid> <real binary path>".
func (c *config) childPidFile(name string) string { return c.path("pids", name+".pid") }

var childNames = []string{"kube-apiserver", "etcd"}

// state is what a running testenv publishes in state.json.
type state struct {
	PID        int    `json:"pid"`
	Phase      string `json:"phase"` // starting | ready | restarting | stopping
	Generation int    `json:"generation"`
	Server     string `json:"server,omitempty"`
	Etcd       string `json:"etcd,omitempty"`
	Kubeconfig string `json:"kubeconfig,omitempty"`
	Since      string `json:"since,omitempty"`
}

func writeFileAtomic(path string, data []byte, mode os.FileMode) error {
	tmp := fmt.Sprintf("%s.tmp.%d", path, os.Getpid())
	if err := os.WriteFile(tmp, data, mode); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

func (c *config) writeState(st state) error {
	st.Since = time.Now().UTC().Format(time.RFC3339)
	b, _ := json.MarshalIndent(st, "", "  ")
	return writeFileAtomic(c.stateFile(), append(b, '\n'), 0o644)
}

func (c *config) readState() (*state, error) {
	b, err := os.ReadFile(c.stateFile())
	if err != nil {
		return nil, err
	}
	var st state
	if err := json.Unmarshal(b, &st); err != nil {
		return nil, err
	}
	return &st, nil
}

// runnerPID returns the pid of a live testenv runner for this work dir, or 0.
func (c *config) runnerPID() int {
	b, err := os.ReadFile(c.pidFile())
	if err != nil {
		return 0
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || pid <= 0 || !alive(pid) {
		return 0
	}
	// Guard against pid reuse: must be a "testenv up" process.
	args := cmdline(pid)
	if len(args) < 2 || filepath.Base(args[0]) != "testenv" || args[1] != "up" {
		return 0
	}
	return pid
}

func alive(pid int) bool {
	if pid <= 0 {
		return false
	}
	err := syscall.Kill(pid, 0)
	if err != nil && !errors.Is(err, syscall.EPERM) {
		return false
	}
	// A zombie is not alive.
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err == nil {
		s := string(b)
		if i := strings.LastIndexByte(s, ')'); i > 0 && i+2 < len(s) && s[i+2] == 'Z' {
			return false
		}
	}
	return true
}

func cmdline(pid int) []string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	if err != nil {
		return nil
	}
	return strings.Split(strings.TrimRight(string(b), "\x00"), "\x00")
}

// waitGone waits until pid has exited, up to d.
func waitGone(pid int, d time.Duration) bool {
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if !alive(pid) {
			return true
		}
		time.Sleep(50 * time.Millisecond)
	}
	return !alive(pid)
}

// terminate sends SIGTERM, waits up to d, then SIGKILL.
func terminate(pid int, d time.Duration) {
	_ = syscall.Kill(pid, syscall.SIGTERM)
	if !waitGone(pid, d) {
		_ = syscall.Kill(pid, syscall.SIGKILL)
		waitGone(pid, 5*time.Second)
	}
}

// childPID reads a shim pid file and returns the pid if that process is
// still the recorded control-plane binary.
func (c *config) childPID(name string) int {
	b, err := os.ReadFile(c.childPidFile(name))
	if err != nil {
		return 0
	}
	fields := strings.Fields(string(b))
	if len(fields) != 2 {
		return 0
	}
	pid, err := strconv.Atoi(fields[0])
	if err != nil || !alive(pid) {
		return 0
	}
	exe, err := os.Readlink(fmt.Sprintf("/proc/%d/exe", pid))
	if err != nil {
		return 0
	}
	want, _ := filepath.EvalSymlinks(fields[1])
	if exe != fields[1] && exe != want {
		return 0
	}
	return pid
}

// cleanupLeftovers stops etcd / kube-apiserver processes left by an earlier
// run of this work dir (e.g. after the runner was SIGKILLed on a system
// without parent-death signals).
func (c *config) cleanupLeftovers() {
	for _, name := range append(append([]string{}, nodeChildNames...), childNames...) {
		if pid := c.childPID(name); pid > 0 {
			logf("stopping leftover %s (pid %d)", name, pid)
			terminate(pid, 15*time.Second)
		}
		_ = os.Remove(c.childPidFile(name))
	}
}

// lock takes an exclusive lock on the work dir (for up --detach and down).
func (c *config) lock() (func(), error) {
	if err := os.MkdirAll(c.workDir, 0o755); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(c.lockFile(), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX); err != nil {
		f.Close()
		return nil, err
	}
	return func() { _ = unix.Flock(int(f.Fd()), unix.LOCK_UN); f.Close() }, nil
}

const execShimCommand = "__exec"

// writeShim writes <work>/bin/<name>: a script that records its pid and execs
// "testenv __exec <real binary> args...", so that envtest starts the real
// binary with a parent-death signal (it dies with the runner, even on SIGKILL).
func (c *config) writeShim(name, real string) (string, error) {
	self, err := os.Executable()
	if err != nil {
		return "", err
	}
	dir := c.path("bin")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "#!/bin/sh\n# generated by testenv: runs %s with a parent-death signal\n", name)
	fmt.Fprintf(&b, "case \"$1\" in --help|--version) ;; *) printf '%%s %%s\\n' \"$$\" %s > %s ;; esac\n",
		shQuote(real), shQuote(c.childPidFile(name)))
	fmt.Fprintf(&b, "TESTENV_PARENT_PID=%d exec %s %s %s \"$@\"\n", os.Getpid(), shQuote(self), execShimCommand, shQuote(real))
	p := filepath.Join(dir, name)
	if err := writeFileAtomic(p, b.Bytes(), 0o755); err != nil {
		return "", err
	}
	return p, nil
}

func shQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// execShim: set PR_SET_PDEATHSIG (kept across execve) and exec the real binary.
func execShim(args []string) int {
	if len(args) < 1 {
		fmt.Fprintln(os.Stderr, "testenv __exec: missing binary")
		return 2
	}
	runtime.LockOSThread() // prctl and execve must happen on the same thread
	if err := unix.Prctl(unix.PR_SET_PDEATHSIG, uintptr(syscall.SIGKILL), 0, 0, 0); err != nil {
		fmt.Fprintf(os.Stderr, "testenv __exec: prctl: %v\n", err)
		return 1
	}
	if want := os.Getenv("TESTENV_PARENT_PID"); want != "" && want != strconv.Itoa(os.Getppid()) {
		fmt.Fprintln(os.Stderr, "testenv __exec: parent testenv is gone")
		return 1
	}
	env := make([]string, 0, len(os.Environ()))
	for _, e := range os.Environ() {
		if !strings.HasPrefix(e, "TESTENV_PARENT_PID=") {
			env = append(env, e)
		}
	}
	err := syscall.Exec(args[0], args, env)
	fmt.Fprintf(os.Stderr, "testenv __exec %s: %v\n", args[0], err)
	return 127
}

func logf(format string, a ...any) {
	fmt.Fprintf(os.Stderr, "%s testenv: %s\n", time.Now().Format("15:04:05.000"), fmt.Sprintf(format, a...))
}
