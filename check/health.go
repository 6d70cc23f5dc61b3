package check

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/tidwall/gjson"
)

// The JSON keys of Creatio's OAuth health answer.
const (
	keyHasProblem       = "HasProblem"
	keySettingsFilledIn = "IsSystemSettingsFilledIn"
	keyIdentityService  = "IsIdentityServiceAvailable"
	keyTokenRetrievable = "IsAccessTokenRetrievableForSystemActions"
	keyDefaultResource  = "IsDefaultResourceRegistered"
	keyMessage          = "Message"
)

// Health is Creatio's OAuth health status, as GET {base}/0/api/OAuthHealthCheck
// answers it or as direct mode measures it. A nil flag is unknown: not in the
// answer, or not measured.
type Health struct {
	HasProblem                bool
	SettingsFilledIn          *bool // IsSystemSettingsFilledIn
	IdentityServiceAvailable  *bool // IsIdentityServiceAvailable
	TokenRetrievable          *bool // IsAccessTokenRetrievableForSystemActions
	DefaultResourceRegistered *bool // IsDefaultResourceRegistered (Creatio 8.3+)
	Message                   string
}

// ErrNotHealthJSON is wrapped by ParseHealth's errors: the body is not the
// OAuth health JSON.
var ErrNotHealthJSON = errors.New("not the OAuth health JSON")

// healthKeys are the keys ParseHealth reads, in Creatio's spelling.
var healthKeys = []string{keyHasProblem, keySettingsFilledIn, keyIdentityService, keyTokenRetrievable, keyDefaultResource, keyMessage}

// ParseHealth reads Creatio's OAuth health JSON. HasProblem and the three
// documented flags must be JSON booleans, IsDefaultResourceRegistered a boolean
// when present and Message a string or null; other keys are ignored. Keys
// match in any case, as ASP.NET Core writes them in camelCase
// ("hasProblem"); a leading UTF-8 byte order mark is skipped. A key that
// appears twice, also in two spellings, is an error, since readers disagree
// on which one counts.
func ParseHealth(body []byte) (Health, error) {
	var h Health
	body = bytes.TrimPrefix(body, bom)
	if !validJSON(body) {
		return h, fmt.Errorf("%w: invalid JSON", ErrNotHealthJSON)
	}
	root := gjson.ParseBytes(body)
	if !root.IsObject() {
		return h, fmt.Errorf("%w: a JSON %s, not an object", ErrNotHealthJSON, jsonKind(root))
	}
	seen, err := healthFields(root)
	if err != nil {
		return h, err
	}
	flag := func(key string, required bool) *bool {
		v, ok := seen[key]
		switch {
		case !ok && required && err == nil:
			err = fmt.Errorf("%w: no %q key", ErrNotHealthJSON, key)
		case ok && !v.IsBool() && err == nil:
			err = fmt.Errorf("%w: %q is a JSON %s, not true or false", ErrNotHealthJSON, key, jsonKind(v))
		case ok && v.IsBool():
			b := v.Bool()
			return &b
		}
		return nil
	}
	hasProblem := flag(keyHasProblem, true)
	h.SettingsFilledIn = flag(keySettingsFilledIn, true)
	h.IdentityServiceAvailable = flag(keyIdentityService, true)
	h.TokenRetrievable = flag(keyTokenRetrievable, true)
	h.DefaultResourceRegistered = flag(keyDefaultResource, false)
	if m, ok := seen[keyMessage]; ok && err == nil {
		switch m.Type {
		case gjson.String:
			h.Message = m.Str
		case gjson.Null:
		default:
			err = fmt.Errorf("%w: %q is a JSON %s, not a string", ErrNotHealthJSON, keyMessage, jsonKind(m))
		}
	}
	if err != nil {
		return Health{}, err
	}
	h.HasProblem = *hasProblem
	return h, nil
}

// healthFields are the health keys of a JSON object by Creatio's spelling;
// a key twice, also in two spellings, is an error.
func healthFields(root gjson.Result) (map[string]gjson.Result, error) {
	seen := map[string]gjson.Result{}
	spelt := map[string]string{} // how the answer spells each key
	var dup error
	root.ForEach(func(k, v gjson.Result) bool {
		key := canonicalKey(k.Str)
		if key == "" {
			return true
		}
		if first, ok := spelt[key]; ok {
			dup = fmt.Errorf("%w: key %q appears twice", ErrNotHealthJSON, k.Str)
			if first != k.Str {
				dup = fmt.Errorf("%w: keys %q and %q both appear", ErrNotHealthJSON, first, k.Str)
			}
			return false
		}
		seen[key], spelt[key] = v, k.Str
		return true
	})
	return seen, dup
}

// canonicalKey is Creatio's spelling of a health key given in any case, or
// "" for a key ParseHealth does not read.
func canonicalKey(k string) string {
	for _, want := range healthKeys {
		if strings.EqualFold(k, want) {
			return want
		}
	}
	return ""
}

// maxJSONDepth is the deepest nesting of arrays and objects validJSON
// accepts, as in encoding/json.
const maxJSONDepth = 10000

// validJSON reports whether body is valid JSON nested at most maxJSONDepth
// deep. gjson validates recursively, with about 100 bytes of stack a level:
// a body of a few MiB of '[' would overflow the goroutine stack, a fatal
// error that no recover catches.
func validJSON(body []byte) bool {
	depth := 0
	inString, escaped := false, false
	for _, c := range body {
		switch {
		case escaped:
			escaped = false
		case inString:
			inString = c != '"'
			escaped = c == '\\'
		case c == '"':
			inString = true
		case c == '[' || c == '{':
			if depth++; depth > maxJSONDepth {
				return false
			}
		case c == ']' || c == '}':
			depth--
		}
	}
	return gjson.ValidBytes(body)
}

// Healthy reports whether Creatio sees no problem: HasProblem false and every
// known flag true.
func (h Health) Healthy() bool {
	if h.HasProblem {
		return false
	}
	for _, f := range []*bool{h.SettingsFilledIn, h.IdentityServiceAvailable, h.TokenRetrievable, h.DefaultResourceRegistered} {
		if f != nil && !*f {
			return false
		}
	}
	return true
}

// jsonKind names a JSON value's type for an admin.
func jsonKind(v gjson.Result) string {
	switch {
	case v.IsObject():
		return "object"
	case v.IsArray():
		return "array"
	case v.IsBool():
		return "boolean"
	}
	switch v.Type {
	case gjson.String:
		return "string"
	case gjson.Number:
		return "number"
	case gjson.Null:
		return "null"
	}
	return "value"
}
