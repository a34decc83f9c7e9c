// Command pause is the sandbox ("pause") container of the local node's pods: the first process of every pod, it
// holds the pod's namespaces, reaps the zombies of a shared PID namespace and exits on SIGINT or SIGTERM.
// Kubernetes' own pause is a C program of these few lines (build/pause/linux/pause.c of kubernetes/kubernetes);
// this is the same in Go so that a static binary needs no C toolchain. testenv.sh node-build packs it as the
// image ses-mre.local/pause:3.10, which containerd's CRI plugin names as sandbox_image.
package main

import (
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "-v" {
		fmt.Println("pause (ses-mre-operator e2e/testenv)")
		return
	}
	if os.Getpid() != 1 {
		fmt.Fprintln(os.Stderr, "pause: warning: not the first process of its PID namespace")
	}
	sigs := make(chan os.Signal, 16)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGCHLD)
	for s := range sigs {
		if s != syscall.SIGCHLD {
			fmt.Fprintf(os.Stderr, "pause: shutting down, got signal %v\n", s)
			os.Exit(0)
		}
		for {
			var status syscall.WaitStatus
			if pid, err := syscall.Wait4(-1, &status, syscall.WNOHANG, nil); pid <= 0 || err != nil {
				break
			}
		}
	}
}
