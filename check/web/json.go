package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/tidwall/gjson"
)

// bom is the UTF-8 byte order mark that .NET writers put before JSON;
// RFC 8259 section 8.1 allows a reader to skip it.
var bom = []byte("\xef\xbb\xbf")

// MaxDepth is the deepest nesting of arrays and objects that ReadObject
// accepts: encoding/json's limit.
const MaxDepth = 10000

// errNotJSON is wrapped by ReadObject's errors for a body that is not JSON.
var errNotJSON = errors.New("invalid JSON")

// Object is a JSON object as the servers' answers are read: every key in
// any case (ASP.NET Core writes camelCase, .NET Framework PascalCase), the
// values by gjson. It is the one JSON reader of the plugin: Creatio's
// answers, the discovery document, the token answer and JWT payloads.
type Object struct {
	fields map[string]field // by lower-case key
}

type field struct {
	key   string // as the answer spells it
	value gjson.Result
	twice string // the spelling of a second occurrence, if any
}

// ReadObject reads a JSON object. A leading byte order mark is skipped.
// The body must be valid JSON, nested at most 10000 deep (encoding/json's
// iterative validator checks that before gjson's recursive reader sees
// it), and an object.
func ReadObject(body []byte) (Object, error) {
	body = bytes.TrimPrefix(body, bom)
	if !json.Valid(body) {
		return Object{}, errNotJSON
	}
	root := gjson.ParseBytes(body)
	if !root.IsObject() {
		return Object{}, fmt.Errorf("a JSON %s, not an object", Kind(root))
	}
	o := Object{fields: map[string]field{}}
	root.ForEach(func(k, v gjson.Result) bool {
		lk := strings.ToLower(k.Str)
		if f, ok := o.fields[lk]; ok {
			if f.twice == "" {
				f.twice = k.Str
				o.fields[lk] = f
			}
			return true
		}
		o.fields[lk] = field{key: k.Str, value: v}
		return true
	})
	return o, nil
}

// Get is the value of key, matched in any case.
func (o Object) Get(key string) (gjson.Result, bool) {
	f, ok := o.fields[strings.ToLower(key)]
	return f.value, ok
}

// Unique is nil for a key the object holds once or not at all; for one it
// holds more than once (also in two spellings) it is an error that says
// how: readers disagree on which one counts.
func (o Object) Unique(key string) error {
	f, ok := o.fields[strings.ToLower(key)]
	switch {
	case !ok || f.twice == "":
		return nil
	case f.twice == f.key:
		return fmt.Errorf("key %q appears twice", f.key)
	}
	return fmt.Errorf("keys %q and %q both appear", f.key, f.twice)
}

// Text is a string or number value of key as text, and whether key is
// there at all.
func (o Object) Text(key string) (string, bool) {
	v, ok := o.Get(key)
	switch v.Type {
	case gjson.String:
		return v.Str, true
	case gjson.Number:
		return v.Raw, true
	}
	return "", ok
}

// Kind names a JSON value's type for an admin.
func Kind(v gjson.Result) string {
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
