//go:build linux

package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// healthPath is the path Creatio serves its OAuth health check at (.NET
// Framework runtime, which is the one the plugin requests with --runtime
// netfx).
const healthPath = "/0/api/OAuthHealthCheck"

// okBody is Creatio's documented 200 answer for a healthy OAuth setup.
const okBody = `{"HasProblem":false,"IsSystemSettingsFilledIn":true,"IsIdentityServiceAvailable":true,"IsAccessTokenRetrievableForSystemActions":true}`

// padPrefix introduces a base URL whose health answer is padded to a given
// size: {base}/pad/{bytes}/0/api/OAuthHealthCheck.
const padPrefix = "/pad/"

// paddedBody returns okBody with a "Pad" member of 'x' characters appended so
// that the whole body is exactly size bytes (or okBody itself when size is
// too small to hold the extra member).
func paddedBody(size int) []byte {
	const member = `,"Pad":""}`
	base := okBody[:len(okBody)-1] // without the closing brace
	n := size - len(base) - len(member)
	if n < 0 {
		return []byte(okBody)
	}
	b := make([]byte, 0, size)
	b = append(b, base...)
	b = append(b, `,"Pad":"`...)
	for i := 0; i < n; i++ {
		b = append(b, 'x')
	}
	b = append(b, `"}`...)
	return b
}

// Protocols the server speaks; each has its own listener.
const (
	protoHTTP    = "http"    // plain HTTP/1.1
	protoHTTPS   = "https"   // TLS 1.3 (what Go, curl and OpenSSL 3 negotiate), HTTP/2 offered
	protoHTTPS12 = "https12" // the same, capped at TLS 1.2 (e.g. IIS before Windows Server 2022)
	// protoHTTPSSys is the https listener, but every client verifies it
	// against the system's CA bundle plus our CA (SSL_CERT_FILE, --cacert,
	// --ca-cert), as for a certificate from a public CA: no --ca-file.
	protoHTTPSSys = "https-sys"
)

// protocols lists them in report order.
var protocols = []string{protoHTTP, protoHTTPS, protoHTTPS12, protoHTTPSSys}

// systemBundles are where Linux distributions keep the CA bundle (the list
// crypto/x509 searches).
var systemBundles = []string{
	"/etc/ssl/certs/ca-certificates.crt",
	"/etc/pki/tls/certs/ca-bundle.crt",
	"/etc/ssl/ca-bundle.pem",
	"/etc/pki/tls/cacert.pem",
	"/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
	"/etc/ssl/cert.pem",
}

// isTLS reports whether proto is one of the HTTPS variants.
func isTLS(proto string) bool { return proto != protoHTTP }

// server is the loopback Creatio stand-in run inside the harness process. It
// listens on 127.0.0.1 once per protocol and answers every path ending in
// healthPath with okBody, or with a padded body under padPrefix.
type server struct {
	CAFile string // PEM of the CA that signed the HTTPS certificate
	// SysBundle is the system CA bundle with CAFile appended, for
	// protoHTTPSSys; "" when the system has no bundle.
	SysBundle string

	bases    map[string]string // proto -> base URL, e.g. http://127.0.0.1:41234
	ports    map[string]int    // proto -> port
	requests atomic.Int64      // health requests answered so far
	padded   map[int][]byte
	servers  []*http.Server
}

// Base returns the base URL (scheme, host and port) for proto.
func (s *server) Base(proto string) string { return s.bases[proto] }

// Port returns the port for proto.
func (s *server) Port(proto string) int { return s.ports[proto] }

// Requests returns how many health requests the server has answered.
func (s *server) Requests() int64 { return s.requests.Load() }

