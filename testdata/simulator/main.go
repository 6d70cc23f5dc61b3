// Command simulator runs the simulated Creatio and Identity Service of
// package check_creatio_oauth/testdata/sim for demos and manual tests of
// check_creatio_oauth:
//
//	go run ./testdata/simulator [-listen 127.0.0.1:8080] [-idp-listen 127.0.0.1:8081] [-tls -cert-out sim.pem]
//
// It prints one line per server with its base URL to stdout,
//
//	creatio http://127.0.0.1:8080
//	identity http://127.0.0.1:8081
//
// and serves until SIGINT or SIGTERM. GET {creatio}/_sim/stats answers the
// simulator's counters since the start as JSON: {"logins":N,"logouts":N,
// "live_sessions":N,"token_requests":N,"tokens_issued":N,"scenarios":{S:
// {"logins":N,"logouts":N,"live_sessions":N,"health_requests":N}},
// "variants":{V:{"token_requests":N}}}, that is successful forms logins and
// logouts, live forms sessions, POSTs to any token endpoint and tokens
// issued, then by scenario (with the requests to its health endpoint) and
// by Identity Service variant. The Creatio base URL of scenario S is
// {creatio}/S (for example http://127.0.0.1:8080/ok); the Identity Service
// URL of variant V is {identity}/V. Every scenario but bad-gateway also
// serves the forms login, POST {creatio}/S/ServiceModel/AuthService.svc/Login,
// and the logout, .../AuthService.svc/Logout. "-list" prints the scenarios as
// name<TAB>want<TAB>description, "-list-idp" the Identity Service variants.
//
// Without -password-file and -client-secret-file the simulator uses the
// demo credentials of package sim (user Supervisor / password demo-pw-Kx7q,
// client monitoring / demo-secret), as make demo does, and says so on
// stderr. A second client, noperm / noperm-secret, gets tokens whose
// Creatio system user has no permission (403 from the bearer scenario).
// Never use these servers for anything but tests.
package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"check_creatio_oauth/testdata/sim"
)

// Demo credentials, used when no file is given: make demo's.
const (
	defaultUser         = sim.DemoUser
	defaultPassword     = sim.DemoPassword
	defaultClientID     = sim.DemoClient
	defaultClientSecret = sim.DemoSecret
	noPermClientID      = sim.DemoNoPermClient
	noPermClientSecret  = sim.DemoNoPermSecret
)

const (
	shutdownGracePeriod = 5 * time.Second
	readHeaderTimeout   = 10 * time.Second
	certificateValidity = 30 * 24 * time.Hour
	certificateBackdate = time.Hour
	secretFileSizeLimit = 64 << 10
	exitUsage           = 2
	exitRuntimeError    = 1
	permissionsCertOut  = 0o644
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// options are the parsed command-line flags.
type options struct {
	listen, idpListen  string
	tls                bool
	certOut            string
	user               string
	passwordFile       string
	clientID           string
	clientSecretFile   string
	slowDelay          time.Duration
	tokenLifetime      time.Duration
	logRequests        bool
	list, listVariants bool
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("simulator", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.listen, "listen", "127.0.0.1:8080", "`address` of the simulated Creatio (port 0 picks a free port)")
	fs.StringVar(&o.idpListen, "idp-listen", "127.0.0.1:8081", "`address` of the simulated Identity Service (port 0 picks a free port)")
	fs.BoolVar(&o.tls, "tls", false, "serve both with HTTPS and a self-signed certificate made at start-up")
	fs.StringVar(&o.certOut, "cert-out", "", "with -tls, write the certificate (PEM) to `file`, for the plugin's --ca-file")
	fs.StringVar(&o.user, "user", defaultUser, "Creatio user `name` accepted by AuthService.svc/Login")
	fs.StringVar(&o.passwordFile, "password-file", "", "read the Creatio password from `file` (default: the demo password)")
	fs.StringVar(&o.clientID, "client-id", defaultClientID, "OAuth client `id` the Identity Service accepts")
	fs.StringVar(&o.clientSecretFile, "client-secret-file", "", "read the OAuth client secret from `file` (default: the demo secret)")
	fs.DurationVar(&o.slowDelay, "slow-delay", sim.DefaultSlowDelay, "how long the slow scenario waits")
	fs.DurationVar(&o.tokenLifetime, "token-lifetime", sim.DefaultTokenLifetime, "access-token lifetime (expires_in)")
	fs.BoolVar(&o.logRequests, "log", false, "log each request (method, path, status; no headers) to stderr")
	fs.BoolVar(&o.list, "list", false, "print the Creatio scenarios as name<TAB>want<TAB>description and exit")
	fs.BoolVar(&o.listVariants, "list-idp", false, "print the Identity Service variants as name<TAB>want<TAB>description and exit")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if o.certOut != "" && !o.tls {
		return o, errors.New("-cert-out needs -tls")
	}
	if o.clientID == "" || o.clientID == noPermClientID {
		return o, fmt.Errorf("-client-id must not be empty or %q", noPermClientID)
	}
	if o.slowDelay <= 0 || o.tokenLifetime <= 0 {
		return o, errors.New("-slow-delay and -token-lifetime must be positive")
	}
	return o, nil
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	o, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "simulator:", err)
		return exitUsage
	}
	if o.list {
		for _, s := range sim.Scenarios {
			fmt.Fprintf(stdout, "%s\t%d\t%s\n", s.Name, s.Want, s.Description)
		}
		return 0
	}
	if o.listVariants {
		for _, v := range sim.IdentityVariants {
			fmt.Fprintf(stdout, "%s\t%d\t%s\n", v.Name, v.Want, v.Description)
		}
		return 0
	}
	if err := serve(ctx, o, stdout, stderr); err != nil {
		fmt.Fprintln(stderr, "simulator:", err)
		return exitRuntimeError
	}
	return 0
}

