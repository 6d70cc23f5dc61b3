package main

import (
	"bytes"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"check_creatio_oauth/testdata/fixture"
	"check_creatio_oauth/testdata/sim"
)

// TestMain removes the plugin binary fixture.Binary built, at the end.
func TestMain(m *testing.M) {
	code := m.Run()
	fixture.Cleanup()
	os.Exit(code)
}

// TestDemo runs make demo's scenarios with a freshly built plugin: every
// scenario ends in its expected state, the summary counts them and the
// sessions left (none), and no demo secret is printed.
func TestDemo(t *testing.T) {
	bin := fixture.Binary(t)
	var out bytes.Buffer
	if err := run(bin, &out); err != nil {
		t.Fatalf("demo: %v\n%s", err, out.String())
	}
	body, summary, ok := strings.Cut(out.String(), "\n== summary\n")
	if !ok {
		t.Fatalf("no summary:\n%s", out.String())
	}
	blocks := strings.Count(body, "\n== ")
	m := regexp.MustCompile(`^(\d+) scenarios, (\d+) with the expected state, 0 wrong\nCreatio sessions left behind: 0 \((\d+) forms logins, (\d+) logouts\)\n`).FindStringSubmatch(summary)
	if m == nil {
		t.Fatalf("summary:\n%s", summary)
	}
	if m[1] != m[2] || m[1] != strconv.Itoa(blocks) || m[3] != m[4] || m[3] == "0" {
		t.Errorf("summary does not add up with %d scenarios printed:\n%s", blocks, summary)
	}
	if n := strings.Count(body, " as expected\n"); strconv.Itoa(n) != m[1] {
		t.Errorf("%d scenarios say 'as expected', the summary %s", n, m[1])
	}
	// the credential cache: one login per token lifetime or session
	for _, want := range []string{
		"forms with the cache (the default)   1.02 requests per check",
		"logins 1, sessions live at the end 1",
		"oauth without the cache (--no-cache) 3.00 requests per check",
	} {
		if !strings.Contains(summary, want) {
			t.Errorf("summary lacks %q:\n%s", want, summary)
		}
	}
	// A printed command that logs in says --no-cache: pasted, it does what
	// the demo did, a new login, and leaves nothing in the user's cache.
	for _, line := range strings.Split(body, "\n") {
		if strings.HasPrefix(line, "$ ") && logsIn(strings.Fields(line)) && !strings.HasSuffix(line, " --no-cache") {
			t.Errorf("a printed command logs in without --no-cache: %s", line)
		}
	}
	if !strings.Contains(body, "--no-cache: without it a pasted command keeps its session or token in the credential cache") {
		t.Error("the demo does not say why its commands carry --no-cache")
	}
	for _, secret := range []string{sim.DemoPassword, sim.DemoSecret, sim.DemoNoPermSecret} {
		if strings.Contains(out.String(), secret) {
			t.Errorf("the demo's output shows the secret %q", secret)
		}
	}
}
