package sim

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-oauth2/oauth2/v4"
	oautherrors "github.com/go-oauth2/oauth2/v4/errors"
	"github.com/go-oauth2/oauth2/v4/generates"
	"github.com/go-oauth2/oauth2/v4/manage"
	"github.com/go-oauth2/oauth2/v4/models"
	"github.com/go-oauth2/oauth2/v4/server"
	"github.com/go-oauth2/oauth2/v4/store"
	"github.com/golang-jwt/jwt/v5"
)

// IdentityConfig configures [NewIdentity].
type IdentityConfig struct {
	// Clients maps client IDs to their secrets. Only these clients get
	// tokens; any other client ID or a wrong secret gets go-oauth2's
	// invalid_client error (HTTP 401).
	Clients map[string]string
	// NoPermission lists client IDs that get tokens but whose tokens
	// [Identity.ValidateToken] reports as not permitted, like an OAuth app
	// whose Creatio system user lacks rights.
	NoPermission []string
	// TokenLifetime is the access-token lifetime and the expires_in of the
	// token answer; zero means 3600 seconds.
	TokenLifetime time.Duration
}

// DefaultTokenLifetime is the token lifetime when IdentityConfig.TokenLifetime
// is zero; it is IdentityServer4's default AccessTokenLifetime.
const DefaultTokenLifetime = time.Hour

// TokenClockSkew is the clock skew [Identity.ValidateToken] allows on exp and
// nbf, IdentityServer4's default.
const TokenClockSkew = 5 * time.Minute

// Paths below an Identity Service URL.
const (
	// DiscoveryPath is the OpenID Connect discovery document.
	DiscoveryPath = "/.well-known/openid-configuration"
	// JWKSPath is the key set advertised as jwks_uri.
	JWKSPath = DiscoveryPath + "/jwks"
	// TokenPath is the OAuth 2.0 token endpoint.
	TokenPath = "/connect/token"
)

// IdentityVariant describes one behaviour of the simulated Identity Service.
// Its Identity Service URL is {server}/{Name}.
type IdentityVariant struct {
	// Name is the first path element that selects the variant.
	Name string
	// Description says in one line what is special about the variant.
	Description string
	// Want is the exit code a direct Identity Service check (discovery,
	// then a client_credentials token with valid credentials) should
	// return against the variant. It is a suggestion of the simulator's
	// author; the plugin's documentation is authoritative.
	Want int
}

