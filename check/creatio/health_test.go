package creatio

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"check_creatio_oauth/check/report"
	"check_creatio_oauth/check/web"
	"check_creatio_oauth/plugin"
	"check_creatio_oauth/testdata/sim"
)

// The health bodies of Creatio's "OAuth health monitoring" documentation
// (Creatio 8.1.2+), verbatim: pretty-printed, as the page shows them.
const (
	docBodyOK = `{
"HasProblem": false,
"IsSystemSettingsFilledIn": true,
"IsIdentityServiceAvailable": true,
"IsAccessTokenRetrievableForSystemActions": true
}`
	docBodySettingsEmpty = `{
"HasProblem": true,
"IsSystemSettingsFilledIn": false,
"IsIdentityServiceAvailable": false,
"IsAccessTokenRetrievableForSystemActions": false,
"Message": "System settings OAuth20IdentityServerUrl, OAuth20IdentityServerClientId, OAuth20IdentityServerClientSecret are empty."
}`
	docBodySettingURLEmpty = `{
"HasProblem": true,
"IsSystemSettingsFilledIn": false,
"IsIdentityServiceAvailable": false,
"IsAccessTokenRetrievableForSystemActions": false,
"Message": "System setting OAuth20IdentityServerUrl is empty."
}`
	docBodyIdentityUnavailable = `{
"HasProblem": true,
"IsSystemSettingsFilledIn": true,
"IsIdentityServiceAvailable": false,
"IsAccessTokenRetrievableForSystemActions": false,
"Message": "IdentityService specified in system setting OAuth20IdentityServerUrl is unavailable."
}`
	docBodyTokenUnretrievable = `{
"HasProblem": true,
"IsSystemSettingsFilledIn": true,
"IsIdentityServiceAvailable": true,
"IsAccessTokenRetrievableForSystemActions": false,
"Message": "Can't retrieve access_token for system actions from IdentityService specified in system settings OAuth20IdentityServerUrl using client_id and client_secret specified in system settings OAuth20IdentityServerClientId & OAuth20IdentityServerClientSecret."
}`
)

// The three documented flags, true, for building bodies.
const docFlagsTrue = `"IsSystemSettingsFilledIn":true,"IsIdentityServiceAvailable":true,"IsAccessTokenRetrievableForSystemActions":true`

var (
	yes = ptr(true)
	no  = ptr(false)
)

func ptr(b bool) *bool { return &b }

// healthOf builds a report.Health; flags are settings, identity, token, default
// resource, each nil, yes or no.
func healthOf(hasProblem bool, settings, identity, token, resource *bool, msg string) report.Health {
	return report.Health{HasProblem: hasProblem, SettingsFilledIn: settings, IdentityServiceAvailable: identity,
		TokenRetrievable: token, DefaultResourceRegistered: resource, Message: msg}
}

func sameFlag(a, b *bool) bool { return a == nil && b == nil || a != nil && b != nil && *a == *b }

func sameHealth(a, b report.Health) bool {
	return a.HasProblem == b.HasProblem && a.Message == b.Message &&
		sameFlag(a.SettingsFilledIn, b.SettingsFilledIn) &&
		sameFlag(a.IdentityServiceAvailable, b.IdentityServiceAvailable) &&
		sameFlag(a.TokenRetrievable, b.TokenRetrievable) &&
		sameFlag(a.DefaultResourceRegistered, b.DefaultResourceRegistered)
}

// fmtHealth prints a report.Health for test messages, with its flags dereferenced.
func fmtHealth(h report.Health) string {
	f := func(b *bool) string {
		if b == nil {
			return "nil"
		}
		return fmt.Sprint(*b)
	}
	msg := h.Message
	if len(msg) > 60 {
		msg = msg[:60] + fmt.Sprintf("...(%d bytes)", len(msg))
	}
	return fmt.Sprintf("{HasProblem:%t Settings:%s Identity:%s Token:%s DefaultResource:%s Message:%q}",
		h.HasProblem, f(h.SettingsFilledIn), f(h.IdentityServiceAvailable), f(h.TokenRetrievable), f(h.DefaultResourceRegistered), msg)
}

