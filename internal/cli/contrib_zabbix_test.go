package cli

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"check_creatio_oauth/testdata/fixture"
)

const (
	zabbixTemplate = "../../contrib/zabbix/template_creatio_oauth.yaml"
	zabbixWrapper  = "../../contrib/zabbix/check_creatio_oauth_zabbix.sh"
	zabbixReadme   = "../../contrib/zabbix/README.md"
)

// yamlValue is the scalar of a "key: value" line of the template, its
// quotes removed.
func yamlValue(line string) string {
	_, v, _ := strings.Cut(line, ": ")
	v = strings.TrimSpace(v)
	if len(v) >= 2 && v[0] == '\'' && v[len(v)-1] == '\'' {
		v = strings.ReplaceAll(v[1:len(v)-1], "''", "'")
	}
	return v
}

// TestZabbixTemplate checks what Zabbix would only find on import or when a
// problem is raised: every macro the template uses is declared and in the
// README's macro table, every trigger has an event name, every dependency
// names a trigger of the template, every dependent item's master and every
// item a trigger reads exists, and the README lists every item key.
func TestZabbixTemplate(t *testing.T) {
	raw, err := os.ReadFile(zabbixTemplate)
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile(zabbixReadme)
	if err != nil {
		t.Fatal(err)
	}
	text := string(raw)
	lines := strings.Split(text, "\n")

	declared := map[string]bool{}
	keys := map[string]bool{}
	var masters, triggers, deps []string
	for i, l := range lines {
		s := strings.TrimSpace(l)
		switch {
		case strings.HasPrefix(s, "- macro: '{$"):
			declared[yamlValue(s)] = true
		case strings.HasPrefix(s, "key: ") && i > 0 && strings.TrimSpace(lines[i-1]) == "master_item:":
			masters = append(masters, yamlValue(s))
		case strings.HasPrefix(s, "key: "):
			keys[yamlValue(s)] = true
		case strings.HasPrefix(s, "- name: ") && slices.Contains([]string{"dependencies:"}, strings.TrimSpace(lines[i-1])) ||
			strings.HasPrefix(s, "- name: ") && strings.HasPrefix(strings.TrimSpace(lines[i+1]), "expression: ") && !strings.Contains(lines[i-1], "uuid"):
			deps = append(deps, yamlValue(s))
		}
	}
	// a trigger is a block that opens with "- uuid:" and has an expression
	blocks := regexp.MustCompile(`(?m)^\s+- uuid: `).Split(text, -1)
	for _, b := range blocks[1:] {
		if !strings.Contains(b, "\n") || !regexp.MustCompile(`(?m)^\s+expression: `).MatchString(b) {
			continue
		}
		name := regexp.MustCompile(`(?m)^\s+name: (.*)$`).FindStringSubmatch(b)
		if name == nil {
			t.Errorf("a trigger without a name: %.80s", b)
			continue
		}
		n := yamlValue("name: " + name[1])
		triggers = append(triggers, n)
		ev := regexp.MustCompile(`(?m)^\s+event_name: (.*)$`).FindStringSubmatch(b)
		if ev == nil {
			t.Errorf("trigger %q has no event_name", n)
		} else if e := yamlValue("event_name: " + ev[1]); !strings.HasPrefix(e, n+": ") && !strings.HasPrefix(e, n+" (") {
			t.Errorf("trigger %q: event name %q does not start with the trigger's name", n, e)
		}
		if !regexp.MustCompile(`(?m)^\s+priority: (INFO|WARNING|AVERAGE|HIGH|DISASTER)$`).MatchString(b) {
			t.Errorf("trigger %q has no severity", n)
		}
	}
	if len(triggers) < 10 {
		t.Fatalf("found %d triggers in %s; the parse is broken", len(triggers), zabbixTemplate)
	}
	for _, d := range deps {
		if !slices.Contains(triggers, d) {
			t.Errorf("a dependency names %q, which is no trigger of the template", d)
		}
	}
	for _, m := range masters {
		if !keys[m] {
			t.Errorf("a dependent item's master %q is no item of the template", m)
		}
	}
	for _, m := range regexp.MustCompile(`/Creatio OAuth by external check/([^,)]+\])`).FindAllStringSubmatch(text, -1) {
		if !keys[m[1]] {
			t.Errorf("a trigger reads %q, which is no item of the template", m[1])
		}
	}
	for _, m := range regexp.MustCompile(`\{\$([A-Z0-9_.]+)`).FindAllStringSubmatch(text, -1) {
		name := "{$" + m[1] + "}"
		if !declared[name] {
			t.Errorf("%s is used but not declared", name)
		}
	}
	for name := range declared {
		if !strings.Contains(string(readme), "|"+name+"|") {
			t.Errorf("%s is not in the macro table of %s", name, zabbixReadme)
		}
	}
	for k := range keys {
		if !strings.Contains(string(readme), k) {
			t.Errorf("item key %s is not in %s", k, zabbixReadme)
		}
	}
}