// IdentityVariants lists every variant of the simulated Identity Service.
var IdentityVariants = []IdentityVariant{
	{Name: "ok", Want: 0,
		Description: "discovery and client_credentials token endpoint work"},
	{Name: "discovery-down", Want: 2,
		Description: "discovery answers 503 text/plain; the token endpoint works"},
	{Name: "discovery-notjson", Want: 2,
		Description: "discovery answers 200 text/html; the token endpoint works"},
	{Name: "discovery-no-token-endpoint", Want: 2,
		Description: "discovery JSON without token_endpoint; /connect/token works"},
	{Name: "token-500", Want: 2,
		Description: "discovery works; the token endpoint answers 500 text/plain"},
	{Name: "expired", Want: 2,
		Description: "issued JWTs have iat/exp 2h in the past while expires_in is positive"},
	{Name: "future", Want: 2,
		Description: "issued JWTs have iat/nbf 10 minutes in the future (clock skew)"},
	{Name: "not-bearer", Want: 2,
		Description: `token answer has token_type "mac"`},
	{Name: "no-discovery", Want: 2,
		Description: "discovery 404 but /connect/token works (for a client that falls back to it)"},
	{Name: "unavailable-503", Want: 2,
		Description: "every path, discovery and token endpoint included, answers IIS's 503 Service Unavailable page (stopped application pool)"},
	{Name: "echo", Want: 2,
		Description: "discovery works; the token endpoint answers every POST 400 invalid_client whose error_description echoes the raw body, the Authorization header and the decoded client_secret"},
	{Name: "echo-500", Want: 2,
		Description: "discovery works; the token endpoint answers every POST 500 text/html, an ASP.NET error page that echoes the raw body and the Authorization header"},
	{Name: "http-token-endpoint", Want: 0,
		Description: "discovery names every endpoint with http:// even when asked over https (TLS-terminating proxy); the token endpoint works over both (CRITICAL over https)"},
	{Name: "other-host-token-endpoint", Want: 2,
		Description: "discovery's token_endpoint names the same server under another loopback name (127.0.0.1 <-> localhost); the token endpoint works (a client sends no secret there over plain http: OK only over https)"},
	{Name: "bom", Want: 0,
		Description: "discovery and token answers start with a UTF-8 byte order mark"},
	{Name: "form-token", Want: 0,
		Description: "the token answer is application/x-www-form-urlencoded (access_token=...&token_type=Bearer&expires_in=3600); errors stay JSON"},
	{Name: "server-error", Want: 2,
		Description: `discovery works; the token endpoint answers 500 {"error":"server_error"} (an outage in OAuth words)`},
	{Name: "temporarily-unavailable", Want: 2,
		Description: `discovery works; the token endpoint answers 503 {"error":"temporarily_unavailable"} with Retry-After: 120`},
	{Name: "oauth-502", Want: 2,
		Description: `discovery works; the token endpoint answers 502 with an OAuth body {"error":"invalid_client"} (a proxy passing on a broken backend)`},
	{Name: "too-many-requests", Want: 2,
		Description: `discovery works; the token endpoint answers 429 {"error":"invalid_request","error_description":"rate limit"} with Retry-After: 30`},
	{Name: "error-in-200", Want: 2,
		Description: `discovery works; the token endpoint answers 200 {"error":"server_error"} without a token`},
	{Name: "unsupported-grant", Want: 2,
		Description: `discovery works; the token endpoint refuses client_credentials to every client: 400 {"error":"unsupported_grant_type"}`},
	{Name: "basic-only", Want: 0,
		Description: "the token endpoint takes the client's credentials only by HTTP Basic (as Ory Hydra's default clients do) and refuses the form body with 401 invalid_client naming both methods; discovery lists both"},
	{Name: "post-only", Want: 0,
		Description: "the token endpoint takes the client's credentials only in the form body and refuses HTTP Basic with 401 invalid_client; discovery lists both"},
	{Name: "basic-listed", Want: 0,
		Description: "discovery lists only client_secret_basic and the token endpoint takes only HTTP Basic"},
	{Name: "post-listed", Want: 0,
		Description: "discovery lists only client_secret_post and the token endpoint takes only the form body"},
	{Name: "basic-503", Want: 2,
		Description: `the token endpoint answers HTTP Basic with 503 {"error":"invalid_client"} (a failing backend behind a proxy that passes its body on) and takes the form body; discovery lists both: an outage, whatever the body says`},
	{Name: "basic-refused-bare", Want: 0,
		Description: "the token endpoint refuses HTTP Basic with a bare 401 and WWW-Authenticate: Basic (no OAuth error code, as a proxy in front of it does) and takes the form body; discovery lists both"},
	{Name: "jwt-only", Want: 2,
		Description: "discovery lists only private_key_jwt as token_endpoint_auth_methods_supported; the token endpoint refuses a client secret either way with 401 invalid_client"},
}

// LookupIdentity returns the Identity Service variant called name.
func LookupIdentity(name string) (IdentityVariant, bool) {
	for _, v := range IdentityVariants {
		if v.Name == name {
			return v, true
		}
	}
	return IdentityVariant{}, false
}

// Identity is the simulated Identity Service; see [NewIdentity].
type Identity struct {
	manager *manage.Manager
	bearer  *server.Server // token_type "Bearer"
	mac     *server.Server // token_type "mac", for the not-bearer variant
	key     []byte
	noPerm  map[string]bool
	log     requestLog
	issued  *issuedTokens
}

// issuedTokens remembers the generation each access token (by its jti) was
// issued in, so that [Identity.RevokeTokens] can end all tokens issued so
// far while later ones stay valid.
type issuedTokens struct {
	mu  sync.Mutex
	gen int
	jti map[string]int
}

// add records a token issued now.
func (it *issuedTokens) add(jti string) {
	it.mu.Lock()
	defer it.mu.Unlock()
	if len(it.jti) >= maxLogged {
		clear(it.jti) // as if the oldest had expired: they count as revoked
	}
	it.jti[jti] = it.gen
}

// current reports whether the token with jti was issued after the last
// revocation.
func (it *issuedTokens) current(jti string) bool {
	it.mu.Lock()
	defer it.mu.Unlock()
	g, ok := it.jti[jti]
	return ok && g == it.gen
}

