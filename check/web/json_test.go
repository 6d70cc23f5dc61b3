package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

// ReadObject takes a JSON object nested up to encoding/json's limit and
// refuses anything deeper before gjson's recursive reader sees it, and
// every value that is not an object.
func TestReadObject(t *testing.T) {
	deep := func(n int) string { return `{"a":` + strings.Repeat("[", n) + strings.Repeat("]", n) + `}` }
	for _, tc := range []struct {
		name, in string
		wantErr  string // "" for an object
	}{
		{"object", `{"HasProblem":false}`, ""},
		{"byte order mark", "\xef\xbb\xbf{}", ""},
		{"nested to the limit", deep(MaxDepth - 1), ""},
		{"nested beyond the limit", deep(MaxDepth), "invalid JSON"},
		{"a megabyte of brackets", strings.Repeat("[", 1<<20), "invalid JSON"},
		{"array", `[]`, "a JSON array, not an object"},
		{"string", `"x"`, "a JSON string, not an object"},
		{"empty", ``, "invalid JSON"},
		{"truncated", `{"a":`, "invalid JSON"},
	} {
		_, err := ReadObject([]byte(tc.in))
		switch {
		case tc.wantErr == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.wantErr != "" && (err == nil || err.Error() != tc.wantErr):
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.wantErr)
		case tc.wantErr == "invalid JSON" && !errors.Is(err, errNotJSON):
			t.Errorf("%s: error %v does not wrap errNotJSON", tc.name, err)
		}
	}
}

// Keys match in any case; a key held twice, also in two spellings, is
// named.
func TestObjectKeys(t *testing.T) {
	o, err := ReadObject([]byte(`{"hasProblem":true,"Message":"m","message":"n","Code":1,"Code":2,"n":3.5}`))
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := o.Get("HasProblem"); !ok || !v.Bool() {
		t.Errorf("HasProblem = %v, %t", v, ok)
	}
	if v, _ := o.Get("MESSAGE"); v.Str != "m" {
		t.Errorf("the first spelling counts: %q", v.Str)
	}
	for key, want := range map[string]string{
		"Message":    `keys "Message" and "message" both appear`,
		"code":       `key "Code" appears twice`,
		"HasProblem": "",
		"absent":     "",
	} {
		got := ""
		if err := o.Unique(key); err != nil {
			got = err.Error()
		}
		if got != want {
			t.Errorf("Unique(%s) = %q, want %q", key, got, want)
		}
	}
	if v, ok := o.Text("n"); !ok || v != "3.5" {
		t.Errorf("Text(n) = %q, %t", v, ok)
	}
}

// FuzzReadObject holds the one JSON reader to encoding/json: it takes a
// body exactly when encoding/json reads it as an object, never panics (no
// nesting overflows gjson's recursion), and finds every top-level key in
// any case.
func FuzzReadObject(f *testing.F) {
	for _, s := range []string{`{}`, `{"HasProblem":false,"Message":null}`, "\xef\xbb\xbf{\"a\":1}", `{"a":1,"A":2}`, `[1]`, `"x"`, ``, `{"a":[[[[]]]]}`, `{"a":"\u00fc\ud83d\ude00"}`, `{"a" : 1 , "b":{"c":2}}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		o, err := ReadObject(body)
		var m map[string]json.RawMessage
		jerr := json.Unmarshal(bytes.TrimPrefix(body, bom), &m)
		if (err == nil) != (jerr == nil && m != nil) {
			t.Fatalf("ReadObject(%q): %v; encoding/json: %v", body, err, jerr)
		}
		for k := range m {
			if _, ok := o.Get(strings.ToUpper(k)); !ok {
				t.Fatalf("ReadObject(%q) lacks the key %q", body, k)
			}
		}
	})
}