// write writes a file of the test.
func write(t *testing.T, name, content string) {
	t.Helper()
	if err := os.WriteFile(name, []byte(content), 0o640); err != nil {
		t.Fatal(err)
	}
}

// wrapper runs the Zabbix wrapper with the environment env and returns its
// stdout and exit code.
func wrapper(t *testing.T, env []string, args ...string) (string, int) {
	t.Helper()
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	cmd := exec.Command(bash, append([]string{zabbixWrapper}, args...)...)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}, env...)
	out, err := cmd.Output()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return string(out), code
}

// TestZabbixWrapperDiscovery: the sites of {$CREATIO.URL} and
// {$CREATIO.SITES} with the --mode of {$CREATIO.OPTIONS}, as LLD JSON; a bad
// entry is a line that says which, not JSON.
func TestZabbixWrapperDiscovery(t *testing.T) {
	out, _ := wrapper(t, nil, "--discover", "https://crm.example.com:8443/creatio", "crm1=http://127.0.0.1:1/a crm2=https://crm2.example.com", "--user=x --mode direct")
	var got []map[string]string
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("not JSON: %q: %v", out, err)
	}
	want := []map[string]string{
		{"{#SITE}": "crm.example.com", "{#URL}": "https://crm.example.com:8443/creatio", "{#MODE}": "direct"},
		{"{#SITE}": "crm1", "{#URL}": "http://127.0.0.1:1/a", "{#MODE}": "direct"},
		{"{#SITE}": "crm2", "{#URL}": "https://crm2.example.com", "{#MODE}": "direct"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		for k, v := range want[i] {
			if got[i][k] != v {
				t.Errorf("site %d: %s = %q, want %q", i, k, got[i][k], v)
			}
		}
	}
	if out, _ := wrapper(t, nil, "--discover", "", "", ""); strings.TrimSpace(out) != "[]" {
		t.Errorf("no sites: %q, want []", out)
	}
	if out, _ := wrapper(t, nil, "--discover", "https://a.example.com", "", "--mode=endpoint"); !strings.Contains(out, `"{#MODE}":"endpoint"`) {
		t.Errorf("endpoint mode: %q", out)
	}
	for _, bad := range []struct{ sites, options, says string }{
		{"crm1", "", "not NAME=URL"},
		{"../x=https://a.example.com", "", "not NAME=URL"},
		{`crm1=https://a.example.com/"x`, "", "is not an http:// or https:// URL"},
		{"crm1=ftp://a.example.com", "", "is not an http:// or https:// URL"},
		{"crm1=https://a.example.com crm1=https://b.example.com", "", "listed twice"},
		{"", "--mode=sideways", "is not endpoint, direct or both"},
	} {
		out, _ := wrapper(t, nil, "--discover", "", bad.sites, bad.options)
		if !strings.HasPrefix(out, "wrapper: ") || !strings.Contains(out, bad.says) || strings.Contains(out, "{#SITE}") {
			t.Errorf("sites %q options %q: %q, want a line that says %q", bad.sites, bad.options, out, bad.says)
		}
	}
}