// RevokeTokens makes every access token issued so far invalid for
// [Identity.ValidateToken], as a restarted Identity Service with a new
// signing key or a revoked client would; tokens issued later are valid.
func (id *Identity) RevokeTokens() {
	id.issued.mu.Lock()
	defer id.issued.mu.Unlock()
	id.issued.gen++
}

// NewIdentity returns a simulated Creatio Identity Service. Its token
// endpoint is go-oauth2's server (client_credentials grant only, client
// credentials in the form body or as HTTP Basic), backed by go-oauth2's
// manager and in-memory stores. Access tokens are HS256 JWTs signed with a
// random per-instance key and carry iss, aud, client_id, jti, iat, nbf and
// exp. The first path element selects one of [IdentityVariants]; each serves
//
//   - GET {V}/.well-known/openid-configuration, an IdentityServer4-like
//     discovery document whose URLs are built from the request's scheme
//     and Host,
//   - GET {V}/.well-known/openid-configuration/jwks (an empty key set:
//     HS256 keys are not published),
//   - POST {V}/connect/token.
//
// Everything else is a plain-text 404, except that the unavailable-503
// variant answers IIS's 503 page on every path. Tokens issued by every
// variant that issues any are real go-oauth2 tokens; the variants that
// change the encoding of the token answer (bom, form-token) rewrite
// go-oauth2's answer rather than make their own tokens.
func NewIdentity(cfg IdentityConfig) *Identity {
	lifetime := cfg.TokenLifetime
	if lifetime <= 0 {
		lifetime = DefaultTokenLifetime
	}
	key := make([]byte, 32)
	_, _ = rand.Read(key)

	clients := store.NewClientStore()
	for id, secret := range cfg.Clients {
		_ = clients.Set(id, &client{Client: models.Client{ID: id, Secret: secret}})
	}

	m := manage.NewManager()
	m.MapClientStorage(clientStore{clients})
	m.MustTokenStorage(store.NewMemoryTokenStore())
	issued := &issuedTokens{jti: make(map[string]int)}
	m.MapAccessGenerate(&accessGenerate{key: key, kid: "sim-" + randomToken()[:8], issued: issued})
	m.SetClientTokenCfg(&manage.Config{AccessTokenExp: lifetime})

	noPerm := make(map[string]bool, len(cfg.NoPermission))
	for _, id := range cfg.NoPermission {
		noPerm[id] = true
	}
	return &Identity{
		manager: m,
		bearer:  newOAuthServer(m, "Bearer"),
		mac:     newOAuthServer(m, "mac"),
		key:     key,
		noPerm:  noPerm,
		issued:  issued,
	}
}

func newOAuthServer(m *manage.Manager, tokenType string) *server.Server {
	cfg := server.NewConfig()
	cfg.TokenType = tokenType
	cfg.AllowedGrantTypes = []oauth2.GrantType{oauth2.ClientCredentials}
	s := server.NewServer(cfg, m)
	s.SetClientInfoHandler(clientInfo)
	return s
}

// clientInfo takes the client credentials from HTTP Basic (form-urlencoded
// per RFC 6749 section 2.3.1, as golang.org/x/oauth2 sends them) or else
// from the form body.
func clientInfo(r *http.Request) (id, secret string, err error) {
	if u, p, ok := r.BasicAuth(); ok {
		return formUnescape(u), formUnescape(p), nil
	}
	return server.ClientFormHandler(r)
}

func formUnescape(s string) string {
	if u, err := url.QueryUnescape(s); err == nil {
		return u
	}
	return s
}

// client is a go-oauth2 client whose secret is compared in constant time and
// must not be empty.
type client struct {
	models.Client
}

// VerifyPassword implements oauth2.ClientPasswordVerifier.
func (c *client) VerifyPassword(secret string) bool {
	return c.Secret != "" && subtle.ConstantTimeCompare([]byte(secret), []byte(c.Secret)) == 1
}

// clientStore wraps go-oauth2's in-memory client store so that an unknown
// client is go-oauth2's invalid_client error rather than a server_error.
type clientStore struct {
	*store.ClientStore
}

// GetByID implements oauth2.ClientStore.
func (s clientStore) GetByID(ctx context.Context, id string) (oauth2.ClientInfo, error) {
	c, err := s.ClientStore.GetByID(ctx, id)
	if err != nil {
		return nil, oautherrors.ErrInvalidClient
	}
	return c, nil
}

