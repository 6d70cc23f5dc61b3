package cli

import (
	"bytes"
	"check_creatio_oauth/plugin"
	"check_creatio_oauth/testdata/fixture"
	"check_creatio_oauth/testdata/sim"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"testing"
	"time"
)

func TestDirectTLS(t *testing.T) {
	identity := sim.NewIdentity(sim.IdentityConfig{Clients: map[string]string{fixture.Client: fixture.Secret}})
	srv := httptest.NewTLSServer(identity)
	t.Cleanup(srv.Close)
	env := map[string]string{"CREATIO_CLIENT_SECRET": fixture.Secret}
	args := []string{"--mode", "direct", "--identity-url", srv.URL + "/ok", "--client-id", fixture.Client}
	got, out := runPlugin(t, env, args...)
	if got != plugin.Critical || !bytes.Contains(out, []byte("not trusted")) {
		t.Errorf("untrusted certificate: state %v\n%s", got, out)
	}
	ca := fixture.WriteFile(t, "ca.pem", string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})))
	if got, out := runPlugin(t, env, append(args, "--ca-file", ca)...); got != plugin.OK {
		t.Errorf("with --ca-file: state %v\n%s", got, out)
	}
	if got, out := runPlugin(t, env, append(args, "--insecure")...); got != plugin.OK {
		t.Errorf("with --insecure: state %v\n%s", got, out)
	}
	if got, out := runPlugin(t, env, append(args, "--insecure", "--output", "json")...); got != plugin.OK || !bytes.Contains(out, []byte(`"time_tls"`)) == bytes.Contains(out, []byte(`"mode":"endpoint"`)) {
		t.Errorf("json: state %v\n%s", got, out)
	}

	// --ca-file may be given more than once: each file's CAs are trusted,
	// and a trust failure names the files tried.
	_, otherPEM := fixture.TLSServer(t, http.NotFoundHandler(), nil, []net.IP{net.IPv4(127, 0, 0, 1)}, time.Now().Add(24*time.Hour), nil)
	otherCA := fixture.WriteFile(t, "other.pem", otherPEM)
	if got, out := runPlugin(t, env, append(args, "--ca-file", otherCA, "--ca-file", ca)...); got != plugin.OK {
		t.Errorf("with two --ca-file: state %v\n%s", got, out)
	}
	// Line 1 shortens a long path in its middle (a long TMPDIR), so the whole
	// path is asserted in the long output, and line 1's sentence around it.
	if got, out := runPlugin(t, env, append(args, "--ca-file", otherCA)...); got != plugin.Critical ||
		!bytes.Contains(out, []byte("is not signed by a CA of --ca-file "+otherCA+"\n")) ||
		!regexp.MustCompile(`^[^\n]*is not signed by a CA of --ca-file /[^\n]*; give the CA that signed it \|`).Match(out) {
		t.Errorf("with the wrong --ca-file: state %v\n%s", got, out)
	}

	// An https discovery naming a plain-http token endpoint: the secret is
	// not sent, the line names the endpoint, in direct mode and at login.
	insecure := []string{"--identity-url", srv.URL + "/http-token-endpoint", "--client-id", fixture.Client, "--ca-file", ca}
	identity.ResetRequests()
	got, out = runPlugin(t, env, append([]string{"--mode", "direct"}, insecure...)...)
	if got != plugin.Critical || !bytes.Contains(out, []byte("insecure token_endpoint http://127.0.0.1:")) {
		t.Errorf("https discovery naming an http token endpoint: state %v\n%s", got, out)
	}
	creatio := sim.NewCreatio(sim.CreatioConfig{ValidateToken: identity.ValidateToken})
	c := httptest.NewServer(creatio)
	t.Cleanup(c.Close)
	got, out = runPlugin(t, env, append([]string{"-U", c.URL + "/bearer"}, insecure...)...)
	if got != plugin.Critical || !bytes.Contains(out, []byte("insecure token_endpoint http://127.0.0.1:")) {
		t.Errorf("login: https discovery naming an http token endpoint: state %v\n%s", got, out)
	}
	for _, r := range identity.Requests() {
		if r.Method == http.MethodPost {
			t.Errorf("a token request was sent: %+v", r)
		}
	}

	// A token endpoint on another host is allowed over https, and -vv
	// names it.
	got, out = runPlugin(t, env, "--mode", "direct", "--identity-url", srv.URL+"/other-host-token-endpoint", "--client-id", fixture.Client, "--insecure", "-vv")
	if got != plugin.OK || !bytes.Contains(out, []byte("\ntoken endpoint on another host than --identity-url: https://localhost:")) {
		t.Errorf("token endpoint on another host over https: state %v\n%s", got, out)
	}
}

func TestCertificate(t *testing.T) {
	creatio := sim.NewCreatio(sim.CreatioConfig{})
	t.Cleanup(creatio.Close)
	identity := sim.NewIdentity(sim.IdentityConfig{Clients: map[string]string{fixture.Client: fixture.Secret}})
	day := 24 * time.Hour
	longSrv, longPEM := fixture.TLSServer(t, creatio, []string{"localhost"}, fixture.Loopback, time.Now().Add(400*day+time.Hour), nil)
	soonSrv, soonPEM := fixture.TLSServer(t, creatio, []string{"localhost"}, fixture.Loopback, time.Now().Add(20*day+time.Hour), nil)
	// 30.5 days left: 30 whole days, which --certificate 30 warns of, as check_http -C does
	edgeSrv, edgePEM := fixture.TLSServer(t, creatio, []string{"localhost"}, fixture.Loopback, time.Now().Add(30*day+12*time.Hour), nil)
	urgentSrv, urgentPEM := fixture.TLSServer(t, creatio, []string{"localhost"}, fixture.Loopback, time.Now().Add(5*day+time.Hour), nil)
	expiredSrv, _ := fixture.TLSServer(t, creatio, []string{"localhost"}, fixture.Loopback, time.Now().Add(-2*day), nil)
	idSoon, idPEM := fixture.TLSServer(t, identity, []string{"localhost"}, fixture.Loopback, time.Now().Add(20*day+time.Hour), nil)
	env := map[string]string{"CREATIO_CLIENT_SECRET": fixture.Secret}
	for _, tc := range []struct {
		name     string
		args     []string
		want     plugin.State
		contains string
	}{
		{"long valid", []string{"-U", longSrv.URL + "/ok", "--ca-file", fixture.WriteFile(t, "a.pem", longPEM), "--certificate", "30,14"}, plugin.OK, "cert_days=400;@~:30;@~:14"},
		{"warning", []string{"-U", soonSrv.URL + "/ok", "--ca-file", fixture.WriteFile(t, "b.pem", soonPEM), "--certificate", "30,14"}, plugin.Warning, "expires in 20 day(s)"},
		{"30.5 days with --certificate 30", []string{"-U", edgeSrv.URL + "/ok", "--ca-file", fixture.WriteFile(t, "g.pem", edgePEM), "--certificate", "30"}, plugin.Warning, "expires in 30 day(s)"},
		{"critical", []string{"-U", urgentSrv.URL + "/ok", "--ca-file", fixture.WriteFile(t, "c.pem", urgentPEM), "--certificate", "30,14"}, plugin.Critical, "cert_days=5;@~:30;@~:14"},
		{"warn only", []string{"-U", urgentSrv.URL + "/ok", "--ca-file", fixture.WriteFile(t, "d.pem", urgentPEM), "--certificate", "7"}, plugin.Warning, "cert_days=5;@~:7"},
		{"expired insecure", []string{"-U", expiredSrv.URL + "/ok", "--insecure", "--certificate", "30,14"}, plugin.Critical, "expired 2 day(s) ago"},
		{"expired verified", []string{"-U", expiredSrv.URL + "/ok", "--certificate", "30,14"}, plugin.Critical, "certificate of 127.0.0.1"},
		{"health critical wins the line", []string{"-U", soonSrv.URL + "/identity-unavailable", "--ca-file", fixture.WriteFile(t, "e.pem", soonPEM), "--certificate", "30"}, plugin.Critical, wordsCreatioUnavailable},
		{"identity service in direct mode", []string{"--mode", "direct", "--identity-url", idSoon.URL + "/ok", "--client-id", fixture.Client, "--ca-file", fixture.WriteFile(t, "f.pem", idPEM), "--certificate", "30,14"}, plugin.Warning, "ids_cert_days=20;@~:30;@~:14"},
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
	srv, srvPEM := fixture.TLSServer(t, creatio, []string{"localhost"}, fixture.Loopback, time.Now().Add(100*24*time.Hour), nil)
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
	certFile := fixture.WriteFile(t, "client.pem", string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})))
	keyFile := fixture.WriteFile(t, "client.key", string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER})))
	ca := fixture.WriteFile(t, "ca.pem", srvPEM)

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
