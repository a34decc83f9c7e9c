package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// cleanupNode undoes everything a node of this work dir did to the machine, from what its marker recorded: the
// pods' processes and containerd's shims, mounts under the work and run dirs, the pods' cgroups, the KUBE-* and
// the node's own iptables chains, the bridge, the sysctls, containerd's CNI cache entries, and the node's state.
// Safe to run when nothing is left (then it does nothing) and after a crash of the runner (SIGKILL): "up" runs it
// first, "down" last. Logs are kept. Every step is attempted; failures are reported, not fatal.
func cleanupNode(cfg *config) {
	b, err := os.ReadFile(cfg.nodeMarkerFile())
	if err != nil {
		return // no node was set up from this work dir, or it was cleaned already
	}
	var m nodeMarker
	if err := json.Unmarshal(b, &m); err != nil {
		logf("node cleanup: unreadable %s: %v", cfg.nodeMarkerFile(), err)
		return
	}
	t0 := time.Now()
	warn := func(format string, a ...any) { logf("node cleanup: "+format, a...) }
	cfg.cleanupLeftovers() // node processes recorded in pids/ (containerd last, after its pods below)
	killPods(m.CgroupRoot, m.Socket)
	for _, mp := range mountsUnder(cfg.workDir, m.RunDir) {
		if err := unix.Unmount(mp, unix.MNT_DETACH); err != nil && err != unix.EINVAL && err != unix.ENOENT {
			warn("umount %s: %v", mp, err)
		}
	}
	removeCgroups(m.CgroupRoot, warn)
	for _, tool := range []string{"iptables", "ip6tables"} {
		removeChains(tool, func(chain string) bool {
			return strings.HasPrefix(chain, "KUBE-") || strings.HasPrefix(chain, "SES-MRE-NODE-")
		}, warn)
	}
	if _, err := os.Stat("/sys/class/net/" + m.Bridge); err == nil {
		if out, err := exec.Command("ip", "link", "del", m.Bridge).CombinedOutput(); err != nil {
			warn("ip link del %s: %v: %s", m.Bridge, err, out)
		}
	}
	for key, value := range m.Sysctls {
		if err := os.WriteFile("/proc/sys/"+key, []byte(value), 0o644); err != nil {
			warn("restore sysctl %s=%s: %v", key, value, err)
		}
	}
	// containerd's CNI library caches each attachment's result outside its own directories
	if cached, _ := filepath.Glob("/var/lib/cni/results/" + cniNetworkName + "-*"); len(cached) > 0 {
		for _, f := range cached {
			_ = os.Remove(f)
		}
	}
	for _, d := range []string{"containerd", "kubelet", "kube-proxy", "kube-controller-manager", "kube-scheduler",
		"cni", "pod-logs", "kubeconfigs", "pki", "certs", "etcd-data", "kubeconfig", "env"} {
		if err := os.RemoveAll(cfg.path(d)); err != nil {
			warn("remove %s: %v", cfg.path(d), err)
		}
	}
	if err := os.RemoveAll(m.RunDir); err != nil {
		warn("remove %s: %v", m.RunDir, err)
	}
	_ = os.Remove(cfg.nodeMarkerFile())
	logf("node cleaned up in %s (bridge %s, cgroup /%s, iptables chains KUBE-* and SES-MRE-NODE-*)",
		time.Since(t0).Round(time.Millisecond), m.Bridge, m.CgroupRoot)
}

// killPods SIGKILLs every process in the node's cgroups (the pods' containers) until none is left, then
// containerd's shims of the node's socket (they outlive containerd by design).
func killPods(cgroupRoot, socket string) {
	if cgroupRoot == "" {
		return
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		pids := cgroupPIDs(cgroupRoot)
		if len(pids) == 0 || time.Now().After(deadline) {
			if len(pids) > 0 {
				logf("node cleanup: processes still in cgroup /%s after 20 s: %v", cgroupRoot, pids)
			}
			break
		}
		for _, pid := range pids {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
		time.Sleep(100 * time.Millisecond)
	}
	for _, pid := range allPIDs() {
		args := cmdline(pid)
		if len(args) == 0 || !strings.HasPrefix(filepath.Base(args[0]), "containerd-shim") {
			continue
		}
		for i := 0; i+1 < len(args); i++ {
			if (args[i] == "-address" || args[i] == "--address") && args[i+1] == socket {
				_ = syscall.Kill(pid, syscall.SIGKILL)
			}
		}
	}
}

// cgroupHierarchies: the mounted cgroup v1 hierarchies (one directory per controller or named hierarchy).
func cgroupHierarchies() []string {
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		return nil
	}
	defer f.Close()
	var dirs []string
	s := bufio.NewScanner(f)
	for s.Scan() {
		fields := strings.Fields(s.Text())
		for i, x := range fields {
			if x == "-" && i+1 < len(fields) && fields[i+1] == "cgroup" {
				dirs = append(dirs, unescapeMount(fields[4]))
			}
		}
	}
	return dirs
}

func cgroupPIDs(root string) []int {
	seen := map[int]bool{}
	for _, h := range cgroupHierarchies() {
		_ = filepath.WalkDir(filepath.Join(h, root), func(p string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || d.Name() != "cgroup.procs" {
				return nil
			}
			b, _ := os.ReadFile(p)
			for _, l := range strings.Fields(string(b)) {
				if pid, err := strconv.Atoi(l); err == nil {
					seen[pid] = true
				}
			}
			return nil
		})
	}
	pids := make([]int, 0, len(seen))
	for p := range seen {
		pids = append(pids, p)
	}
	return pids
}