// tokenRequest is what the access generator learns about the request from
// the context: the variant and the issuer URL.
type tokenRequest struct {
	variant string
	issuer  string
}

type tokenRequestKey struct{}

// accessClaims are the claims of an issued access token.
type accessClaims struct {
	generates.JWTAccessClaims
	ClientID string `json:"client_id"`
}

// accessGenerate implements oauth2.AccessGenerate like go-oauth2's
// generates.JWTAccessGenerate (HS256), but adds iss, client_id, jti, iat and
// nbf, and shifts the times for the expired and future variants.
type accessGenerate struct {
	key    []byte
	kid    string
	issued *issuedTokens
}

// Token implements oauth2.AccessGenerate.
func (g *accessGenerate) Token(ctx context.Context, data *oauth2.GenerateBasic, _ bool) (access, refresh string, err error) {
	tr, _ := ctx.Value(tokenRequestKey{}).(tokenRequest)
	iat := data.TokenInfo.GetAccessCreateAt()
	switch tr.variant {
	case "expired":
		iat = iat.Add(-2 * time.Hour)
	case "future":
		iat = iat.Add(10 * time.Minute)
	}
	claims := accessClaims{ClientID: data.Client.GetID()}
	claims.Issuer = tr.issuer
	claims.Audience = jwt.ClaimStrings{tr.issuer + "/resources"}
	claims.ID = randomToken()
	claims.IssuedAt = jwt.NewNumericDate(iat)
	claims.NotBefore = jwt.NewNumericDate(iat)
	claims.ExpiresAt = jwt.NewNumericDate(iat.Add(data.TokenInfo.GetAccessExpiresIn()))

	t := jwt.NewWithClaims(jwt.SigningMethodHS256, claims)
	t.Header["kid"] = g.kid
	t.Header["typ"] = "at+jwt"
	access, err = t.SignedString(g.key)
	if err == nil {
		g.issued.add(claims.ID)
	}
	return access, "", err
}

// ValidateToken reports whether token is an access token this Identity
// issued that is still valid (known to go-oauth2's manager, signature, exp
// and nbf with [TokenClockSkew], not revoked by [Identity.RevokeTokens]),
// and whether its client is permitted, i.e.
// not listed in IdentityConfig.NoPermission. Tokens of the expired and
// future variants are not valid. Wire it to CreatioConfig.ValidateToken.
func (id *Identity) ValidateToken(token string) (valid, permitted bool) {
	ti, err := id.manager.LoadAccessToken(context.Background(), token)
	if err != nil {
		return false, false
	}
	var claims accessClaims
	_, err = jwt.ParseWithClaims(token, &claims,
		func(*jwt.Token) (any, error) { return id.key, nil },
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithLeeway(TokenClockSkew))
	if err != nil || claims.ClientID != ti.GetClientID() || !id.issued.current(claims.ID) {
		return false, false
	}
	return true, !id.noPerm[claims.ClientID]
}

// Requests returns a copy of the requests received so far, oldest first.
func (id *Identity) Requests() []RecordedRequest { return id.log.list() }

// ResetRequests forgets the recorded requests.
func (id *Identity) ResetRequests() { id.log.reset() }

// ServeHTTP implements http.Handler.
func (id *Identity) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name, rest := splitFirst(r.URL.Path)
	id.log.record(r, name)
	v, ok := LookupIdentity(name)
	if !ok {
		notFound(w)
		return
	}
	if v.Name == "unavailable-503" {
		w.Header().Set("Server", "Microsoft-HTTPAPI/2.0")
		writeBody(w, http.StatusServiceUnavailable, "text/html; charset=us-ascii", htmlHTTPSys503)
		return
	}
	sch := scheme(r)
	if v.Name == "http-token-endpoint" {
		// Behind a TLS-terminating proxy without forwarded headers the
		// Identity Service sees http and builds every URL with it.
		sch = "http"
	}
	issuer := sch + "://" + r.Host + "/" + v.Name
	switch rest {
	case DiscoveryPath:
		serveDiscovery(w, r, v, issuer)
	case JWKSPath:
		if !getOnly(w, r) {
			return
		}
		writeJSON(w, http.StatusOK, `{"keys":[]}`)
	case TokenPath:
		id.serveToken(w, r, v, issuer)
	default:
		notFound(w)
	}
}