func TestParseHealth(t *testing.T) {
	for _, tc := range []struct {
		name    string
		body    string
		want    report.Health
		wantErr string // a part of the error; "" for success
	}{
		// Creatio's documented answers.
		{"doc: 200 OK", docBodyOK, healthOf(false, yes, yes, yes, nil, ""), ""},
		{"doc: 500 settings empty", docBodySettingsEmpty, healthOf(true, no, no, no, nil, sim.MessageSettingsEmpty), ""},
		{"doc: 500 one setting empty", docBodySettingURLEmpty, healthOf(true, no, no, no, nil, sim.MessageSettingURLEmpty), ""},
		{"doc: 500 identity unavailable", docBodyIdentityUnavailable, healthOf(true, yes, no, no, nil, sim.MessageIdentityUnavailable), ""},
		{"doc: 500 token unretrievable", docBodyTokenUnretrievable, healthOf(true, yes, yes, no, nil, sim.MessageTokenUnretrievable), ""},

		// IsDefaultResourceRegistered (Creatio 8.3+) is optional.
		{"default resource true", `{"HasProblem":false,` + docFlagsTrue + `,"IsDefaultResourceRegistered":true}`,
			healthOf(false, yes, yes, yes, yes, ""), ""},
		{"default resource false", `{"HasProblem":true,` + docFlagsTrue + `,"IsDefaultResourceRegistered":false}`,
			healthOf(true, yes, yes, yes, no, ""), ""},
		{"default resource absent", `{"HasProblem":false,` + docFlagsTrue + `}`, healthOf(false, yes, yes, yes, nil, ""), ""},
		{"default resource null", `{"HasProblem":false,` + docFlagsTrue + `,"IsDefaultResourceRegistered":null}`,
			report.Health{}, `"IsDefaultResourceRegistered" is a JSON null`},
		{"default resource as string", `{"HasProblem":false,` + docFlagsTrue + `,"IsDefaultResourceRegistered":"true"}`,
			report.Health{}, `"IsDefaultResourceRegistered" is a JSON string`},

		// Message: a string, null or absent.
		{"message null", `{"HasProblem":true,` + docFlagsTrue + `,"Message":null}`, healthOf(true, yes, yes, yes, nil, ""), ""},
		{"message empty", `{"HasProblem":false,` + docFlagsTrue + `,"Message":""}`, healthOf(false, yes, yes, yes, nil, ""), ""},
		{"message with escapes", `{"HasProblem":true,` + docFlagsTrue + `,"Message":"a\"b\\c\n\u00fc\ud83d\ude00"}`,
			healthOf(true, yes, yes, yes, nil, "a\"b\\c\nü😀"), ""},
		{"message number", `{"HasProblem":true,` + docFlagsTrue + `,"Message":42}`, report.Health{}, `"Message" is a JSON number, not a string`},
		{"message object", `{"HasProblem":true,` + docFlagsTrue + `,"Message":{"text":"x"}}`, report.Health{}, `"Message" is a JSON object`},
		{"message false", `{"HasProblem":true,` + docFlagsTrue + `,"Message":false}`, report.Health{}, `"Message" is a JSON boolean`},

		// The four required keys must be JSON booleans.
		{"HasProblem as string", `{"HasProblem":"false",` + docFlagsTrue + `}`, report.Health{}, `"HasProblem" is a JSON string, not true or false`},
		{"HasProblem as number", `{"HasProblem":0,` + docFlagsTrue + `}`, report.Health{}, `"HasProblem" is a JSON number`},
		{"HasProblem null", `{"HasProblem":null,` + docFlagsTrue + `}`, report.Health{}, `"HasProblem" is a JSON null`},
		{"flag as array", `{"HasProblem":false,"IsSystemSettingsFilledIn":[true],"IsIdentityServiceAvailable":true,"IsAccessTokenRetrievableForSystemActions":true}`,
			report.Health{}, `"IsSystemSettingsFilledIn" is a JSON array`},
		{"no HasProblem", `{` + docFlagsTrue + `}`, report.Health{}, `no "HasProblem" key`},
		{"no IsSystemSettingsFilledIn", `{"HasProblem":false,"IsIdentityServiceAvailable":true,"IsAccessTokenRetrievableForSystemActions":true}`,
			report.Health{}, `no "IsSystemSettingsFilledIn" key`},
		{"no IsIdentityServiceAvailable", `{"HasProblem":false,"IsSystemSettingsFilledIn":true,"IsAccessTokenRetrievableForSystemActions":true}`,
			report.Health{}, `no "IsIdentityServiceAvailable" key`},
		{"no IsAccessTokenRetrievableForSystemActions", `{"HasProblem":false,"IsSystemSettingsFilledIn":true,"IsIdentityServiceAvailable":true}`,
			report.Health{}, `no "IsAccessTokenRetrievableForSystemActions" key`},
		{"camelCase keys, as ASP.NET Core writes them", `{"hasProblem":true,"isSystemSettingsFilledIn":true,"isIdentityServiceAvailable":false,"isAccessTokenRetrievableForSystemActions":false,"isDefaultResourceRegistered":false,"message":"IS down"}`,
			healthOf(true, yes, no, no, no, "IS down"), ""},
		{"keys in any case", `{"HASPROBLEM":false,"issystemsettingsfilledin":true,"IsIdentityServiceAvailable":true,"isAccessTokenRetrievableForSystemActions":true}`,
			healthOf(false, yes, yes, yes, nil, ""), ""},
		{"a key in two spellings", `{"HasProblem":true,"hasProblem":false,` + docFlagsTrue + `}`, report.Health{}, `keys "HasProblem" and "hasProblem" both appear`},
		{"camelCase wrong type names the answer's key", `{"hasProblem":"no",` + docFlagsTrue + `}`, report.Health{}, `"HasProblem" is a JSON string`},
		{"first error wins", `{"HasProblem":1}`, report.Health{}, `"HasProblem" is a JSON number`},

		// A key twice is an error, whichever value comes first.
		{"duplicate HasProblem", `{"HasProblem":true,"HasProblem":false,` + docFlagsTrue + `}`, report.Health{}, `key "HasProblem" appears twice`},
		{"duplicate Message", `{"HasProblem":true,` + docFlagsTrue + `,"Message":"a","Message":"b"}`, report.Health{}, `key "Message" appears twice`},
		{"duplicate unknown key is fine", `{"x":1,"x":2,"HasProblem":false,` + docFlagsTrue + `}`, healthOf(false, yes, yes, yes, nil, ""), ""},

		// Not an object.
		{"array", `[]`, report.Health{}, "a JSON array, not an object"},
		{"array of the object", `[` + docBodyOK + `]`, report.Health{}, "a JSON array, not an object"},
		{"string", `"x"`, report.Health{}, "a JSON string, not an object"},
		{"number", `1`, report.Health{}, "a JSON number, not an object"},
		{"null", `null`, report.Health{}, "a JSON null, not an object"},
		{"true", `true`, report.Health{}, "a JSON boolean, not an object"},

		// Not JSON.
		{"empty", ``, report.Health{}, "invalid JSON"},
		{"only spaces", " \n\t", report.Health{}, "invalid JSON"},
		{"truncated", `{"HasProblem":fal`, report.Health{}, "invalid JSON"},
		{"HTML", `<html><body>Login</body></html>`, report.Health{}, "invalid JSON"},
		{"trailing garbage", docBodyOK + `x`, report.Health{}, "invalid JSON"},
		{"two objects", docBodyOK + docBodyOK, report.Health{}, "invalid JSON"},
		{"single quotes", `{'HasProblem':false}`, report.Health{}, "invalid JSON"},
		{"trailing comma", `{"HasProblem":false,` + docFlagsTrue + `,}`, report.Health{}, "invalid JSON"},
		{"control character in a string", "{\"HasProblem\":true," + docFlagsTrue + ",\"Message\":\"a\tb\"}", report.Health{}, "invalid JSON"},
		{"NaN", `{"HasProblem":false,` + docFlagsTrue + `,"x":NaN}`, report.Health{}, "invalid JSON"},

		// Unknown keys are ignored, whatever they hold.
		{"extra keys", `{"HasProblem":false,` + docFlagsTrue + `,"IsDefaultResourceRegistered":true,"Diagnostics":{"ElapsedMs":12,"Checks":["settings","identity","token"]},"Message":"","Version":"8.3.2"}`,
			healthOf(false, yes, yes, yes, yes, ""), ""},
		{"nested key of the same name is not the flag", `{"x":{"HasProblem":true},"HasProblem":false,` + docFlagsTrue + `}`,
			healthOf(false, yes, yes, yes, nil, ""), ""},

		// Whitespace JSON allows is accepted (the documentation pretty-prints),
		// and so is a leading UTF-8 byte order mark, which .NET writers emit
		// and RFC 8259 section 8.1 lets a reader skip; only one, only first.
		{"whitespace around", " \r\n\t" + docBodyOK + "\n\n", healthOf(false, yes, yes, yes, nil, ""), ""},
		{"BOM", "\xef\xbb\xbf" + docBodyOK, healthOf(false, yes, yes, yes, nil, ""), ""},
		{"BOM with a problem", "\xef\xbb\xbf" + docBodyIdentityUnavailable, healthOf(true, yes, no, no, nil, sim.MessageIdentityUnavailable), ""},
		{"two BOMs", "\xef\xbb\xbf\xef\xbb\xbf" + docBodyOK, report.Health{}, "invalid JSON"},
		{"BOM after whitespace", " \xef\xbb\xbf" + docBodyOK, report.Health{}, "invalid JSON"},
		{"non-breaking space", "\u00a0" + docBodyOK, report.Health{}, "invalid JSON"},
	} {
		got, err := parseHealth([]byte(tc.body))
		if tc.wantErr != "" {
			if err == nil {
				t.Errorf("%s: parseHealth = %s, want an error with %q", tc.name, fmtHealth(got), tc.wantErr)
				continue
			}
			if !errors.Is(err, errNotHealthJSON) {
				t.Errorf("%s: error %q does not wrap errNotHealthJSON", tc.name, err)
			}
			if !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("%s: error %q, want it to contain %q", tc.name, err, tc.wantErr)
			}
			if !sameHealth(got, report.Health{}) {
				t.Errorf("%s: parseHealth returned %s with its error, want the zero report.Health", tc.name, fmtHealth(got))
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: parseHealth error %v", tc.name, err)
			continue
		}
		if !sameHealth(got, tc.want) {
			t.Errorf("%s: parseHealth = %s, want %s", tc.name, fmtHealth(got), fmtHealth(tc.want))
		}
	}
}

