// Command bareget is the benchmark's baseline: the least a Go program can do
// to perform one health check. It issues one net/http GET and prints the
// body, nothing else (no flag package, no JSON decoding).
//
// Usage:
//
//	bareget URL [CA_PEM_FILE]
//
// With CA_PEM_FILE the TLS client trusts exactly the certificates in that
// file, the way check_creatio_oauth does with --ca-file; without it the
// system roots are used. Exit status is 0 for a 2xx answer, 2 for any other
// status, 3 for a usage or transport error.
//
// The harness builds it with the same flags as the plugin's release build
// (-trimpath -ldflags "-s -w") so that the comparison is like for like.
package main

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net/http"
	"os"
)

// main performs the GET; see the package comment.
func main() {
	if len(os.Args) < 2 || len(os.Args) > 3 {
		fmt.Fprintln(os.Stderr, "usage: bareget URL [CA_PEM_FILE]")
		os.Exit(3)
	}
	if len(os.Args) == 3 {
		pem, err := os.ReadFile(os.Args[2])
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(3)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			fmt.Fprintln(os.Stderr, "no certificate in", os.Args[2])
			os.Exit(3)
		}
		http.DefaultTransport.(*http.Transport).TLSClientConfig = &tls.Config{RootCAs: pool}
	}
	resp, err := http.Get(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	os.Stdout.Write(body)
	fmt.Println()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		os.Exit(2)
	}
}