func getOnly(w http.ResponseWriter, r *http.Request) bool {
	if r.Method == http.MethodGet || r.Method == http.MethodHead {
		return true
	}
	w.Header().Set("Allow", "GET")
	http.Error(w, "405 method not allowed", http.StatusMethodNotAllowed)
	return false
}

// discovery is an IdentityServer4-like discovery document, in IS4's field
// order.
type discovery struct {
	Issuer                            string   `json:"issuer"`
	JWKSURI                           string   `json:"jwks_uri"`
	AuthorizationEndpoint             string   `json:"authorization_endpoint"`
	TokenEndpoint                     string   `json:"token_endpoint,omitempty"`
	UserinfoEndpoint                  string   `json:"userinfo_endpoint"`
	EndSessionEndpoint                string   `json:"end_session_endpoint"`
	CheckSessionIframe                string   `json:"check_session_iframe"`
	RevocationEndpoint                string   `json:"revocation_endpoint"`
	IntrospectionEndpoint             string   `json:"introspection_endpoint"`
	FrontchannelLogoutSupported       bool     `json:"frontchannel_logout_supported"`
	BackchannelLogoutSupported        bool     `json:"backchannel_logout_supported"`
	ScopesSupported                   []string `json:"scopes_supported"`
	ClaimsSupported                   []string `json:"claims_supported"`
	GrantTypesSupported               []string `json:"grant_types_supported"`
	ResponseTypesSupported            []string `json:"response_types_supported"`
	ResponseModesSupported            []string `json:"response_modes_supported"`
	TokenEndpointAuthMethodsSupported []string `json:"token_endpoint_auth_methods_supported"`
	IDTokenSigningAlgValuesSupported  []string `json:"id_token_signing_alg_values_supported"`
	SubjectTypesSupported             []string `json:"subject_types_supported"`
	CodeChallengeMethodsSupported     []string `json:"code_challenge_methods_supported"`
	RequestParameterSupported         bool     `json:"request_parameter_supported"`
}

func serveDiscovery(w http.ResponseWriter, r *http.Request, v IdentityVariant, issuer string) {
	switch v.Name {
	case "no-discovery":
		notFound(w)
		return
	case "discovery-down":
		writeBody(w, http.StatusServiceUnavailable, ctText, textServiceUnavailable)
		return
	}
	if !getOnly(w, r) {
		return
	}
	if v.Name == "discovery-notjson" {
		writeBody(w, http.StatusOK, ctHTML, htmlISDefault)
		return
	}
	d := discovery{
		Issuer:                            issuer,
		JWKSURI:                           issuer + JWKSPath,
		AuthorizationEndpoint:             issuer + "/connect/authorize",
		TokenEndpoint:                     issuer + TokenPath,
		UserinfoEndpoint:                  issuer + "/connect/userinfo",
		EndSessionEndpoint:                issuer + "/connect/endsession",
		CheckSessionIframe:                issuer + "/connect/checksession",
		RevocationEndpoint:                issuer + "/connect/revocation",
		IntrospectionEndpoint:             issuer + "/connect/introspect",
		FrontchannelLogoutSupported:       true,
		BackchannelLogoutSupported:        true,
		ScopesSupported:                   []string{"offline_access"},
		ClaimsSupported:                   []string{},
		GrantTypesSupported:               []string{"authorization_code", "client_credentials", "refresh_token", "implicit"},
		ResponseTypesSupported:            []string{"code", "token", "id_token", "id_token token", "code id_token", "code token", "code id_token token"},
		ResponseModesSupported:            []string{"form_post", "query", "fragment"},
		TokenEndpointAuthMethodsSupported: []string{"client_secret_basic", "client_secret_post"},
		IDTokenSigningAlgValuesSupported:  []string{"RS256"},
		SubjectTypesSupported:             []string{"public"},
		CodeChallengeMethodsSupported:     []string{"plain", "S256"},
		RequestParameterSupported:         true,
	}
	switch v.Name {
	case "basic-listed":
		d.TokenEndpointAuthMethodsSupported = []string{"client_secret_basic"}
	case "post-listed":
		d.TokenEndpointAuthMethodsSupported = []string{"client_secret_post"}
	case "jwt-only":
		d.TokenEndpointAuthMethodsSupported = []string{"private_key_jwt"}
	}
	switch v.Name {
	case "discovery-no-token-endpoint":
		d.TokenEndpoint = ""
	case "other-host-token-endpoint":
		d.TokenEndpoint = otherHostURL(r, "/"+v.Name+TokenPath)
	}
	b, err := json.Marshal(d)
	if err != nil {
		panic(err) // cannot happen for this struct
	}
	bom := ""
	if v.Name == "bom" {
		bom = UTF8BOM
	}
	writeJSON(w, http.StatusOK, bom+string(b))
}