func serve(ctx context.Context, o options, stdout, stderr io.Writer) error {
	var defaults []string
	password := defaultPassword
	if o.passwordFile != "" {
		p, err := readSecret(o.passwordFile)
		if err != nil {
			return fmt.Errorf("-password-file: %w", err)
		}
		password = p
	} else {
		defaults = append(defaults, fmt.Sprintf("Creatio user %s password %s", o.user, defaultPassword))
	}
	secret := defaultClientSecret
	if o.clientSecretFile != "" {
		s, err := readSecret(o.clientSecretFile)
		if err != nil {
			return fmt.Errorf("-client-secret-file: %w", err)
		}
		secret = s
	} else {
		defaults = append(defaults, fmt.Sprintf("client %s secret %s", o.clientID, defaultClientSecret))
	}
	defaults = append(defaults, fmt.Sprintf("client %s secret %s (no permission)", noPermClientID, noPermClientSecret))

	idp := sim.NewIdentity(sim.IdentityConfig{
		Clients:       map[string]string{o.clientID: secret, noPermClientID: noPermClientSecret},
		NoPermission:  []string{noPermClientID},
		TokenLifetime: o.tokenLifetime,
	})
	creatio := sim.NewCreatio(sim.CreatioConfig{
		User:          o.user,
		Password:      password,
		SlowDelay:     o.slowDelay,
		ValidateToken: idp.ValidateToken,
	})
	defer creatio.Close()

	lc, err := net.Listen("tcp", o.listen)
	if err != nil {
		return fmt.Errorf("-listen: %w", err)
	}
	defer lc.Close()
	li, err := net.Listen("tcp", o.idpListen)
	if err != nil {
		return fmt.Errorf("-idp-listen: %w", err)
	}
	defer li.Close()

	scheme := "http"
	var tlsConfig *tls.Config
	if o.tls {
		scheme = "https"
		cert, certPEM, err := selfSigned(o.listen, o.idpListen)
		if err != nil {
			return fmt.Errorf("making the TLS certificate: %w", err)
		}
		if o.certOut != "" {
			if err := os.WriteFile(o.certOut, certPEM, permissionsCertOut); err != nil {
				return fmt.Errorf("-cert-out: %w", err)
			}
		}
		tlsConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
		lc = tls.NewListener(lc, tlsConfig)
		li = tls.NewListener(li, tlsConfig)
	}

	var logMu sync.Mutex
	servers := []*http.Server{
		newServer(logged("creatio", withStats(creatio, idp), o.logRequests, stderr, &logMu), tlsConfig),
		newServer(logged("identity", idp, o.logRequests, stderr, &logMu), tlsConfig),
	}
	fmt.Fprintf(stdout, "creatio %s://%s\nidentity %s://%s\n", scheme, displayAddr(o.listen, lc.Addr()), scheme, displayAddr(o.idpListen, li.Addr()))
	fmt.Fprintf(stderr, "simulator: demo credentials in use: %s\n", strings.Join(defaults, "; "))
	fmt.Fprintf(stderr, "simulator: a scenario's Creatio URL is {creatio}/{scenario}, an Identity Service URL {identity}/{variant}; see -list and -list-idp. Stop with Ctrl-C.\n")

	errc := make(chan error, len(servers))
	for i, l := range []net.Listener{lc, li} {
		go func() { errc <- servers[i].Serve(l) }()
	}

	var serveErr error
	select {
	case <-ctx.Done():
	case serveErr = <-errc:
	}
	creatio.Close() // release hanging requests
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGracePeriod)
	defer cancel()
	for _, s := range servers {
		if err := s.Shutdown(sctx); err != nil {
			_ = s.Close()
		}
	}
	if serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) {
		return serveErr
	}
	return nil
}

// statsPath is the simulator's own view of its counters, on the Creatio
// listener only. Its first element is no scenario name (see
// TestStatsPathIsNoScenario), so no scenario's path collides with it.
const statsPath = "/_sim/stats"