// TestZabbixWrapperSites: --site=NAME reads the site's own env file after
// the common one, the advice names the env files, {$CREATIO.OPTIONS} and
// {$CREATIO.TIMEOUT} instead of environment variables and -t, and a site
// name cannot leave the env directory.
func TestZabbixWrapperSites(t *testing.T) {
	t.Parallel() // with the tests that wait for a deadline
	bin := fixture.Binary(t)
	s := fixture.NewStand(t, 0)
	dir := t.TempDir()
	envDir := filepath.Join(dir, "check_creatio_oauth.d")
	if err := os.Mkdir(envDir, 0o750); err != nil {
		t.Fatal(err)
	}
	common := filepath.Join(dir, "check_creatio_oauth.env")
	write(t, common, "CREATIO_PLUGIN='"+bin+"'\nCREATIO_PASSWORD='wrong'\n")
	write(t, filepath.Join(envDir, "crm1.env"), "CREATIO_PASSWORD='"+fixture.Password+"'\n")
	env := []string{"CREATIO_ENV_FILE=" + common, "CREATIO_ENV_DIR=" + envDir}

	type result struct {
		State   int    `json:"state"`
		Summary string `json:"summary"`
	}
	run := func(args ...string) (result, string) {
		t.Helper()
		out, code := wrapper(t, env, args...)
		var r result
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			t.Fatalf("%v: not one JSON line: %q", args, out)
		}
		if code != r.State {
			t.Errorf("%v: exit %d, state %d", args, code, r.State)
		}
		return r, out
	}
	if r, _ := run("--site=crm1", "--url="+s.C.URL+"/forms", "--timeout=10", "--user="+fixture.User+" --no-cache"); r.State != 0 {
		t.Errorf("crm1 with its own password: %+v", r)
	}
	r, out := run("--site=crm2", "--url="+s.C.URL+"/forms", "--timeout=10", "--user="+fixture.User+" --no-cache")
	if r.State == 0 {
		t.Errorf("crm2 without an env file of its own logged in with the common file's wrong password: %+v", r)
	}
	if strings.Contains(out, fixture.Password) || strings.Contains(out, "wrong") {
		t.Errorf("a password in the output: %s", out)
	}

	// no password anywhere: the advice names the env files and the macro
	write(t, common, "CREATIO_PLUGIN='"+bin+"'\n")
	r, _ = run("--site=crm2", "--url="+s.C.URL+"/forms", "--user="+fixture.User)
	for _, want := range []string{"CREATIO_PASSWORD in the wrapper's env file (" + common + " or " + filepath.Join(envDir, "crm2.env") + ")", "--password-file in {$CREATIO.OPTIONS}"} {
		if r.State != 3 || !strings.Contains(r.Summary, want) {
			t.Errorf("no password: %+v, want UNKNOWN saying %q", r, want)
		}
	}
	// a request that hangs: the advice names {$CREATIO.TIMEOUT}, not -t
	hang := fixture.NewRawServer(t, fixture.Hang)
	r, out = run("--url="+hang.URL("http"), "--timeout=1")
	if r.State != 2 || !strings.Contains(r.Summary, "raise {$CREATIO.TIMEOUT}") || strings.Contains(out, "-t") {
		t.Errorf("timeout: %+v, want CRITICAL naming {$CREATIO.TIMEOUT} and no -t", r)
	}
	// the options and the URL are macros here
	r, _ = run("--url="+s.C.URL+"/unauthorized", "--timeout=10")
	if r.State != 3 || !strings.Contains(r.Summary, "put --user, or --client-id with --identity-url, into {$CREATIO.OPTIONS}") {
		t.Errorf("401: %+v, want UNKNOWN naming {$CREATIO.OPTIONS}", r)
	}
	r, out = run("--url="+s.C.URL+"/not-found", "--timeout=10")
	if r.State != 3 || !strings.Contains(r.Summary, "the URL in {$CREATIO.URL} or {$CREATIO.SITES}") || strings.Contains(out, "--url") {
		t.Errorf("404: %+v, want UNKNOWN naming {$CREATIO.URL} and no --url", r)
	}
	// a site name that would leave the env directory
	r, _ = run("--site=../crm1", "--url="+s.C.URL+"/forms")
	if r.State != 3 || !strings.Contains(r.Summary, "site name") {
		t.Errorf("site ../crm1: %+v, want UNKNOWN about the site name", r)
	}
	// an env file the zabbix user cannot read
	if os.Geteuid() != 0 {
		if err := os.Chmod(filepath.Join(envDir, "crm1.env"), 0); err != nil {
			t.Fatal(err)
		}
		if r, _ := run("--site=crm1", "--url="+s.C.URL+"/forms"); r.State != 3 || !strings.Contains(r.Summary, "not readable") {
			t.Errorf("unreadable env file: %+v", r)
		}
	}
}