func (id *Identity) serveToken(w http.ResponseWriter, r *http.Request, v IdentityVariant, issuer string) {
	switch v.Name {
	case "token-500":
		writeBody(w, http.StatusInternalServerError, ctText,
			"An unhandled exception occurred while processing the request.")
		return
	case "echo", "echo-500":
		if r.Method == http.MethodPost {
			serveEcho(w, r, v)
			return
		}
	}
	if serveOAuthFailure(w, r, v) {
		return
	}
	srv := id.bearer
	if v.Name == "not-bearer" {
		srv = id.mac
	}
	ctx := context.WithValue(r.Context(), tokenRequestKey{}, tokenRequest{variant: v.Name, issuer: issuer})
	r = r.WithContext(ctx)
	switch v.Name {
	case "bom", "form-token":
		// Let go-oauth2 answer into a buffer, then re-encode its answer.
		var buf bufferedResponse
		_ = srv.HandleTokenRequest(&buf, r)
		if v.Name == "bom" {
			buf.body = append([]byte(UTF8BOM), buf.body...)
		} else {
			buf.toForm()
		}
		buf.writeTo(w)
	default:
		// HandleTokenRequest has answered every error itself; what it
		// returns is only a failed write to a client that has gone away.
		_ = srv.HandleTokenRequest(w, r)
	}
}

// maxEchoBody is how much of a request body the echo variants read.
const maxEchoBody = 64 << 10

// serveEcho answers a token request like a broken server that puts what it
// received into its error message: the echo variant as a 400 invalid_client
// JSON error whose error_description holds the raw body, the Authorization
// header and the decoded client_secret; the echo-500 variant as an ASP.NET
// error page holding the raw body and the Authorization header.
func serveEcho(w http.ResponseWriter, r *http.Request, v IdentityVariant) {
	raw, _ := io.ReadAll(io.LimitReader(r.Body, maxEchoBody))
	auth := r.Header.Get("Authorization")
	if v.Name == "echo-500" {
		msg := fmt.Sprintf("Client authentication failed. Request body: %s; Authorization: %s", raw, auth)
		writeBody(w, http.StatusInternalServerError, ctHTML,
			fmt.Sprintf(htmlYellowScreen, html.EscapeString(msg), msg))
		return
	}
	// ParseQuery keeps the fields it could parse when another one is
	// malformed, like ASP.NET's form reader.
	form, _ := url.ParseQuery(string(raw))
	secret := form.Get("client_secret")
	msg := fmt.Sprintf("Client authentication failed. Request body: %s; Authorization: %s; client_secret: %s", raw, auth, secret)
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	// Escape only what JSON needs (", \ and control characters), so that
	// the raw body's & and the secret appear as they were sent.
	enc.SetEscapeHTML(false)
	if err := enc.Encode(struct {
		Error            string `json:"error"`
		ErrorDescription string `json:"error_description"`
	}{"invalid_client", msg}); err != nil {
		panic(err) // cannot happen for strings
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	writeBody(w, http.StatusBadRequest, ctJSON, strings.TrimSuffix(b.String(), "\n"))
}

// bufferedResponse is an http.ResponseWriter that keeps the answer of a
// handler (go-oauth2's token endpoint) so that it can be re-encoded.
type bufferedResponse struct {
	header http.Header
	status int
	body   []byte
}

// Header implements http.ResponseWriter.
func (b *bufferedResponse) Header() http.Header {
	if b.header == nil {
		b.header = make(http.Header)
	}
	return b.header
}

// WriteHeader implements http.ResponseWriter.
func (b *bufferedResponse) WriteHeader(status int) {
	if b.status == 0 {
		b.status = status
	}
}

// Write implements http.ResponseWriter.
func (b *bufferedResponse) Write(p []byte) (int, error) {
	if b.status == 0 {
		b.status = http.StatusOK
	}
	b.body = append(b.body, p...)
	return len(p), nil
}

// toForm re-encodes a successful JSON token answer as
// application/x-www-form-urlencoded: access_token, token_type, expires_in
// and scope (when present), in that order. Error answers and anything that
// is not a JSON token answer stay as they are.
func (b *bufferedResponse) toForm() {
	if b.status != http.StatusOK {
		return
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b.body, &m); err != nil {
		return
	}
	if _, ok := m["access_token"]; !ok {
		return
	}
	var parts []string
	for _, k := range []string{"access_token", "token_type", "expires_in", "scope"} {
		raw, ok := m[k]
		if !ok {
			continue
		}
		var val string
		if err := json.Unmarshal(raw, &val); err != nil {
			val = string(raw) // a number such as expires_in
		}
		if k == "scope" && val == "" {
			continue
		}
		parts = append(parts, k+"="+url.QueryEscape(val))
	}
	b.Header().Set("Content-Type", "application/x-www-form-urlencoded")
	b.body = []byte(strings.Join(parts, "&"))
}

// writeTo sends the buffered answer to w with its headers and status and a
// Content-Length that fits the (re-encoded) body.
func (b *bufferedResponse) writeTo(w http.ResponseWriter) {
	for k, vs := range b.header {
		w.Header()[k] = vs
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(b.body)))
	if b.status == 0 {
		b.status = http.StatusOK
	}
	w.WriteHeader(b.status)
	_, _ = w.Write(b.body)
}

