package main

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"check_creatio_oauth/plugin"
	"check_creatio_oauth/testdata/sim"
)

// tlsServer serves h with a self-signed certificate for 127.0.0.1 valid
// until notAfter; it returns the server and the certificate's PEM.
func tlsServer(t *testing.T, h http.Handler, notAfter time.Time) (*httptest.Server, string) {
	t.Helper()
	return tlsServerFor(t, h, []string{"localhost"}, []net.IP{net.IPv4(127, 0, 0, 1)}, notAfter)
}

// tlsServerFor serves h with a self-signed certificate for dnsNames and ips,
// valid until notAfter; it returns the server and the certificate's PEM.
func tlsServerFor(t *testing.T, h http.Handler, dnsNames []string, ips []net.IP, notAfter time.Time) (*httptest.Server, string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(time.Now().UnixNano()),
		Subject:               pkix.Name{CommonName: "creatio test"},
		NotBefore:             notAfter.Add(-1000 * 24 * time.Hour),
		NotAfter:              notAfter,
		IPAddresses:           ips,
		DNSNames:              dnsNames,
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(h)
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // handshake errors are the point of some tests
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv, string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}

func TestCertificate(t *testing.T) {
	creatio := sim.NewCreatio(sim.CreatioConfig{})
	t.Cleanup(creatio.Close)
	identity := sim.NewIdentity(sim.IdentityConfig{Clients: map[string]string{testClient: testSecret}})
	day := 24 * time.Hour
	longSrv, longPEM := tlsServer(t, creatio, time.Now().Add(400*day))
	soonSrv, soonPEM := tlsServer(t, creatio, time.Now().Add(20*day))
	urgentSrv, urgentPEM := tlsServer(t, creatio, time.Now().Add(5*day))
	expiredSrv, _ := tlsServer(t, creatio, time.Now().Add(-2*day))
	idSoon, idPEM := tlsServer(t, identity, time.Now().Add(20*day))
	env := map[string]string{"CREATIO_CLIENT_SECRET": testSecret}
	for _, tc := range []struct {
		name     string
		args     []string
		want     plugin.State
		contains string
	}{
		{"long valid", []string{"-U", longSrv.URL + "/ok", "--ca-file", writeFile(t, "a.pem", longPEM), "--certificate", "30,14"}, plugin.OK, "cert_days=400;30:;14:"},
		{"warning", []string{"-U", soonSrv.URL + "/ok", "--ca-file", writeFile(t, "b.pem", soonPEM), "--certificate", "30,14"}, plugin.Warning, "valid for 20.0 more days"},
		{"critical", []string{"-U", urgentSrv.URL + "/ok", "--ca-file", writeFile(t, "c.pem", urgentPEM), "--certificate", "30,14"}, plugin.Critical, "cert_days=5;30:;14:"},
		{"warn only", []string{"-U", urgentSrv.URL + "/ok", "--ca-file", writeFile(t, "d.pem", urgentPEM), "--certificate", "7"}, plugin.Warning, "cert_days=5;7:"},
		{"expired insecure", []string{"-U", expiredSrv.URL + "/ok", "--insecure", "--certificate", "30,14"}, plugin.Critical, "expired 2.0 days ago"},
		{"expired verified", []string{"-U", expiredSrv.URL + "/ok", "--certificate", "30,14"}, plugin.Critical, "certificate of 127.0.0.1"},
		{"health critical wins the line", []string{"-U", soonSrv.URL + "/identity-unavailable", "--ca-file", writeFile(t, "e.pem", soonPEM), "--certificate", "30"}, plugin.Critical, "IdentityService specified"},
		{"identity service in direct mode", []string{"--mode", "direct", "--identity-url", idSoon.URL + "/ok", "--client-id", testClient, "--ca-file", writeFile(t, "f.pem", idPEM), "--certificate", "30,14"}, plugin.Warning, "ids_cert_days=20;30:;14:"},
		{"bad option", []string{"-U", longSrv.URL + "/ok", "--certificate", "14,30"}, plugin.Unknown, "--certificate \"14,30\": want WARN_DAYS[,CRIT_DAYS]"},
		{"nan option", []string{"-U", longSrv.URL + "/ok", "--certificate", "NaN"}, plugin.Unknown, "want WARN_DAYS"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, out := runPlugin(t, env, tc.args...)
			if got != tc.want {
				t.Errorf("state %v, want %v\n%s", got, tc.want, out)
			}
			if !bytes.Contains(out, []byte(tc.contains)) {
				t.Errorf("output lacks %q:\n%s", tc.contains, out)
			}
			checkShape(t, out, tc.want != plugin.Unknown)
		})
	}
}

func TestClientCertificate(t *testing.T) {
	creatio := sim.NewCreatio(sim.CreatioConfig{})
	t.Cleanup(creatio.Close)
	srv, srvPEM := tlsServer(t, creatio, time.Now().Add(100*24*time.Hour))
	// A client certificate and the pool that the server trusts it by.
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "monitoring"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
		BasicConstraintsValid: true, IsCA: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	srv.TLS.ClientAuth = tls.RequireAndVerifyClientCert
	srv.TLS.ClientCAs = pool
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile := writeFile(t, "client.pem", string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})))
	keyFile := writeFile(t, "client.key", string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER})))
	ca := writeFile(t, "ca.pem", srvPEM)

	if got, out := runPlugin(t, nil, "-U", srv.URL+"/ok", "--ca-file", ca, "--client-cert", certFile, "--client-key", keyFile); got != plugin.OK {
		t.Errorf("with the client certificate: state %v\n%s", got, out)
	}
	got, out := runPlugin(t, nil, "-U", srv.URL+"/ok", "--ca-file", ca)
	if got != plugin.Critical {
		t.Errorf("without a client certificate: state %v, want CRITICAL\n%s", got, out)
	}
	if !bytes.Contains(out, []byte("--client-cert")) {
		t.Errorf("the line does not point at --client-cert:\n%s", out)
	}
	checkShape(t, out, true)
	if got, out := runPlugin(t, nil, "-U", srv.URL+"/ok", "--client-cert", certFile, "--client-key", ca); got != plugin.Unknown {
		t.Errorf("key file without a key: state %v, want UNKNOWN\n%s", got, out)
	}
}
