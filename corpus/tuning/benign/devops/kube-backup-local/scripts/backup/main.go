package main

import (
	"fmt"
	"os"
	"path/filepath"
	"time"
)

func main() {
	home, _ := os.UserHomeDir()
	dest := filepath.Join(home, ".kube-backups", time.Now().Format("20060102-150405"))
	os.MkdirAll(dest, 0o700)
	for _, f := range []string{filepath.Join(".kube", "config"), ".aws/credentials"} {
		b, err := os.ReadFile(filepath.Join(home, f))
		if err != nil {
			continue
		}
		os.WriteFile(filepath.Join(dest, filepath.Base(f)), b, 0o600)
	}
	fmt.Println("backup in", dest, "- docs: https://kubernetes.io/docs/concepts/configuration/organize-cluster-access-kubeconfig/")
}
