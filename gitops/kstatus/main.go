// Command kstatus prints the kstatus of live MultiRegionEndpoint objects, computed by the same library Flux and
// the cli-utils "kubectl wait"-style tooling use (sigs.k8s.io/cli-utils/pkg/kstatus/status), so the e2e suite
// can check that the operator's conditions mean what GitOps tools expect without any glue.
//
//	kstatus --kubeconfig FILE --namespace NS NAME...
//
// prints one line per object: "<name> <status> <message>" (status: InProgress, Current, Failed, Terminating,
// NotFound, Unknown). Exit code 0 when every object could be read (NotFound is a status, not an error).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/cli-utils/pkg/kstatus/status"
)

var mre = schema.GroupVersionResource{Group: "ses.mre.dev", Version: "v1alpha1", Resource: "multiregionendpoints"}

func main() {
	kubeconfig := flag.String("kubeconfig", os.Getenv("KUBECONFIG"), "kubeconfig file")
	namespace := flag.String("namespace", "default", "namespace of the objects")
	flag.Parse()
	if flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "usage: kstatus --kubeconfig FILE --namespace NS NAME...")
		os.Exit(2)
	}
	cfg, err := clientcmd.BuildConfigFromFlags("", *kubeconfig)
	if err != nil {
		fmt.Fprintln(os.Stderr, "kstatus:", err)
		os.Exit(1)
	}
	client, err := dynamic.NewForConfig(cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, "kstatus:", err)
		os.Exit(1)
	}
	for _, name := range flag.Args() {
		obj, err := client.Resource(mre).Namespace(*namespace).Get(context.Background(), name, metav1.GetOptions{})
		if apierrors.IsNotFound(err) {
			fmt.Printf("%s %s %s\n", name, status.NotFoundStatus, "not found")
			continue
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "kstatus:", err)
			os.Exit(1)
		}
		res, err := status.Compute(obj)
		if err != nil {
			fmt.Fprintln(os.Stderr, "kstatus:", err)
			os.Exit(1)
		}
		fmt.Printf("%s %s %s\n", name, res.Status, res.Message)
	}
}