// The simulator's compact bodies are the documented ones without the
// pretty-printing: both parse to the same report.Health.
func TestParseHealthSimulatorBodies(t *testing.T) {
	for _, tc := range []struct{ sim, doc string }{
		{sim.BodyOK, docBodyOK},
		{sim.BodySettingsEmpty, docBodySettingsEmpty},
		{sim.BodySettingURLEmpty, docBodySettingURLEmpty},
		{sim.BodyIdentityUnavailable, docBodyIdentityUnavailable},
		{sim.BodyTokenUnretrievable, docBodyTokenUnretrievable},
	} {
		s, err1 := parseHealth([]byte(tc.sim))
		d, err2 := parseHealth([]byte(tc.doc))
		if err1 != nil || err2 != nil || !sameHealth(s, d) {
			t.Errorf("simulator body %s = %s, %v; documented body = %s, %v", tc.sim, fmtHealth(s), err1, fmtHealth(d), err2)
		}
	}
}

func TestParseHealthLargeMessage(t *testing.T) {
	msg := strings.Repeat("Identity Service unavailable ", 1<<20/29+1)[:1<<20] // 1 MiB
	body := `{"HasProblem":true,"IsSystemSettingsFilledIn":true,"IsIdentityServiceAvailable":false,"IsAccessTokenRetrievableForSystemActions":false,"Message":"` + msg + `"}`
	h, err := parseHealth([]byte(body))
	if err != nil {
		t.Fatalf("parseHealth of a 1 MiB Message: %v", err)
	}
	if got, want := len(h.Message), 1<<20; got != want {
		t.Errorf("len(Message) = %d, want %d", got, want)
	}
	_, cause := healthSteps(h)
	s := problemFailure(h, cause).Line()
	if got, max := len(s), plugin.MaxLine-len(report.Name+" CRITICAL - "); got > max {
		t.Errorf("problemFailure(...).Line() of a 1 MiB Message is %d bytes, want at most %d", got, max)
	}
	if got, want := s, "Identity Service unavailable"; !strings.HasPrefix(got, want) || !strings.HasSuffix(got, "... "+report.Checks[1].Hint) {
		t.Errorf("problemFailure(...).Line() = %q, want %q..., cut, and the hint", got, want)
	}
}