// startServer generates a CA and a server certificate for 127.0.0.1 (keyAlg
// "rsa2048" or "p256"), writes the CA PEM into dir, precomputes the padded
// bodies for padSizes and starts a listener per protocol.
func startServer(dir, keyAlg string, padSizes []int) (*server, error) {
	s := &server{padded: map[int][]byte{}, bases: map[string]string{}, ports: map[string]int{}}
	for _, n := range padSizes {
		s.padded[n] = paddedBody(n)
	}
	cert, caPEM, err := makeCert(keyAlg)
	if err != nil {
		return nil, err
	}
	s.CAFile = filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(s.CAFile, caPEM, 0o644); err != nil {
		return nil, err
	}
	for _, f := range systemBundles {
		if sys, err := os.ReadFile(f); err == nil {
			s.SysBundle = filepath.Join(dir, "system-plus-ca.pem")
			if err := os.WriteFile(s.SysBundle, append(append(sys, '\n'), caPEM...), 0o644); err != nil {
				return nil, err
			}
			break
		}
	}

	quiet := log.New(io.Discard, "", 0) // clients that hang up early are expected
	for _, proto := range protocols {
		if proto == protoHTTPSSys {
			s.bases[proto], s.ports[proto] = s.bases[protoHTTPS], s.ports[protoHTTPS]
			continue
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			s.Close()
			return nil, err
		}
		port := ln.Addr().(*net.TCPAddr).Port
		srv := &http.Server{
			Handler:           s,
			ReadHeaderTimeout: 10 * time.Second,
			WriteTimeout:      60 * time.Second,
			ErrorLog:          quiet,
		}
		s.servers = append(s.servers, srv)
		s.ports[proto] = port
		if !isTLS(proto) {
			s.bases[proto] = fmt.Sprintf("http://127.0.0.1:%d", port)
			go func() { serveLogErr(srv.Serve(ln)) }()
			continue
		}
		s.bases[proto] = fmt.Sprintf("https://127.0.0.1:%d", port)
		srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}}
		if proto == protoHTTPS12 {
			srv.TLSConfig.MaxVersion = tls.VersionTLS12
		}
		go func() { serveLogErr(srv.ServeTLS(ln, "", "")) }()
	}
	return s, nil
}

// serveLogErr reports a listener that stopped for another reason than Close.
func serveLogErr(err error) {
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		fmt.Fprintln(os.Stderr, "bench: server:", err)
	}
}

// Close stops both listeners.
func (s *server) Close() {
	for _, srv := range s.servers {
		srv.Close()
	}
}

// ServeHTTP answers the health endpoint (any base path) and 404s the rest.
func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !strings.HasSuffix(r.URL.Path, healthPath) {
		http.NotFound(w, r)
		return
	}
	s.requests.Add(1)
	body := []byte(okBody)
	if rest, ok := strings.CutPrefix(r.URL.Path, padPrefix); ok {
		sizeStr, _, _ := strings.Cut(rest, "/")
		n, err := strconv.Atoi(sizeStr)
		b, known := s.padded[n]
		if err != nil || !known {
			http.Error(w, "unknown pad size", http.StatusNotFound)
			return
		}
		body = b
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

// newKey generates a private key of keyAlg ("rsa2048" or "p256") and
// returns it with its public key.
func newKey(keyAlg string) (any, any, error) {
	switch keyAlg {
	case "rsa2048":
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			return nil, nil, err
		}
		return k, &k.PublicKey, nil
	case "p256":
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			return nil, nil, err
		}
		return k, &k.PublicKey, nil
	}
	return nil, nil, fmt.Errorf("unknown key algorithm %q (want rsa2048 or p256)", keyAlg)
}

// makeCert returns a server certificate for 127.0.0.1/localhost signed by a
// fresh CA, and that CA's PEM.
func makeCert(keyAlg string) (tls.Certificate, []byte, error) {
	caKey, caPub, err := newKey(keyAlg)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	now := time.Now()
	caTmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "check_creatio_oauth bench CA"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, caPub, caKey)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	caCert, err := x509.ParseCertificate(caDER)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	leafKey, leafPub, err := newKey(keyAlg)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	leafTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2),
		Subject:      pkix.Name{CommonName: "127.0.0.1"},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		DNSNames:     []string{"localhost"},
	}
	leafDER, err := x509.CreateCertificate(rand.Reader, leafTmpl, caCert, leafPub, caKey)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	cert := tls.Certificate{
		Certificate: [][]byte{leafDER}, // the CA is the root: not sent
		PrivateKey:  leafKey,
	}
	caPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER})
	return cert, caPEM, nil
}
