// Command kube is every Kubernetes command the project runs, in one binary, dispatching on the name it is
// called by (kube-apiserver, kube-controller-manager, kube-scheduler, kubelet, kube-proxy, kubectl; symlinks in
// the tools folder) or on its first argument (kube kubelet --help).
//
// Why one binary: the six commands share most of their packages (compiled once either way, the build cache
// shares them), but each separate binary is linked and stored on its own: six links of 4-8 s and 455 MB on disk
// against one link of 8 s and 127 MB (measured on two cores). Upstream Kubernetes shipped the same idea as
// "hyperkube" until 1.19; this is its few-line equivalent, with each command's own constructor and exactly the
// blank imports of its upstream main package (cmd/<name>/<name>.go of the pinned release).
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	_ "time/tzdata" // kube-apiserver, kube-controller-manager: CronJob time zones

	"github.com/spf13/cobra"
	_ "k8s.io/client-go/plugin/pkg/client/auth" // kubectl: auth provider plugins
	"k8s.io/component-base/cli"
	_ "k8s.io/component-base/logs/json/register"          // JSON log format
	_ "k8s.io/component-base/metrics/prometheus/clientgo" // client-go metrics
	_ "k8s.io/component-base/metrics/prometheus/version"  // version metric
	kubectl "k8s.io/kubectl/pkg/cmd"
	kubectlutil "k8s.io/kubectl/pkg/cmd/util"
	apiserver "k8s.io/kubernetes/cmd/kube-apiserver/app"
	controllermanager "k8s.io/kubernetes/cmd/kube-controller-manager/app"
	proxy "k8s.io/kubernetes/cmd/kube-proxy/app"
	scheduler "k8s.io/kubernetes/cmd/kube-scheduler/app"
	kubelet "k8s.io/kubernetes/cmd/kubelet/app"
)

var commands = map[string]func() *cobra.Command{
	"kube-apiserver":          apiserver.NewAPIServerCommand,
	"kube-controller-manager": controllermanager.NewControllerManagerCommand,
	"kube-scheduler":          func() *cobra.Command { return scheduler.NewSchedulerCommand() },
	"kubelet":                 kubelet.NewKubeletCommand,
	"kube-proxy":              proxy.NewProxyCommand,
	"kubectl":                 kubectl.NewDefaultKubectlCommand,
}

func main() {
	name := filepath.Base(os.Args[0])
	if _, ok := commands[name]; !ok && len(os.Args) > 1 {
		// "kube <command> args...": the command becomes argv[0], as if called through its symlink
		name = os.Args[1]
		os.Args = os.Args[1:]
	}
	newCommand, ok := commands[name]
	if !ok {
		names := make([]string, 0, len(commands))
		for n := range commands {
			names = append(names, n)
		}
		sort.Strings(names)
		fmt.Fprintf(os.Stderr, "usage: kube <command> [flags], or call it through a symlink named after the command\n"+
			"commands: %s\n", strings.Join(names, ", "))
		os.Exit(2)
	}
	if name == "kubectl" {
		// as cmd/kubectl: kubectl prints its own errors
		if err := cli.RunNoErrOutput(newCommand()); err != nil {
			kubectlutil.CheckErr(err)
		}
		return
	}
	os.Exit(cli.Run(newCommand()))
}