// gjson validates recursively, about 100 bytes of stack per nesting level:
// 100 000 levels take about 30 ms and 10 MB of stack, and the 1 MiB a body
// may have by default about 0.25 s and 128 MB; from about 8 MiB of '['
// (--max-body raised) the goroutine stack passes Go's 1 GB limit, a fatal
// error no recover catches. validJSON therefore refuses nesting deeper than
// web.MaxDepth before gjson sees the body.
func TestParseHealthDeepNesting(t *testing.T) {
	deep := func(n int) []byte {
		var b bytes.Buffer
		b.WriteString(`{"HasProblem":false,` + docFlagsTrue + `,"Diagnostics":`)
		b.WriteString(strings.Repeat("[", n))
		b.WriteString(strings.Repeat("]", n))
		b.WriteString(`}`)
		return b.Bytes()
	}
	for _, tc := range []struct {
		name    string
		body    []byte
		wantErr bool
	}{
		{"at the limit", deep(web.MaxDepth - 1), false}, // the object is one level
		{"one past the limit", deep(web.MaxDepth), true},
		{"100 000 deep in an unknown key", deep(100_000), true},
		{"1 MiB of [ (the default --max-body)", bytes.Repeat([]byte("["), web.DefaultMaxBody), true},
		{"16 MiB of [ (crashed gjson before the depth limit)", bytes.Repeat([]byte("["), 16<<20), true},
		{"brackets inside a string do not count", []byte(`{"HasProblem":false,` + docFlagsTrue + `,"x":"` + strings.Repeat("[", 100_000) + `"}`), false},
		{"escaped quotes inside a string", []byte(`{"HasProblem":false,` + docFlagsTrue + `,"x":"\"[[\\\"","y":[[1]]}`), false},
	} {
		start := time.Now()
		_, err := parseHealth(tc.body)
		t.Logf("%s: %d bytes parsed in %v", tc.name, len(tc.body), time.Since(start))
		switch {
		case tc.wantErr && err == nil:
			t.Errorf("%s: parseHealth accepted it", tc.name)
		case tc.wantErr && !errors.Is(err, errNotHealthJSON):
			t.Errorf("%s: error %v does not wrap errNotHealthJSON", tc.name, err)
		case !tc.wantErr && err != nil:
			t.Errorf("%s: parseHealth error %v", tc.name, err)
		}
	}
}

