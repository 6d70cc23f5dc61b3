package cache

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// fileFormat names the file format; fileVersion is its version. A file
// with another format or version is treated as absent.
const (
	fileFormat  = "check_creatio_oauth credential cache"
	fileVersion = 1
)

// maxFileSize caps a cache file, 64 KiB: a larger file is treated as
// absent, and an entry that would encode larger is not saved.
const maxFileSize = 64 << 10

// maxCookies caps the cookies of a forms session (Creatio sets four).
const maxCookies = 32

// Entry is one cached credential. An OAuth entry has AccessToken,
// TokenType, ObtainedAt and Expiry; a forms entry has Cookies, CSRF,
// ObtainedAt and LastUsed. The fields of the other kind stay empty.
type Entry struct {
	// ObtainedAt is when the login made the credential.
	ObtainedAt time.Time
	// LastUsed is when a check last used a forms session successfully
	// (zero: never since the login), so -vv can say how long it was idle.
	LastUsed time.Time

	// AccessToken is the OAuth access token (visible ASCII).
	AccessToken string
	// TokenType is the token_type of the token answer, e.g. "Bearer".
	TokenType string
	// Expiry is when the token expires: ObtainedAt + expires_in, or the
	// token's exp claim. See [UsableUntil].
	Expiry time.Time

	// Cookies are the forms session's cookies, as a cookie jar needs them
	// to send them to the base URL again ([Entry.HTTPCookies]).
	Cookies []Cookie
	// CSRF is the BPMCSRF value Creatio expects as a header.
	CSRF string
}

// Cookie is a session cookie as a cookie jar needs it to send it again to
// the base URL it came from: host-only, so no domain.
type Cookie struct {
	Name   string `json:"name"`
	Value  string `json:"value"`
	Path   string `json:"path,omitempty"`   // "" is the jar's default path for the base URL
	Secure bool   `json:"secure,omitempty"` // sent over https only
}

// cookiesFrom converts cookies as Set-Cookie or a cookie jar gives them.
// A Domain is dropped: restored cookies are host-only for the base URL.
func cookiesFrom(cs []*http.Cookie) []Cookie {
	out := make([]Cookie, 0, len(cs))
	for _, c := range cs {
		out = append(out, Cookie{Name: c.Name, Value: c.Value, Path: c.Path, Secure: c.Secure})
	}
	return out
}

// HTTPCookies are the entry's cookies for http.CookieJar.SetCookies with
// the base URL.
func (e Entry) HTTPCookies() []*http.Cookie {
	out := make([]*http.Cookie, 0, len(e.Cookies))
	for _, c := range e.Cookies {
		out = append(out, &http.Cookie{Name: c.Name, Value: c.Value, Path: c.Path, Secure: c.Secure})
	}
	return out
}

// minMargin is the least time before its expiry that a token is no longer
// used: a check that starts with it must finish before it expires.
const minMargin = 60 * time.Second

// UsableUntil is the end of a token's use: expiry minus max(60 s, 10 % of
// its lifetime expiry - obtained), so a token valid an hour is used 54
// minutes and one valid 5 minutes is used 4. A token whose lifetime is
// under 60 s (or negative) is never usable, and a zero expiry gives the
// zero time. Lifetimes beyond time.Duration's ~292 years saturate.
func UsableUntil(obtained, expiry time.Time) time.Time {
	if expiry.IsZero() {
		return time.Time{}
	}
	margin := expiry.Sub(obtained) / 10
	if margin < minMargin {
		margin = minMargin
	}
	return expiry.Add(-margin)
}

// Usable reports whether an OAuth entry's token may be used at now
// (before [UsableUntil]). It is false for an entry without a token; the
// validity of a forms session is decided by trying it.
func (e Entry) Usable(now time.Time) bool {
	return e.AccessToken != "" && now.Before(UsableUntil(e.ObtainedAt, e.Expiry))
}

// record is the file format, version 1.
type record struct {
	Format     string    `json:"format"`
	Version    int       `json:"version"`
	Key        string    `json:"key"` // Key.ID of the entry's key
	Kind       Kind      `json:"kind"`
	ObtainedAt time.Time `json:"obtained_at"`
	LastUsed   time.Time `json:"last_used,omitzero"`
	TokenType  string    `json:"token_type,omitempty"`
	Token      string    `json:"access_token,omitempty"`
	Expiry     time.Time `json:"expiry,omitzero"`
	Cookies    []Cookie  `json:"cookies,omitempty"`
	CSRF       string    `json:"csrf,omitempty"`
}

// errForeign is the error of a file that is not a valid entry; its text
// never holds a byte of the file.
var errForeign = errors.New("not a credential cache file of this version")

