package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"check_creatio_oauth/check/creatio"
	"check_creatio_oauth/check/redact"
	"check_creatio_oauth/plugin"
)

// maxSecretFile is the most of a secret file that is read.
const maxSecretFile = 64 << 10

// utf8BOM is what Windows editors put before a text file's first line.
var utf8BOM = []byte("\xef\xbb\xbf")

// secretFrom reads a secret from a file (its first line, without a leading
// UTF-8 BOM) or else from an environment variable. Either loses one
// trailing "\n" or "\r\n", as echo and editors add them. A file that is
// not a regular file is refused, and no read outlasts ctx. Errors name the
// file, never the secret.
func secretFrom(ctx context.Context, file, flag, env string, getenv func(string) string) (string, error) {
	if file == "" {
		return trimLineEnd(getenv(env)), nil
	}
	b, err := readWithin(ctx, file, func() ([]byte, error) { return readSecretFile(file) })
	if err != nil {
		return "", fmt.Errorf("%s %w", flag, err)
	}
	b = bytes.TrimPrefix(b, utf8BOM)
	line, _, _ := strings.Cut(string(b), "\n")
	switch line = trimLineEnd(line); {
	case len(b) == 0:
		return "", fmt.Errorf("%s %s is empty", flag, plugin.Sanitize(file))
	case line == "":
		return "", fmt.Errorf("%s %s: the first line is empty; the secret goes on the first line", flag, plugin.Sanitize(file))
	}
	return line, nil
}

// trimLineEnd drops one trailing "\n" or "\r\n" (a file's first line has
// lost its "\n" already and may keep a "\r").
func trimLineEnd(s string) string {
	s = strings.TrimSuffix(s, "\n")
	return strings.TrimSuffix(s, "\r")
}

// errNotInTime is a secret's read that the deadline or a signal ended.
var errNotInTime = errors.New("not read before the deadline (-t)")

// readWithin runs read and returns its answer, or an error when ctx ends
// first (the deadline of -t or a signal): a read that hangs (a stuck
// network file system) is left behind, the run goes on to its answer.
func readWithin(ctx context.Context, file string, read func() ([]byte, error)) ([]byte, error) {
	type result struct {
		b   []byte
		err error
	}
	done := make(chan result, 1)
	go func() {
		b, err := read()
		done <- result{b, err}
	}()
	select {
	case r := <-done:
		return r.b, r.err
	case <-ctx.Done():
		return nil, fmt.Errorf("%s: %w; check the file system it is on", plugin.Sanitize(file), errNotInTime)
	}
}

// readSecretFile reads a regular file of at most maxSecretFile bytes. Any
// other kind of file (a FIFO, a directory, a device, a socket) is refused
// before a byte is read: it is checked by name, opened without blocking
// (a FIFO without a writer would block the open) and checked again as
// opened, so that no swap in between gets past.
func readSecretFile(file string) ([]byte, error) {
	name := plugin.Sanitize(file)
	fi, err := os.Stat(file)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, pathErr(err))
	}
	if err := regular(name, fi.Mode()); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(file, openSecretFlags, 0)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, pathErr(err))
	}
	defer f.Close()
	if fi, err = f.Stat(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, pathErr(err))
	}
	if err := regular(name, fi.Mode()); err != nil {
		return nil, err
	}
	b, err := io.ReadAll(io.LimitReader(f, maxSecretFile+1))
	switch {
	case err != nil:
		return nil, fmt.Errorf("%s: %w", name, pathErr(err))
	case len(b) > maxSecretFile:
		return nil, fmt.Errorf("%s: larger than %d bytes", name, maxSecretFile)
	}
	return b, nil
}

// regular refuses any mode but a regular file's, naming what it is.
func regular(name string, m fs.FileMode) error {
	what := "of another kind"
	switch {
	case m.IsRegular():
		return nil
	case m&fs.ModeNamedPipe != 0:
		what = "a FIFO (named pipe)"
	case m.IsDir():
		what = "a directory"
	case m&fs.ModeDevice != 0:
		what = "a device"
	case m&fs.ModeSocket != 0:
		what = "a socket"
	}
	return fmt.Errorf("%s is %s, not a regular file; write the secret into a file", name, what)
}

// pathErr is err without the *fs.PathError's operation and path, which the
// caller names in its own words.
func pathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// knownSecrets registers the login's secrets in every spelling a server
// may echo before the first request is made: the password, a ready token,
// and the client secret raw and as HTTP Basic sends it (id:secret, form-
// encoded, base64), also when the token comes from the cache and no token
// request is made. Tokens and session cookies obtained later are
// registered by the logins the moment they have them.
func knownSecrets(s *redact.Secrets, auth creatio.Authenticator) {
	switch a := auth.(type) {
	case *creatio.FormsLogin:
		s.Add(a.Password)
	case *creatio.BearerLogin:
		s.Add(a.Token)
	case *creatio.OAuthLogin:
		s.AddBasic(a.Identity.ClientID, a.Identity.Secret)
	}
}

// exposedSecretFiles are the warnings, for -v, about secret files that
// other users can read (as ssh says of an unprotected private key); the
// check runs all the same.
func exposedSecretFiles(o *options) []string {
	var warns []string
	for _, f := range []struct{ flag, file string }{
		{"--password-file", o.Auth.PasswordFile},
		{"--client-secret-file", o.Identity.ClientSecretFile},
		{"--token-file", o.Auth.TokenFile},
	} {
		if f.file == "" {
			continue
		}
		if who := readableByOthers(f.file); who != "" {
			warns = append(warns, fmt.Sprintf("warning: %s %s is readable by %s; make it readable by this user only (chmod 600)", f.flag, plugin.Sanitize(f.file), who))
		}
	}
	return warns
}
