package cache

import (
	"fmt"
	"strings"
	"testing"
)

// baseKey is a forms key with a secret; variants change one thing each.
func baseKey() Key {
	return Key{Kind: KindForms, BaseURL: "https://crm.example", User: "Supervisor"}.WithSecret("pa55word")
}

func TestKeyIDCoversEverything(t *testing.T) {
	base := baseKey()
	variants := map[string]Key{
		"kind":         func() Key { k := base; k.Kind = KindOAuth; return k }(),
		"base URL":     func() Key { k := base; k.BaseURL = "https://crm.example/0"; return k }(),
		"user":         func() Key { k := base; k.User = "supervisor"; return k }(),
		"identity URL": func() Key { k := base; k.IdentityURL = "https://id.example"; return k }(),
		"client auth":  func() Key { k := base; k.ClientAuth = "client_secret_basic"; return k }(),
		"secret":       base.WithSecret("pa55word2"),
		"empty secret": base.WithSecret(""),
		// Length prefixes: moving bytes from one field to the next is another key.
		"shifted fields": func() Key { k := base; k.BaseURL += "S"; k.User = "upervisor"; return k }(),
	}
	id, err := base.ID()
	if err != nil {
		t.Fatal(err)
	}
	if len(id) != 64 || strings.Trim(id, "0123456789abcdef") != "" {
		t.Fatalf("ID = %q, want 64 lower-case hex digits", id)
	}
	if again, _ := base.WithSecret("pa55word").ID(); again != id {
		t.Errorf("the same key gives %s, then %s", id, again)
	}
	seen := map[string]string{id: "base"}
	for name, k := range variants {
		got, err := k.ID()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if prev, dup := seen[got]; dup {
			t.Errorf("changing the %s gives the ID of %s", name, prev)
		}
		seen[got] = name
	}
}

func TestKeyIDRefuses(t *testing.T) {
	for name, k := range map[string]Key{
		"no secret":    {Kind: KindForms, BaseURL: "https://crm.example", User: "u"},
		"unknown kind": Key{Kind: "basic", BaseURL: "https://crm.example"}.WithSecret("x"),
		"no kind":      Key{BaseURL: "https://crm.example"}.WithSecret("x"),
		"no base URL":  Key{Kind: KindOAuth}.WithSecret("x"),
	} {
		if id, err := k.ID(); err == nil {
			t.Errorf("%s: ID = %q, want an error", name, id)
		}
	}
}

func TestKeyTextHoldsNoSecret(t *testing.T) {
	const secret = "pa55word-XYZ"
	k := Key{Kind: KindOAuth, BaseURL: "https://svc:urlpass@crm.example", User: "client\nid|x", IdentityURL: "https://id.example"}.WithSecret(secret)
	id, _ := k.ID()
	for _, s := range []string{k.String(), fmt.Sprint(k), fmt.Sprintf("%v %+v %#v", k, k, k)} {
		if strings.Contains(s, secret) || strings.Contains(s, "urlpass") || strings.ContainsAny(s, "\n|") {
			t.Errorf("key text %q holds a secret or breaks a line", s)
		}
		if strings.Contains(s, id[:16]) {
			t.Errorf("key text %q holds the digest", s)
		}
	}
	if got, want := k.String(), "oauth token of client client id/x from https://id.example for https://crm.example"; got != want {
		t.Errorf("String = %q, want %q", got, want)
	}
	for k, want := range map[Key]string{
		baseKey(): "forms session of Supervisor at https://crm.example",
		{Kind: "basic", BaseURL: "https://crm.example", User: "u"}:               "basic credential of u at https://crm.example",
		{Kind: KindForms, BaseURL: "https://u:pa ss@crm.example/%zz", User: "u"}: "forms session of u at (an unparsable URL)",
	} {
		if got := k.String(); got != want {
			t.Errorf("String = %q, want %q", got, want)
		}
	}
}