func TestHealthy(t *testing.T) {
	for _, tc := range []struct {
		h    report.Health
		want bool
	}{
		{healthOf(false, yes, yes, yes, nil, ""), true},
		{healthOf(false, yes, yes, yes, yes, ""), true},
		{healthOf(false, nil, nil, nil, nil, ""), true}, // nothing known is wrong
		{healthOf(false, yes, yes, yes, nil, "a message alone is no problem"), true},
		{healthOf(true, yes, yes, yes, nil, ""), false}, // HasProblem with every flag true
		{healthOf(true, yes, yes, yes, yes, ""), false},
		{healthOf(true, nil, nil, nil, nil, ""), false},
		{healthOf(false, no, yes, yes, nil, ""), false}, // a false flag without HasProblem
		{healthOf(false, yes, no, yes, nil, ""), false},
		{healthOf(false, yes, yes, no, nil, ""), false},
		{healthOf(false, yes, yes, yes, no, ""), false},
		{healthOf(false, nil, nil, nil, no, ""), false},
		{healthOf(true, no, no, no, nil, sim.MessageSettingsEmpty), false},
	} {
		if got, want := tc.h.Healthy(), tc.want; got != want {
			t.Errorf("%s.Healthy() = %t, want %t", fmtHealth(tc.h), got, want)
		}
	}
}

