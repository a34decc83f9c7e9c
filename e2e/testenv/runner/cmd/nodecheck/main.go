// Command nodecheck is the test tool of the local node: a static binary that works both in a pod (image
// ses-mre.local/nodecheck:1, no shell, no libc) and on the host.
//
//	nodecheck serve <addr>                                   HTTP server; GET / answers "nodecheck <hostname>"
//	nodecheck get <url> [--ca f] [--token-file f] [--timeout 30s] [--expect text]
//	                                                         GET until it answers 2xx (and contains text); prints it
//	nodecheck hog --cgroup <dir> [--max 4096] [--timeout 120s]
//	                                                         joins a cgroup v1 memory cgroup and takes memory, a page
//	                                                         at a time, until the processes that were in it are gone
//	                                                         (the kernel's OOM killer chose them), or --max MiB or
//	                                                         --timeout are reached
//
// Why hog: to test that the operator loses nothing when the kernel OOM-kills it, a process in the operator
// container's memory cgroup takes memory until the cgroup is full. The kernel then kills the process with the
// highest OOM score in the cgroup: the operator (the kubelet gives Burstable containers a score adjustment near
// 1000; this process has its parent's, 0), a real OOM kill of the real container.
package main

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: nodecheck serve <addr> | get <url> [flags] | hog --cgroup <dir> --while-pid <pid>")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "serve":
		err = serve(os.Args[2:])
	case "get":
		err = get(os.Args[2:])
	case "hog":
		err = hog(os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "nodecheck:", err)
		os.Exit(1)
	}
}

func serve(args []string) error {
	if len(args) != 1 {
		return errors.New("serve <addr>, e.g. serve :8080")
	}
	host, _ := os.Hostname()
	http.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintf(w, "nodecheck %s\n", host) })
	fmt.Printf("nodecheck serving on %s\n", args[0])
	return http.ListenAndServe(args[0], nil)
}

func get(args []string) error {
	fs := flag.NewFlagSet("get", flag.ContinueOnError)
	ca := fs.String("ca", "", "CA bundle to verify the server with")
	tokenFile := fs.String("token-file", "", "bearer token file")
	timeout := fs.Duration("timeout", 30*time.Second, "retry until")
	expect := fs.String("expect", "", "text the answer must contain")
	if len(args) < 1 {
		return errors.New("get <url> [flags]")
	}
	url := args[0]
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	tr := &http.Transport{}
	if *ca != "" {
		pem, err := os.ReadFile(*ca)
		if err != nil {
			return err
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return fmt.Errorf("no certificate in %s", *ca)
		}
		tr.TLSClientConfig = &tls.Config{RootCAs: pool}
	}
	client := &http.Client{Transport: tr, Timeout: 5 * time.Second}
	deadline := time.Now().Add(*timeout)
	var last error
	for attempt := 1; ; attempt++ {
		last = getOnce(client, url, *tokenFile, *expect)
		if last == nil {
			return nil
		}
		fmt.Fprintf(os.Stderr, "attempt %d: %v\n", attempt, last)
		if time.Now().After(deadline) {
			return last
		}
		time.Sleep(time.Second)
	}
}

func getOnce(client *http.Client, url, tokenFile, expect string) error {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	if tokenFile != "" {
		token, err := os.ReadFile(tokenFile)
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+strings.TrimSpace(string(token)))
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s answered %d: %s", url, resp.StatusCode, body)
	}
	if expect != "" && !strings.Contains(string(body), expect) {
		return fmt.Errorf("%s answered without %q: %s", url, expect, body)
	}
	fmt.Printf("%d %s\n", resp.StatusCode, strings.TrimSpace(string(body)))
	return nil
}

func hog(args []string) error {
	fs := flag.NewFlagSet("hog", flag.ContinueOnError)
	cgroup := fs.String("cgroup", "", "cgroup v1 memory cgroup directory to join")
	maxMiB := fs.Int("max", 4096, "never take more than this many MiB")
	timeout := fs.Duration("timeout", 120*time.Second, "give up after")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *cgroup == "" {
		return errors.New("hog needs --cgroup")
	}
	before, err := os.ReadFile(filepath.Join(*cgroup, "cgroup.procs"))
	if err != nil {
		return err
	}
	var targets []int
	for _, f := range strings.Fields(string(before)) {
		if p, err := strconv.Atoi(f); err == nil {
			targets = append(targets, p)
		}
	}
	if len(targets) == 0 {
		return fmt.Errorf("no process in %s", *cgroup)
	}
	if err := os.WriteFile(filepath.Join(*cgroup, "cgroup.procs"), []byte(strconv.Itoa(os.Getpid())), 0o644); err != nil {
		return fmt.Errorf("join %s: %w", *cgroup, err)
	}
	fmt.Printf("hog: pid %d in %s, taking memory while %v live\n", os.Getpid(), *cgroup, targets)
	const chunk = 4 << 20
	var held [][]byte
	deadline := time.Now().Add(*timeout)
	for anyAlive(targets) {
		if len(held)*chunk/(1<<20) >= *maxMiB || time.Now().After(deadline) {
			return fmt.Errorf("%v still alive with %d MiB taken", targets, len(held)*chunk/(1<<20))
		}
		b := make([]byte, chunk)
		for i := 0; i < len(b); i += 4096 {
			b[i] = 1 // touch every page: memory the cgroup is charged for
		}
		held = append(held, b)
	}
	fmt.Printf("hog: %v gone; held %d MiB\n", targets, len(held)*chunk/(1<<20))
	return nil
}

func anyAlive(pids []int) bool {
	for _, p := range pids {
		if alive(p) {
			return true
		}
	}
	return false
}

func alive(pid int) bool {
	if err := syscall.Kill(pid, 0); err != nil {
		return false
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	return i < 0 || i+2 >= len(s) || s[i+2] != 'Z'
}