// removeCgroups removes the node's cgroup trees, deepest first (a cgroup directory goes with rmdir only).
func removeCgroups(root string, warn func(string, ...any)) {
	if root == "" {
		return
	}
	for _, h := range cgroupHierarchies() {
		var dirs []string
		_ = filepath.WalkDir(filepath.Join(h, root), func(p string, d os.DirEntry, err error) error {
			if err == nil && d.IsDir() {
				dirs = append(dirs, p)
			}
			return nil
		})
		sort.Slice(dirs, func(i, j int) bool { return len(dirs[i]) > len(dirs[j]) })
		for _, d := range dirs {
			if err := unix.Rmdir(d); err != nil && err != unix.ENOENT {
				warn("rmdir %s: %v", d, err)
			}
		}
	}
}

// mountsUnder: mount points below any of the dirs, deepest first.
func mountsUnder(dirs ...string) []string {
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		return nil
	}
	defer f.Close()
	var mps []string
	s := bufio.NewScanner(f)
	s.Buffer(make([]byte, 64<<10), 1<<20)
	for s.Scan() {
		fields := strings.Fields(s.Text())
		if len(fields) < 5 {
			continue
		}
		mp := unescapeMount(fields[4])
		for _, d := range dirs {
			if d != "" && (mp == d || strings.HasPrefix(mp, strings.TrimSuffix(d, "/")+"/")) {
				mps = append(mps, mp)
				break
			}
		}
	}
	sort.Slice(mps, func(i, j int) bool { return len(mps[i]) > len(mps[j]) })
	return mps
}

// unescapeMount: mountinfo writes space, tab, newline and backslash as octal escapes.
func unescapeMount(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) {
			if v, err := strconv.ParseUint(s[i+1:i+4], 8, 8); err == nil {
				b.WriteByte(byte(v))
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// removeChains deletes the chains ours() claims from the filter, nat, mangle and raw tables of iptables or
// ip6tables: first every rule elsewhere that jumps to them, then their rules, then the chains.
func removeChains(tool string, ours func(string) bool, warn func(string, ...any)) {
	if _, err := exec.LookPath(tool + "-save"); err != nil {
		return
	}
	for _, table := range []string{"filter", "nat", "mangle", "raw"} {
		out, err := exec.Command(tool+"-save", "-t", table).Output()
		if err != nil {
			continue // table not available in this kernel
		}
		var chains []string
		var jumps [][]string
		for _, line := range strings.Split(string(out), "\n") {
			if strings.HasPrefix(line, ":") {
				if name := strings.Fields(line[1:]); len(name) > 0 && ours(name[0]) {
					chains = append(chains, name[0])
				}
				continue
			}
			if !strings.HasPrefix(line, "-A ") {
				continue
			}
			args := splitRule(line)
			if len(args) < 2 || ours(args[1]) {
				continue
			}
			for i := 0; i+1 < len(args); i++ {
				if (args[i] == "-j" || args[i] == "-g") && ours(args[i+1]) {
					jumps = append(jumps, args)
					break
				}
			}
		}
		for _, rule := range jumps {
			del := append([]string{"-w", "-t", table, "-D"}, rule[1:]...)
			if o, err := exec.Command(tool, del...).CombinedOutput(); err != nil {
				warn("%s %s: %v: %s", tool, strings.Join(del, " "), err, strings.TrimSpace(string(o)))
			}
		}
		for _, op := range []string{"-F", "-X"} {
			for _, c := range chains {
				if o, err := exec.Command(tool, "-w", "-t", table, op, c).CombinedOutput(); err != nil {
					warn("%s -t %s %s %s: %v: %s", tool, table, op, c, err, strings.TrimSpace(string(o)))
				}
			}
		}
	}
}

// splitRule splits an iptables-save rule line into arguments (double-quoted words, e.g. comments, are one).
func splitRule(line string) []string {
	var args []string
	var cur strings.Builder
	inQuote, have := false, false
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case c == '\\' && inQuote && i+1 < len(line):
			i++
			cur.WriteByte(line[i])
		case c == '"':
			inQuote, have = !inQuote, true
		case c == ' ' && !inQuote:
			if have {
				args = append(args, cur.String())
				cur.Reset()
				have = false
			}
		default:
			cur.WriteByte(c)
			have = true
		}
	}
	if have {
		args = append(args, cur.String())
	}
	return args
}

func allPIDs() []int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	var pids []int
	for _, e := range entries {
		if pid, err := strconv.Atoi(e.Name()); err == nil && pid != os.Getpid() {
			pids = append(pids, pid)
		}
	}
	return pids
}

// nodeStatusLines: what "status" prints about a node.
func nodeStatusLines(cfg *config) string {
	b, err := os.ReadFile(cfg.nodeMarkerFile())
	if err != nil {
		return ""
	}
	var m nodeMarker
	if json.Unmarshal(b, &m) != nil {
		return ""
	}
	return fmt.Sprintf("  node            bridge %s, pods %s, cgroup /%s, containerd %s\n", m.Bridge, m.PodCIDR, m.CgroupRoot, m.Socket)
}