func TestHealthSteps(t *testing.T) {
	for _, tc := range []struct {
		name      string
		h         report.Health
		wantCause string   // the cause step's name; "" for none
		want      []string // "state name: detail" per step
	}{
		{"healthy", healthOf(false, yes, yes, yes, nil, ""), "", []string{
			"OK settings: OAuth 2.0 system settings are filled in",
			"OK identity_service: the Identity Service is available",
			"OK token: an access token for system actions is retrievable",
		}},
		{"healthy with default resource", healthOf(false, yes, yes, yes, yes, ""), "", []string{
			"OK settings: OAuth 2.0 system settings are filled in",
			"OK identity_service: the Identity Service is available",
			"OK token: an access token for system actions is retrievable",
			"OK default_resource: the default OAuth resource is registered",
		}},
		{"settings empty", healthOf(true, no, no, no, nil, sim.MessageSettingsEmpty), "settings", []string{
			"CRITICAL settings: IsSystemSettingsFilledIn false: the OAuth 2.0 system settings are not filled in",
			"CRITICAL identity_service: IsIdentityServiceAvailable false (follows from the settings step)",
			"CRITICAL token: IsAccessTokenRetrievableForSystemActions false (follows from the settings step)",
		}},
		{"identity unavailable", healthOf(true, yes, no, no, nil, sim.MessageIdentityUnavailable), "identity_service", []string{
			"OK settings: OAuth 2.0 system settings are filled in",
			"CRITICAL identity_service: IsIdentityServiceAvailable false: the Identity Service is not available to Creatio",
			"CRITICAL token: IsAccessTokenRetrievableForSystemActions false (follows from the identity_service step)",
		}},
		{"token unretrievable", healthOf(true, yes, yes, no, nil, sim.MessageTokenUnretrievable), "token", []string{
			"OK settings: OAuth 2.0 system settings are filled in",
			"OK identity_service: the Identity Service is available",
			"CRITICAL token: IsAccessTokenRetrievableForSystemActions false: no access token for system actions is retrievable",
		}},
		{"default resource not registered", healthOf(true, yes, yes, yes, no, ""), "default_resource", []string{
			"OK settings: OAuth 2.0 system settings are filled in",
			"OK identity_service: the Identity Service is available",
			"OK token: an access token for system actions is retrievable",
			"CRITICAL default_resource: IsDefaultResourceRegistered false: default OAuth resource not registered",
		}},
		{"a true flag after the cause stays OK", healthOf(true, yes, no, yes, no, ""), "identity_service", []string{
			"OK settings: OAuth 2.0 system settings are filled in",
			"CRITICAL identity_service: IsIdentityServiceAvailable false: the Identity Service is not available to Creatio",
			"OK token: an access token for system actions is retrievable",
			"CRITICAL default_resource: IsDefaultResourceRegistered false (follows from the identity_service step)",
		}},
		{"unknown flags are skipped", healthOf(true, nil, no, nil, no, ""), "identity_service", []string{
			"CRITICAL identity_service: IsIdentityServiceAvailable false: the Identity Service is not available to Creatio",
			"CRITICAL default_resource: IsDefaultResourceRegistered false (follows from the identity_service step)",
		}},
		{"HasProblem alone names no cause", healthOf(true, yes, yes, yes, nil, "something"), "", []string{
			"OK settings: OAuth 2.0 system settings are filled in",
			"OK identity_service: the Identity Service is available",
			"OK token: an access token for system actions is retrievable",
		}},
		{"nothing known", report.Health{}, "", nil},
	} {
		steps, cause := healthSteps(tc.h)
		gotCause := ""
		if cause != nil {
			gotCause = cause.Name
		}
		if got, want := gotCause, tc.wantCause; got != want {
			t.Errorf("%s: cause %q, want %q", tc.name, got, want)
		}
		var got []string
		for _, s := range steps {
			got = append(got, s.State.String()+" "+s.Name+": "+s.Detail)
			switch {
			case cause != nil && s.Name == cause.Name && s.Fix != cause.Fix:
				t.Errorf("%s: the cause step %s has fix %q, want %q", tc.name, s.Name, s.Fix, cause.Fix)
			case (cause == nil || s.Name != cause.Name) && s.Fix != "":
				t.Errorf("%s: step %s is not the cause but has a fix %q", tc.name, s.Name, s.Fix)
			}
		}
		if got, want := strings.Join(got, "\n"), strings.Join(tc.want, "\n"); got != want {
			t.Errorf("%s: steps\n%s\nwant\n%s", tc.name, got, want)
		}
	}
}

