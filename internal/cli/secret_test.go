package cli

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"check_creatio_oauth/plugin"
	"check_creatio_oauth/testdata/fixture"
)

// Secrets as people give them: `export CREATIO_TOKEN=$(cat token)` keeps
// no line break, but `printf '%s\n'`, a heredoc or a Windows editor does,
// and a Windows editor starts a file with a BOM. Each works against the
// real stand, as the same secret without them does.
func TestSecretsAsPeopleGiveThem(t *testing.T) {
	s := fixture.NewStand(t, 0)
	good := s.Token(t, fixture.Client, fixture.Secret)
	forms := []string{"-U", s.C.URL + "/forms", "--user", fixture.User}
	oauth := []string{"-U", s.C.URL + "/bearer", "--identity-url", s.ID.URL + "/ok", "--client-id", fixture.Client}
	direct := []string{"--mode", "direct", "--identity-url", s.ID.URL + "/ok", "--client-id", fixture.Client}
	bearer := []string{"-U", s.C.URL + "/bearer", "--auth", "bearer"}
	file := func(name, content string) string { return fixture.WriteFile(t, name, content) }
	for _, tc := range []struct {
		name string
		env  map[string]string
		args []string
	}{
		{"CREATIO_PASSWORD with \\n", map[string]string{"CREATIO_PASSWORD": fixture.Password + "\n"}, forms},
		{"CREATIO_PASSWORD with \\r\\n", map[string]string{"CREATIO_PASSWORD": fixture.Password + "\r\n"}, forms},
		{"CREATIO_CLIENT_SECRET with \\n, oauth login", map[string]string{"CREATIO_CLIENT_SECRET": fixture.Secret + "\n"}, oauth},
		{"CREATIO_CLIENT_SECRET with \\r\\n, direct mode", map[string]string{"CREATIO_CLIENT_SECRET": fixture.Secret + "\r\n"}, direct},
		{"CREATIO_TOKEN with \\n", map[string]string{"CREATIO_TOKEN": good + "\n"}, bearer},
		{"CREATIO_TOKEN with \\r\\n", map[string]string{"CREATIO_TOKEN": good + "\r\n"}, bearer},
		{"password file with a BOM and \\r\\n", nil, append(forms, "--password-file", file("pw", "\ufeff"+fixture.Password+"\r\n"))},
		{"client secret file with a BOM, no line break", nil, append(direct, "--client-secret-file", file("secret", "\ufeff"+fixture.Secret))},
		{"token file with a BOM and more lines", nil, append(bearer, "--token-file", file("token", "\ufeff"+good+"\nissued for monitoring\n"))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, out := runPlugin(t, tc.env, tc.args...)
			if got != plugin.OK {
				t.Errorf("state %v, want OK\n%s", got, out)
			}
		})
	}

	// Only one line break goes: a value that is a line break and no more is
	// no value, and is named as missing.
	got, out := runPlugin(t, map[string]string{"CREATIO_PASSWORD": "\r\n"}, forms...)
	if want := "no password for --user"; got != plugin.Unknown || !bytes.Contains(out, []byte(want)) {
		t.Errorf("CREATIO_PASSWORD=\\r\\n: state %v, want UNKNOWN saying %q\n%s", got, want, out)
	}
}

// A read that does not end (a stuck network file system; a FIFO cannot get
// that far) is left behind when the deadline or a signal ends the run.
func TestSecretReadWithin(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := readWithin(ctx, "/mnt/stuck/pw", func() ([]byte, error) {
		<-release
		return nil, errors.New("released")
	})
	if err == nil || !strings.Contains(err.Error(), "/mnt/stuck/pw: not read before the deadline") {
		t.Errorf("readWithin on an ended context: %v", err)
	}
	b, err := readWithin(context.Background(), "f", func() ([]byte, error) { return []byte("s"), nil })
	if string(b) != "s" || err != nil {
		t.Errorf("readWithin: %q, %v", b, err)
	}
}