const htmlISDefault = `<!DOCTYPE html>
<html>
<head><meta charset="utf-8" /><title>IIS Windows Server</title></head>
<body><div id="container"><a href="https://go.microsoft.com/fwlink/?linkid=66138&amp;clcid=0x409"><img src="iisstart.png" alt="IIS" width="960" height="600" /></a></div></body>
</html>
`

// serveOAuthFailure answers a token request of the variants whose token
// endpoint fails or enforces one client authentication method, and
// reports whether it did.
func serveOAuthFailure(w http.ResponseWriter, r *http.Request, v IdentityVariant) bool {
	_, _, basic := r.BasicAuth()
	oauthError := func(status int, body string) bool {
		writeJSON(w, status, body)
		return true
	}
	switch v.Name {
	case "server-error":
		return oauthError(http.StatusInternalServerError, `{"error":"server_error","error_description":"The authorization server encountered an unexpected condition"}`)
	case "temporarily-unavailable":
		w.Header().Set("Retry-After", "120")
		return oauthError(http.StatusServiceUnavailable, `{"error":"temporarily_unavailable"}`)
	case "oauth-502":
		return oauthError(http.StatusBadGateway, `{"error":"invalid_client"}`)
	case "too-many-requests":
		w.Header().Set("Retry-After", "30")
		return oauthError(http.StatusTooManyRequests, `{"error":"invalid_request","error_description":"rate limit"}`)
	case "error-in-200":
		return oauthError(http.StatusOK, `{"error":"server_error"}`)
	case "unsupported-grant":
		return oauthError(http.StatusBadRequest, `{"error":"unsupported_grant_type","error_description":"The authorization grant type is not supported by the authorization server."}`)
	case "basic-only", "basic-listed":
		if !basic {
			return oauthError(http.StatusUnauthorized, `{"error":"invalid_client","error_description":"Client authentication failed (e.g., unknown client, no client authentication included, or unsupported authentication method). The OAuth 2.0 Client supports client authentication method 'client_secret_basic', but method 'client_secret_post' was requested. You must configure the OAuth 2.0 client's 'token_endpoint_auth_method' value to accept 'client_secret_post'."}`)
		}
	case "post-only", "post-listed":
		if basic {
			return oauthError(http.StatusUnauthorized, `{"error":"invalid_client","error_description":"client authentication by HTTP Basic is not allowed for this client"}`)
		}
	case "basic-503":
		if basic {
			return oauthError(http.StatusServiceUnavailable, `{"error":"invalid_client"}`)
		}
	case "basic-refused-bare":
		if basic {
			w.Header().Set("WWW-Authenticate", `Basic realm="identity"`)
			writeBody(w, http.StatusUnauthorized, ctText, "401 Unauthorized")
			return true
		}
	case "jwt-only":
		return oauthError(http.StatusUnauthorized, `{"error":"invalid_client","error_description":"Client authentication failed"}`)
	}
	return false
}