func TestProblemSummary(t *testing.T) {
	settings, ids, token, resource := &report.Checks[0], &report.Checks[1], &report.Checks[2], &report.Checks[3]
	for _, tc := range []struct {
		name  string
		h     report.Health
		cause *report.Check
		want  string
	}{
		{"documented message", healthOf(true, yes, no, no, nil, sim.MessageIdentityUnavailable), ids,
			sim.MessageIdentityUnavailable + " " + ids.Hint},
		{"no message: the cause says it", healthOf(true, yes, yes, yes, no, ""), resource,
			"default OAuth resource not registered. " + resource.Hint},
		{"message without a period gets one", healthOf(true, no, no, no, nil, "System setting X is empty"), settings,
			"System setting X is empty. " + settings.Hint},
		{"no cause, no message", healthOf(true, yes, yes, yes, nil, ""), nil,
			"Creatio reports HasProblem true but names no failing check. Open the OAuth 2.0 diagnostic in Creatio and its logs."},
		{"no cause, a message", healthOf(true, yes, yes, yes, nil, "Resource missing."), nil,
			"Resource missing. Open the OAuth 2.0 diagnostic in Creatio and its logs."},
		{"hostile message", healthOf(true, yes, yes, no, nil, sim.MessageHostile), token,
			"Check failed / 'time'=1s;;; second line after a tab: Überprüfung fehlgeschlagen ✗ after NUL. " + token.Hint},
		{"blank message", healthOf(true, yes, yes, no, nil, " \n "), token, "no access token for system actions is retrievable. " + token.Hint},
	} {
		if got, want := problemFailure(tc.h, tc.cause).Line(), tc.want; got != want {
			t.Errorf("%s: problemFailure(...).Line() = %q, want %q", tc.name, got, want)
		}
	}
}

// healthCorpus seeds FuzzParseHealth.
var healthCorpus = []string{
	// Creatio's documented answers, pretty-printed, and compact as Creatio
	// writes them.
	docBodyOK,
	docBodySettingsEmpty,
	docBodySettingURLEmpty,
	docBodyIdentityUnavailable,
	docBodyTokenUnretrievable,
	sim.BodyOK,
	// 8.3: only the default resource fails.
	`{"HasProblem":true,` + docFlagsTrue + `,"IsDefaultResourceRegistered":false}`,
	// HasProblem without a cause.
	`{"HasProblem":true,` + docFlagsTrue + `}`,
	// A false flag without HasProblem.
	`{"HasProblem":false,"IsSystemSettingsFilledIn":true,"IsIdentityServiceAvailable":false,"IsAccessTokenRetrievableForSystemActions":true}`,
	// A hostile Message: '|', controls, Unicode spaces, a lone surrogate.
	`{"HasProblem":true,` + docFlagsTrue + `,"Message":"a|b\n\u0000c\t\u00a0\u2028\ud800\u00ff"}`,
	// Invalid UTF-8 in the Message.
	"{\"HasProblem\":true," + docFlagsTrue + ",\"Message\":\"caf\xe9 \xff\xfe\"}",
	// A long multi-byte Message, to be cut at a rune boundary.
	`{"HasProblem":true,` + docFlagsTrue + `,"Message":"` + strings.Repeat("é", 150) + `"}`,
	`{"HasProblem":true,` + docFlagsTrue + `,"Message":null}`,                 // null Message
	`{"HasProblem":true,"HasProblem":false,` + docFlagsTrue + `}`,             // duplicate key
	`{"HasProblem":"false",` + docFlagsTrue + `}`,                             // flag as a string
	`{"x":[[[{"HasProblem":true}]]],"HasProblem":false,` + docFlagsTrue + `}`, // nested key of the same name
	`{"HasProblem":false,` + docFlagsTrue + `,"x":"\"[{\\"}`,                  // escaped quotes and brackets in a string
	`{"HasProblem":false,` + docFlagsTrue + `,"x":-0.5e+10}`,                  // number syntax
	`{"HasProblem":false,` + docFlagsTrue + `,"x":01}`,                        // a leading zero is not JSON
	`{"\u0048asProblem":false,` + docFlagsTrue + `}`,                          // an escaped key name
	"\xef\xbb\xbf" + sim.BodyOK,                                               // BOM
	`[]`,                                                                      // not an object
	`null`,                                                                    // not an object either
	``,                                                                        // empty
	`{"HasProblem":fal`,                                                       // truncated
}