// stats is the JSON answer of GET statsPath: the logins and logouts Creatio
// counted (AuthService.svc/Login and Logout that succeeded), its live forms
// sessions, and the token requests (every POST to a token endpoint) and
// tokens issued of the Identity Service, since the start; then the same by
// scenario and by Identity Service variant, which tell one site's logins
// apart from another's. An integration test reads it before and after the
// checks it lets a daemon run.
type stats struct {
	Logins        int                      `json:"logins"`
	Logouts       int                      `json:"logouts"`
	LiveSessions  int                      `json:"live_sessions"`
	TokenRequests int                      `json:"token_requests"`
	TokensIssued  int                      `json:"tokens_issued"`
	Scenarios     map[string]scenarioStats `json:"scenarios"`
	Variants      map[string]variantStats  `json:"variants"`
}

// scenarioStats are the counters of one Creatio scenario; health_requests
// are the requests to its health endpoint, one per check.
type scenarioStats struct {
	Logins         int `json:"logins"`
	Logouts        int `json:"logouts"`
	LiveSessions   int `json:"live_sessions"`
	HealthRequests int `json:"health_requests"`
}

// variantStats are the counters of one Identity Service variant.
type variantStats struct {
	TokenRequests int `json:"token_requests"`
}

// withStats serves statsPath (GET or HEAD) itself and passes every other
// request to creatio, which records it as usual; a stats request is not
// recorded, so reading the counters changes none of them.
func withStats(creatio *sim.Creatio, idp *sim.Identity) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != statsPath {
			creatio.ServeHTTP(w, r)
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "405 method not allowed", http.StatusMethodNotAllowed)
			return
		}
		st := stats{
			Logins:       creatio.Logins(),
			Logouts:      creatio.Logouts(),
			LiveSessions: creatio.LiveSessions(),
			TokensIssued: idp.TokensIssued(),
			Scenarios:    map[string]scenarioStats{},
			Variants:     map[string]variantStats{},
		}
		for name, n := range creatio.Counts() {
			st.Scenarios[name] = scenarioStats{Logins: n.Logins, Logouts: n.Logouts, LiveSessions: n.LiveSessions, HealthRequests: n.HealthRequests}
		}
		for name, n := range idp.TokenRequests() {
			st.TokenRequests += n
			st.Variants[name] = variantStats{TokenRequests: n}
		}
		b, err := json.Marshal(st)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		_, _ = w.Write(append(b, '\n'))
	})
}

func newServer(h http.Handler, tlsConfig *tls.Config) *http.Server {
	return &http.Server{Handler: h, TLSConfig: tlsConfig, ReadHeaderTimeout: readHeaderTimeout}
}

// readSecret reads a one-line secret file; a trailing line break is not
// part of the secret.
func readSecret(name string) (string, error) {
	f, err := os.Open(name)
	if err != nil {
		return "", err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, secretFileSizeLimit))
	if err != nil {
		return "", err
	}
	s := strings.TrimRight(string(b), "\r\n")
	if s == "" {
		return "", fmt.Errorf("%s is empty", name)
	}
	return s, nil
}

// displayAddr is the host:port to print for a listener opened with the
// -listen value listen: the host as given (so a name like localhost stays),
// 127.0.0.1 for an empty or unspecified host, and the real port.
func displayAddr(listen string, a net.Addr) string {
	ta, ok := a.(*net.TCPAddr)
	if !ok {
		return a.String()
	}
	host, _, err := net.SplitHostPort(listen)
	if ip := net.ParseIP(host); err != nil || host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, strconv.Itoa(ta.Port))
}

// selfSigned makes a self-signed ECDSA certificate for the loopback names
// and the listen hosts. It is its own CA, so its PEM works as a CA file.
func selfSigned(listens ...string) (tls.Certificate, []byte, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "check_creatio_oauth simulator", Organization: []string{"check_creatio_oauth test"}},
		NotBefore:             time.Now().Add(-certificateBackdate),
		NotAfter:              time.Now().Add(certificateValidity),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		DNSNames:              []string{"localhost"},
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}
	for _, l := range listens {
		host, _, err := net.SplitHostPort(l)
		if err != nil || host == "" {
			continue
		}
		if ip := net.ParseIP(host); ip != nil {
			if !ip.IsUnspecified() && !ip.IsLoopback() {
				tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
			}
		} else if host != "localhost" {
			tmpl.DNSNames = append(tmpl.DNSNames, host)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, certPEM, nil
}

// logged wraps h to log method, path, status and duration of each request
// to w; it never logs headers, so no credentials.
func logged(name string, h http.Handler, on bool, w io.Writer, mu *sync.Mutex) http.Handler {
	if !on {
		return h
	}
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sr := &statusRecorder{ResponseWriter: rw}
		defer func() {
			status := fmt.Sprint(sr.status)
			if sr.status == 0 {
				status = "-"
			}
			mu.Lock()
			fmt.Fprintf(w, "%s %s %s %s %s %s\n", time.Now().Format("15:04:05.000"), name, r.Method, r.URL.Path, status, time.Since(start).Round(time.Millisecond))
			mu.Unlock()
		}()
		h.ServeHTTP(sr, r)
	})
}

// statusRecorder remembers the status code; Unwrap lets
// http.ResponseController reach Flush and Hijack of the real writer.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }
