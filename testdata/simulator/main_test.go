package main

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"check_creatio_oauth/testdata/sim"
)

func TestList(t *testing.T) {
	var out, errOut strings.Builder
	if code := run(context.Background(), []string{"-list"}, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != len(sim.Scenarios) {
		t.Fatalf("%d lines for %d scenarios", len(lines), len(sim.Scenarios))
	}
	for i, l := range lines {
		f := strings.Split(l, "\t")
		if len(f) != 3 || f[0] != sim.Scenarios[i].Name || f[2] != sim.Scenarios[i].Description {
			t.Errorf("line %q", l)
		}
	}
	if !strings.HasPrefix(out.String(), "ok\t0\t") {
		t.Errorf("first line %q", lines[0])
	}
	for _, want := range []string{"ok-bom\t0\t", "problem-bom\t2\t", "ok-camel\t0\t", "problem-camel\t2\t", "healthy-500\t2\t",
		"bad-gateway\t2\t", "forms-problem\t2\t", "forms-html-500\t2\t", "forms-hang\t2\t", "forms-bom\t0\t", "forms-secure\t0\t"} {
		if !strings.Contains(out.String(), "\n"+want) {
			t.Errorf("-list lacks %q", want)
		}
	}
}

func TestListIdentity(t *testing.T) {
	var out, errOut strings.Builder
	if code := run(context.Background(), []string{"-list-idp"}, &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != len(sim.IdentityVariants) {
		t.Fatalf("%d lines for %d variants", len(lines), len(sim.IdentityVariants))
	}
	for i, l := range lines {
		v := sim.IdentityVariants[i]
		if l != fmt.Sprintf("%s\t%d\t%s", v.Name, v.Want, v.Description) {
			t.Errorf("line %q", l)
		}
	}
	for _, want := range []string{"unavailable-503\t2\t", "echo\t2\t", "echo-500\t2\t", "http-token-endpoint\t0\t",
		"other-host-token-endpoint\t2\t", "bom\t0\t", "form-token\t0\t"} {
		if !strings.Contains(out.String(), "\n"+want) {
			t.Errorf("-list-idp lacks %q", want)
		}
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{{"-nope"}, {"extra"}, {"-cert-out", "x.pem"}, {"-client-id", "noperm"}} {
		if code := run(context.Background(), args, io.Discard, io.Discard); code != exitUsage {
			t.Errorf("%v: exit %d", args, code)
		}
	}
	if code := run(context.Background(), []string{"-h"}, io.Discard, io.Discard); code != 0 {
		t.Errorf("-h: exit %d", code)
	}
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty")
	if err := os.WriteFile(empty, []byte("\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	args := []string{"-listen", "127.0.0.1:0", "-idp-listen", "127.0.0.1:0", "-password-file", empty}
	if code := run(context.Background(), args, io.Discard, io.Discard); code != exitRuntimeError {
		t.Errorf("empty password file: exit %d", code)
	}
}

// TestServeTLS starts the simulator on free ports with TLS and custom
// credentials, uses both servers through the written certificate, and stops
// it by cancelling the context (as SIGINT does).
func TestServeTLS(t *testing.T) {
	dir := t.TempDir()
	certFile := filepath.Join(dir, "sim.pem")
	pwFile := filepath.Join(dir, "pw")
	secretFile := filepath.Join(dir, "secret")
	if err := os.WriteFile(pwFile, []byte("file-password\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(secretFile, []byte("file-secret\r\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	// The stderr banner is read below to check that no non-default secret is printed.
	stderr := &lockedWriter{}
	done := make(chan int, 1)
	go func() {
		code := run(ctx, []string{
			"-listen", "127.0.0.1:0", "-idp-listen", "127.0.0.1:0", "-tls", "-cert-out", certFile,
			"-password-file", pwFile, "-client-secret-file", secretFile, "-client-id", "mon",
		}, pw, stderr)
		pw.Close()
		done <- code
	}()

	sc := bufio.NewScanner(pr)
	urls := map[string]string{}
	for len(urls) < 2 && sc.Scan() {
		name, u, ok := strings.Cut(sc.Text(), " ")
		if !ok || !strings.HasPrefix(u, "https://127.0.0.1:") || strings.HasSuffix(u, ":0") {
			t.Fatalf("line %q", sc.Text())
		}
		urls[name] = u
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	if urls["creatio"] == "" || urls["identity"] == "" {
		t.Fatalf("printed %v", urls)
	}

	pemBytes, err := os.ReadFile(certFile)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pemBytes) {
		t.Fatal("no certificate in -cert-out file")
	}
	tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	// The certificate also covers "localhost".
	for _, base := range []string{urls["creatio"], strings.Replace(urls["creatio"], "127.0.0.1", "localhost", 1)} {
		resp, err := client.Get(base + "/ok/0/api/OAuthHealthCheck")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(b) != sim.BodyOK {
			t.Errorf("%s ok: %q", base, b)
		}
	}

	cc := clientcredentials.Config{ClientID: "mon", ClientSecret: "file-secret", TokenURL: urls["identity"] + "/ok/connect/token"}
	tok, err := cc.Token(context.WithValue(ctx, oauth2.HTTPClient, client))
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodGet, urls["creatio"]+"/bearer/0/api/OAuthHealthCheck", nil)
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("bearer with simulator token: %d", resp.StatusCode)
	}

	// Login with the password from the file.
	resp, err = client.Post(urls["creatio"]+"/forms/ServiceModel/AuthService.svc/Login", "application/json",
		strings.NewReader(`{"UserName":"Supervisor","UserPassword":"file-password"}`))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(b), `"Code":0`) {
		t.Errorf("login: %s", b)
	}
	// And the logout of that session, with its cookies and BPMCSRF header.
	req, _ = http.NewRequest(http.MethodPost, urls["creatio"]+"/forms"+sim.LogoutPath, nil)
	for _, ck := range resp.Cookies() {
		req.AddCookie(ck)
		if ck.Name == sim.CookieCSRF {
			req.Header.Set(sim.HeaderCSRF, ck.Value)
		}
	}
	resp, err = client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || len(resp.Cookies()) != 3 {
		t.Errorf("logout: %d %v", resp.StatusCode, resp.Cookies())
	}

	// A hanging request must not block the shutdown: it is on its way (its
	// request written) before the simulator is told to stop.
	// WroteRequest comes once per attempt: the transport writes the request
	// again on a new connection when a reused one was closed under it.
	wrote := make(chan struct{})
	var wroteOnce sync.Once
	hangReq, err := http.NewRequestWithContext(httptrace.WithClientTrace(context.Background(),
		&httptrace.ClientTrace{WroteRequest: func(httptrace.WroteRequestInfo) { wroteOnce.Do(func() { close(wrote) }) }}),
		http.MethodGet, urls["creatio"]+"/hang/0/api/OAuthHealthCheck", nil)
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		if resp, err := client.Do(hangReq); err == nil {
			resp.Body.Close()
		}
	}()
	<-wrote

	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("exit %d", code)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("simulator did not stop")
	}
	banner := stderr.String()
	for _, secret := range []string{"file-password", "file-secret"} {
		if strings.Contains(banner, secret) {
			t.Errorf("stderr shows %q: %s", secret, banner)
		}
	}
	if !strings.Contains(banner, "noperm") {
		t.Errorf("stderr lacks the demo-defaults message: %s", banner)
	}
}

// lockedWriter is a strings.Builder safe for concurrent use.
type lockedWriter struct {
	mu sync.Mutex
	b  strings.Builder
}

func (w *lockedWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func (w *lockedWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}

func TestDisplayAddr(t *testing.T) {
	addr := &net.TCPAddr{IP: net.IPv4zero, Port: 4711}
	for listen, want := range map[string]string{
		"127.0.0.1:0":   "127.0.0.1:4711",
		"localhost:0":   "localhost:4711",
		":0":            "127.0.0.1:4711",
		"0.0.0.0:8080":  "127.0.0.1:4711",
		"[::]:0":        "127.0.0.1:4711",
		"[::1]:0":       "[::1]:4711",
		"crm.test:8080": "crm.test:4711",
	} {
		if got := displayAddr(listen, addr); got != want {
			t.Errorf("displayAddr(%q) = %q, want %q", listen, got, want)
		}
	}
}

// TestDemoCredentials starts the simulator without secret files: it takes
// make demo's password, which is not the user's name (a redacted password
// then reads "[redacted]" where the user's name belongs), and says so.
func TestDemoCredentials(t *testing.T) {
	if sim.DemoPassword == sim.DemoUser || strings.Contains(sim.DemoPassword, sim.DemoUser) || strings.Contains(sim.DemoUser, sim.DemoPassword) {
		t.Fatalf("the demo password %q is the user's name %q", sim.DemoPassword, sim.DemoUser)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	stderr := &lockedWriter{}
	done := make(chan int, 1)
	go func() {
		code := run(ctx, []string{"-listen", "127.0.0.1:0", "-idp-listen", "127.0.0.1:0"}, pw, stderr)
		pw.Close()
		done <- code
	}()
	sc := bufio.NewScanner(pr)
	if !sc.Scan() {
		t.Fatal("the simulator printed nothing")
	}
	name, creatio, _ := strings.Cut(sc.Text(), " ")
	if name != "creatio" {
		t.Fatalf("first line %q", sc.Text())
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()

	client := &http.Client{Timeout: 10 * time.Second}
	for _, tc := range []struct {
		password string
		code     string
	}{{sim.DemoPassword, `"Code":0`}, {sim.DemoUser, `"Code":1`}} {
		body := fmt.Sprintf(`{"UserName":%q,"UserPassword":%q}`, sim.DemoUser, tc.password)
		resp, err := client.Post(creatio+"/forms"+sim.AuthServicePath, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.Contains(string(b), tc.code) {
			t.Errorf("login with password %q: %s, want %s", tc.password, b, tc.code)
		}
	}
	cancel()
	if code := <-done; code != 0 {
		t.Errorf("exit %d", code)
	}
	if want := "Creatio user " + sim.DemoUser + " password " + sim.DemoPassword; !strings.Contains(stderr.String(), want) {
		t.Errorf("stderr lacks %q: %s", want, stderr.String())
	}
}

// TestStatsPathIsNoScenario: the stats path's first element is no scenario
// or Identity Service variant name, so it shadows none of their paths.
func TestStatsPathIsNoScenario(t *testing.T) {
	first, _, _ := strings.Cut(strings.TrimPrefix(statsPath, "/"), "/")
	if _, ok := sim.Lookup(first); ok {
		t.Errorf("%q is a scenario", first)
	}
	if _, ok := sim.LookupIdentity(first); ok {
		t.Errorf("%q is an Identity Service variant", first)
	}
}

// TestStats starts the simulator, logs in by forms twice, logs one session
// out and gets a token, and reads the counters from GET {creatio}/_sim/stats
// before and after; reading them changes none, the Identity Service listener
// does not serve them, and a POST is refused.
func TestStats(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	go func() {
		code := run(ctx, []string{"-listen", "127.0.0.1:0", "-idp-listen", "127.0.0.1:0"}, pw, io.Discard)
		pw.Close()
		done <- code
	}()
	sc := bufio.NewScanner(pr)
	urls := map[string]string{}
	for len(urls) < 2 && sc.Scan() {
		name, u, _ := strings.Cut(sc.Text(), " ")
		urls[name] = u
	}
	go func() { _, _ = io.Copy(io.Discard, pr) }()
	defer func() {
		cancel()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Error("simulator did not stop")
		}
	}()
	creatio, identity := urls["creatio"], urls["identity"]
	if creatio == "" || identity == "" {
		t.Fatalf("printed %v", urls)
	}
	client := &http.Client{Timeout: 10 * time.Second}
	read := func() (stats, string) {
		t.Helper()
		resp, err := client.Get(creatio + statsPath)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/json" {
			t.Fatalf("stats: %d %q %s", resp.StatusCode, resp.Header.Get("Content-Type"), b)
		}
		var s stats
		if err := json.Unmarshal(b, &s); err != nil {
			t.Fatalf("stats %s: %v", b, err)
		}
		return s, string(b)
	}
	if _, raw := read(); raw != `{"logins":0,"logouts":0,"live_sessions":0,"token_requests":0,"tokens_issued":0,"scenarios":{},"variants":{}}`+"\n" {
		t.Errorf("at start: %s", raw)
	}

	login := func() *http.Response {
		t.Helper()
		body := fmt.Sprintf(`{"UserName":%q,"UserPassword":%q}`, sim.DemoUser, sim.DemoPassword)
		resp, err := client.Post(creatio+"/forms"+sim.AuthServicePath, "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.Contains(string(b), `"Code":0`) {
			t.Fatalf("login: %s", b)
		}
		return resp
	}
	login()
	resp := login()
	req, _ := http.NewRequest(http.MethodPost, creatio+"/forms"+sim.LogoutPath, nil)
	for _, ck := range resp.Cookies() {
		req.AddCookie(ck)
		if ck.Name == sim.CookieCSRF {
			req.Header.Set(sim.HeaderCSRF, ck.Value)
		}
	}
	if resp, err := client.Do(req); err != nil {
		t.Fatal(err)
	} else if resp.Body.Close(); resp.StatusCode != 200 {
		t.Fatalf("logout: %d", resp.StatusCode)
	}
	cc := clientcredentials.Config{ClientID: sim.DemoClient, ClientSecret: sim.DemoSecret, TokenURL: identity + "/ok/connect/token"}
	if _, err := cc.Token(context.WithValue(ctx, oauth2.HTTPClient, client)); err != nil {
		t.Fatal(err)
	}
	cc.ClientSecret = "wrong"
	if _, err := cc.Token(context.WithValue(ctx, oauth2.HTTPClient, client)); err == nil {
		t.Fatal("a token for a wrong secret")
	}
	if resp, err := client.Get(creatio + "/forms/0/api/OAuthHealthCheck"); err != nil {
		t.Fatal(err)
	} else {
		resp.Body.Close()
	}
	want := stats{Logins: 2, Logouts: 1, LiveSessions: 1, TokenRequests: 2, TokensIssued: 1,
		Scenarios: map[string]scenarioStats{"forms": {Logins: 2, Logouts: 1, LiveSessions: 1, HealthRequests: 1}},
		Variants:  map[string]variantStats{"ok": {TokenRequests: 2}}}
	for range 2 { // a second read: reading changes nothing
		if s, raw := read(); !reflect.DeepEqual(s, want) {
			t.Errorf("after 2 logins, 1 logout, 1 health request, 2 token requests: %s, want %+v", raw, want)
		}
	}

	for _, tc := range []struct{ method, url string }{{http.MethodPost, creatio + statsPath}, {http.MethodGet, identity + statsPath}} {
		req, _ := http.NewRequest(tc.method, tc.url, nil)
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode == 200 || strings.Contains(string(b), "logins") {
			t.Errorf("%s %s: %d %s", tc.method, tc.url, resp.StatusCode, b)
		}
	}
}