// encodeHealth writes h as the health JSON. Strings are escaped byte by
// byte, without the UTF-8 repair of encoding/json, so that any Message
// parseHealth returned must come back unchanged.
func encodeHealth(h report.Health) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, `{"HasProblem":%t`, h.HasProblem)
	for _, f := range []struct {
		key string
		v   *bool
	}{
		{report.FlagSettingsFilledIn, h.SettingsFilledIn},
		{report.FlagIdentityService, h.IdentityServiceAvailable},
		{report.FlagTokenRetrievable, h.TokenRetrievable},
		{report.FlagDefaultResource, h.DefaultResourceRegistered},
	} {
		if f.v != nil {
			fmt.Fprintf(&b, `,%q:%t`, f.key, *f.v)
		}
	}
	b.WriteString(`,"Message":"`)
	for i := 0; i < len(h.Message); i++ {
		switch c := h.Message[i]; {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < 0x20:
			fmt.Fprintf(&b, `\u%04x`, c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteString(`"}`)
	return b.Bytes()
}

func FuzzParseHealth(f *testing.F) {
	for _, s := range healthCorpus {
		f.Add([]byte(s))
	}
	maxSummary := plugin.MaxLine - len(report.Name+" CRITICAL - ")
	f.Fuzz(func(t *testing.T, body []byte) {
		h, err := parseHealth(body)
		if err != nil {
			if !errors.Is(err, errNotHealthJSON) {
				t.Fatalf("parseHealth(%q) error %q does not wrap errNotHealthJSON", body, err)
			}
			if !sameHealth(h, report.Health{}) {
				t.Fatalf("parseHealth(%q) returned %s with its error", body, fmtHealth(h))
			}
			return
		}
		if !json.Valid(bytes.TrimPrefix(body, []byte("\xef\xbb\xbf"))) {
			t.Fatalf("parseHealth accepted %q, which encoding/json rejects (after a byte order mark)", body)
		}
		if h.SettingsFilledIn == nil || h.IdentityServiceAvailable == nil || h.TokenRetrievable == nil {
			t.Fatalf("parseHealth(%q) = %s: a required flag is unknown", body, fmtHealth(h))
		}
		enc := encodeHealth(h)
		h2, err := parseHealth(enc)
		if err != nil || !sameHealth(h, h2) {
			t.Fatalf("parseHealth(%q) = %s, re-encoded as %q parses to %s, %v", body, fmtHealth(h), enc, fmtHealth(h2), err)
		}
		if h.HasProblem && h.Healthy() {
			t.Fatalf("%s is Healthy with HasProblem true", fmtHealth(h))
		}
		_, cause := healthSteps(h)
		s := problemFailure(h, cause).Line()
		if len(s) > maxSummary {
			t.Fatalf("problemFailure(%s).Line() is %d bytes, more than %d: %q", fmtHealth(h), len(s), maxSummary, s)
		}
		if !utf8.ValidString(s) {
			t.Fatalf("problemFailure(%s).Line() = %q is not valid UTF-8", fmtHealth(h), s)
		}
		if i := strings.IndexFunc(s, func(r rune) bool { return r == '|' || unicode.IsControl(r) }); i >= 0 {
			t.Fatalf("problemFailure(%s).Line() = %q has %q at byte %d", fmtHealth(h), s, s[i:i+1], i)
		}
	})
}
