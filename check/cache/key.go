package cache

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"check_creatio_oauth/plugin"
)

// Kind is the login a credential belongs to.
type Kind string

// The logins whose credentials the cache keeps.
const (
	// KindOAuth is an access token from the Identity Service
	// (client_credentials), sent to Creatio as a Bearer token.
	KindOAuth Kind = "oauth"
	// KindForms is a Creatio session from AuthService.svc: its cookies and
	// the BPMCSRF value.
	KindForms Kind = "forms"
)

// appName names the cache directory below the user's cache directory.
const appName = "check_creatio_oauth"

// Key names a cached credential by everything that makes it valid: two
// runs share an entry only when all of it is equal. A changed password or
// client secret gives another key, so an old session or token is never
// reused with it. Build one with the fields and [Key.WithSecret]; the
// secret itself is not kept, only its SHA-256 digest, and that only in
// memory: the file name ([Key.ID]) is a digest of the whole key.
//
// The caller passes the URLs as it sends requests to them (normalised the
// same way on every run, e.g. url.URL.String() of the parsed option).
type Key struct {
	Kind        Kind   // KindOAuth or KindForms
	BaseURL     string // Creatio's base URL (--url)
	User        string // the forms login's user name, or the OAuth client id
	IdentityURL string // the Identity Service URL; "" for the forms login
	// ClientAuth is how the OAuth client authenticates at the token
	// endpoint ("client_secret_post", "client_secret_basic"), or "" when
	// there is one way only: a token got one way may carry other scopes
	// than one got another way, so they are not shared.
	ClientAuth string

	secret    [sha256.Size]byte
	hasSecret bool
}

// WithSecret returns a copy of k that covers the password (forms) or client
// secret (oauth): its SHA-256 digest, never the secret, is kept. A key
// without it cannot be used ([Key.ID] fails), so a forgotten secret can
// never make two passwords share an entry.
func (k Key) WithSecret(secret string) Key {
	k.secret = sha256.Sum256([]byte("check_creatio_oauth cache secret\x00" + secret))
	k.hasSecret = true
	return k
}

// String describes the key for -vv on one line: the login, the user or
// client and the URLs (without any user:password@ part); nothing of the
// secret.
func (k Key) String() string {
	user := plugin.Sanitize(plugin.Truncate(k.User, 60))
	switch k.Kind {
	case KindOAuth:
		return fmt.Sprintf("oauth token of client %s from %s for %s", user, showURL(k.IdentityURL), showURL(k.BaseURL))
	case KindForms:
		return fmt.Sprintf("forms session of %s at %s", user, showURL(k.BaseURL))
	}
	return fmt.Sprintf("%s credential of %s at %s", plugin.Sanitize(plugin.Truncate(string(k.Kind), 20)), user, showURL(k.BaseURL))
}

// showURL is a URL for one line of text, without its user information.
func showURL(s string) string {
	if u, err := url.Parse(s); err == nil && u.User != nil {
		u.User = nil
		s = u.String()
	} else if err != nil && strings.Contains(s, "@") {
		s = "(an unparsable URL)"
	}
	return plugin.Sanitize(plugin.Truncate(s, 200))
}

// GoString is String, so that %#v does not print the secret's digest.
func (k Key) GoString() string { return "cache.Key(" + k.String() + ")" }

// ID is the key's digest, 64 lower-case hex digits: the SHA-256 of every
// field, length-prefixed, and the secret's digest. It names the key's file.
// It fails for a key without a secret ([Key.WithSecret]), an unknown kind
// or an empty base URL.
func (k Key) ID() (string, error) {
	switch {
	case k.Kind != KindOAuth && k.Kind != KindForms:
		return "", fmt.Errorf("cache key: unknown login kind %q", string(k.Kind))
	case k.BaseURL == "":
		return "", errors.New("cache key: no base URL")
	case !k.hasSecret:
		return "", errors.New("cache key: no secret (Key.WithSecret)")
	}
	h := sha256.New()
	h.Write([]byte("check_creatio_oauth cache key v1\x00"))
	for _, f := range []string{string(k.Kind), k.BaseURL, k.User, k.IdentityURL, k.ClientAuth} {
		h.Write(binary.AppendUvarint(nil, uint64(len(f))))
		h.Write([]byte(f))
	}
	h.Write(k.secret[:])
	return hex.EncodeToString(h.Sum(nil)), nil
}