// encode is the file content of e under the key with digest id.
func encode(id string, kind Kind, e Entry) ([]byte, error) {
	r := record{Format: fileFormat, Version: fileVersion, Key: id, Kind: kind, ObtainedAt: e.ObtainedAt, LastUsed: e.LastUsed,
		TokenType: e.TokenType, Token: e.AccessToken, Expiry: e.Expiry, Cookies: e.Cookies, CSRF: e.CSRF}
	if err := r.check(); err != nil {
		return nil, err
	}
	b, err := json.Marshal(r)
	if err != nil {
		// Only a time outside years 0-9999 gets here; the error
		// quotes no secret.
		return nil, fmt.Errorf("cache entry: %w", err)
	}
	b = append(b, '\n')
	if len(b) > maxFileSize {
		return nil, fmt.Errorf("cache entry: %d bytes encoded, more than the %d-byte cap", len(b), maxFileSize)
	}
	return b, nil
}

// decode parses a file: the digest of its key, its kind and its entry.
// Anything but exactly one valid version-1 record is errForeign (wrapped
// with a reason that quotes nothing of the file).
func decode(b []byte) (id string, kind Kind, e Entry, err error) {
	if len(b) > maxFileSize {
		return "", "", Entry{}, fmt.Errorf("%w: larger than %d bytes", errForeign, maxFileSize)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var r record
	if err := dec.Decode(&r); err != nil {
		return "", "", Entry{}, fmt.Errorf("%w: not its JSON", errForeign)
	}
	if _, err := dec.Token(); err != io.EOF {
		return "", "", Entry{}, fmt.Errorf("%w: data after the record", errForeign)
	}
	if err := r.check(); err != nil {
		return "", "", Entry{}, fmt.Errorf("%w: %w", errForeign, err)
	}
	return r.Key, r.Kind, Entry{ObtainedAt: r.ObtainedAt, LastUsed: r.LastUsed, AccessToken: r.Token, TokenType: r.TokenType,
		Expiry: r.Expiry, Cookies: r.Cookies, CSRF: r.CSRF}, nil
}

// check validates a record: what a later run sends from it must make a
// valid request (no line break in a header, no broken cookie). Its errors
// name fields, never values.
func (r *record) check() error {
	switch {
	case r.Format != fileFormat || r.Version != fileVersion:
		return errors.New("another format or version")
	case !isHexID(r.Key):
		return errors.New("no key digest")
	case r.ObtainedAt.IsZero():
		return errors.New("no obtained_at")
	}
	switch r.Kind {
	case KindOAuth:
		switch {
		case r.Token == "" || !visible(r.Token):
			return errors.New("an oauth entry needs an access token of visible ASCII")
		case !visible(r.TokenType):
			return errors.New("token_type is not visible ASCII")
		case r.Expiry.IsZero():
			return errors.New("an oauth entry needs an expiry")
		case len(r.Cookies) > 0 || r.CSRF != "" || !r.LastUsed.IsZero():
			return errors.New("an oauth entry has forms fields")
		}
	case KindForms:
		switch {
		case len(r.Cookies) == 0 || len(r.Cookies) > maxCookies:
			return fmt.Errorf("a forms entry needs 1 to %d cookies", maxCookies)
		case !visible(r.CSRF):
			return errors.New("csrf is not visible ASCII")
		case r.Token != "" || r.TokenType != "" || !r.Expiry.IsZero():
			return errors.New("a forms entry has oauth fields")
		}
		for i, c := range r.Cookies {
			if err := c.check(); err != nil {
				return fmt.Errorf("cookie %d: %w", i+1, err)
			}
		}
	default:
		return errors.New("unknown kind")
	}
	return nil
}

// check validates a cookie by the rules net/http applies when it sends
// one, so that it is sent unchanged.
func (c Cookie) check() error {
	switch {
	case c.Name == "" || !all(c.Name, isTokenByte):
		return errors.New("the name is not an RFC 7230 token")
	case !all(c.Value, isCookieValueByte):
		return errors.New("the value has bytes a cookie cannot carry")
	case !all(c.Path, isCookiePathByte):
		return errors.New("the path has bytes a cookie cannot carry")
	}
	return nil
}

func isHexID(s string) bool {
	return len(s) == 64 && all(s, func(b byte) bool { return '0' <= b && b <= '9' || 'a' <= b && b <= 'f' })
}

// visible reports whether s is visible ASCII, as a token, token type or
// header value from the cache must be.
func visible(s string) bool { return all(s, func(b byte) bool { return 0x21 <= b && b <= 0x7e }) }

func all(s string, ok func(byte) bool) bool {
	for i := 0; i < len(s); i++ {
		if !ok(s[i]) {
			return false
		}
	}
	return true
}

// isTokenByte is RFC 7230's tchar.
func isTokenByte(b byte) bool {
	return 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9' ||
		strings.IndexByte("!#$%&'*+-.^_`|~", b) >= 0
}

// isCookieValueByte and isCookiePathByte are net/http's rules.
func isCookieValueByte(b byte) bool {
	return 0x20 <= b && b < 0x7f && b != '"' && b != ';' && b != '\\'
}

func isCookiePathByte(b byte) bool { return 0x20 <= b && b < 0x7f && b != ';' }
