package cache

import (
	"errors"
	"strings"
	"testing"
)

// decodeCorpus seeds FuzzDecode: the cache file is outside input (another
// process, another version, a disk that lost a write, a hand edit).
func decodeCorpus(f *testing.F) [][]byte {
	id := strings.Repeat("0123456789abcdef", 4)
	good := func(kind Kind, e Entry) string {
		b, err := encode(id, kind, e)
		if err != nil {
			f.Fatal(err)
		}
		return string(b)
	}
	oauth, forms := good(KindOAuth, oauthEntry()), good(KindForms, formsEntry())
	return [][]byte{
		[]byte(oauth), // valid token entry
		[]byte(forms), // valid session entry
		[]byte(good(KindOAuth, Entry{ObtainedAt: t0, AccessToken: "x", Expiry: t0})), // no token type, expiry = obtained
		[]byte(oauth[:len(oauth)/2]), // truncated
		[]byte(""),                   // empty file
		[]byte("null"),               // JSON null
		[]byte(strings.Replace(oauth, `"version":1`, `"version":2`, 1)),                            // a later version
		[]byte(strings.Replace(oauth, `"version":1`, `"version":1.0`, 1)),                          // a float version
		[]byte(strings.Replace(oauth, `"format"`, `"FORMAT"`, 1)),                                  // a key in another case
		[]byte(strings.Replace(oauth, `{`, `{"version":2,`, 1)),                                    // a duplicate key
		[]byte(strings.Replace(oauth, `{`, `{"extra":true,`, 1)),                                   // an unknown field
		[]byte(strings.Replace(oauth, `Z"`, `+14:00"`, 1)),                                         // a time with an offset
		[]byte(strings.Replace(oauth, `2026`, `9999`, 1)),                                          // the last year a time encodes
		[]byte(strings.Replace(oauth, `"2026-12-02T04:00:00Z"`, `"9999-12-31T23:59:59-23:59"`, 1)), // past year 9999 in UTC
		[]byte(strings.Replace(oauth, `"Bearer"`, `"B\u0065arer"`, 1)),                             // a JSON escape
		[]byte(strings.Replace(oauth, `"Bearer"`, "\"Be\xffarer\"", 1)),                            // invalid UTF-8
		[]byte(strings.Replace(forms, `"path":"/"`, `"path":"/a b"`, 1)),                           // a space in a path
		[]byte(strings.Replace(forms, `"secure":true`, `"secure":null`, 1)),                        // null for a bool
		[]byte(strings.Replace(forms, `"kind":"forms"`, `"kind":"oauth"`, 1)),                      // the other kind's fields
		[]byte(oauth + oauth),             // two records
		[]byte(strings.Repeat("[", 4096)), // deep nesting
		[]byte("\xef\xbb\xbf" + oauth),    // a byte order mark
	}
}

// FuzzDecode: decoding arbitrary bytes never panics; what decodes is valid
// and re-encodes to something that decodes equal; what does not is
// errForeign, in words that quote nothing of the file.
func FuzzDecode(f *testing.F) {
	for _, b := range decodeCorpus(f) {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		id, kind, e, err := decode(b)
		if err != nil {
			if !errors.Is(err, errForeign) {
				t.Fatalf("decode error %q is not errForeign", err)
			}
			if strings.ContainsAny(err.Error(), "\"\n") {
				t.Fatalf("decode error %q quotes the file", err)
			}
			return
		}
		if len(b) > maxFileSize {
			t.Fatalf("decoded %d bytes, more than the cap", len(b))
		}
		again, err := encode(id, kind, e)
		if err != nil {
			t.Fatalf("a decoded entry does not encode: %v", err)
		}
		id2, kind2, e2, err := decode(again)
		if err != nil {
			t.Fatalf("a re-encoded entry does not decode: %v\n%s", err, again)
		}
		if id2 != id || kind2 != kind || !equal(e, e2) {
			t.Fatalf("re-encoding changed the entry:\n%+v %s %s\n%+v %s %s", e, kind, id, e2, kind2, id2)
		}
		if kind == KindOAuth && e.Usable(e.ObtainedAt) != (e.ObtainedAt.Before(UsableUntil(e.ObtainedAt, e.Expiry))) {
			t.Fatal("Usable disagrees with UsableUntil")
		}
	})
}
