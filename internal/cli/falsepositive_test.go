package cli

import (
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"check_creatio_oauth/check/redact"
	"check_creatio_oauth/check/report"
	"check_creatio_oauth/testdata/fixture"
	"check_creatio_oauth/testdata/sim"
)

// fpSecrets are the secrets the fragment rule is measured with: the
// demo's and the fixtures', "Supervisor" and "Creatio2024!" as passwords,
// and generated ones of 16 and 32 characters (100 of each, seeded).
func fpSecrets() []string {
	list := []string{sim.DemoPassword, sim.DemoSecret, sim.DemoNoPermSecret,
		fixture.Password, fixture.Secret, fixture.NoPermSecret, "Supervisor", "Creatio2024!"}
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~+/=!#%"
	r := rand.New(rand.NewPCG(22, 19))
	for _, n := range []int{16, 32} {
		for range 100 {
			b := make([]byte, n)
			for i := range b {
				b[i] = alphabet[r.IntN(len(alphabet))]
			}
			list = append(list, string(b))
		}
	}
	return list
}

// fpTexts are the texts the rule must leave alone, each once: every line
// of every golden, the scenario tables' too (with the user renamed, so that "Supervisor" is a password of
// another user), each field of it as a door sees one (split at "; ", ": "
// and quotes), Creatio's documented Messages and this plugin's words for
// Creatio's checks.
func fpTexts(t *testing.T) []string {
	var texts []string
	seen := map[string]bool{} // a text once, however many goldens hold it
	add1 := func(s string) {
		if !seen[s] {
			seen[s] = true
			texts = append(texts, s)
		}
	}
	add := func(s string) {
		add1(s)
		for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == ':' || r == '"' || r == '(' || r == ')' || r == ',' }) {
			add1(strings.TrimSpace(f))
		}
	}
	for _, f := range goldenFiles(t) {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(b), "\n") {
			add(strings.ReplaceAll(line, fixture.User, "Monitor"))
		}
	}
	if b, err := os.ReadFile("../../../shared/reference/creatio-oauth-health-monitoring.txt"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if _, m, ok := strings.Cut(line, `"Message": "`); ok {
				add(strings.TrimSuffix(m, `"`))
			}
		}
	} else {
		t.Logf("Creatio's documentation not found (%v): its Messages are not measured", err)
	}
	for _, c := range report.Checks {
		add(c.Message)
		add(c.Failed)
		add(c.Fix)
		add(c.Hint)
		add(c.Title)
	}
	return texts
}

// TestFragmentRuleFalsePositives: the fragment rule hides nothing of the
// goldens, of Creatio's Messages or of the plugin's words, whatever the
// secret.
func TestFragmentRuleFalsePositives(t *testing.T) {
	t.Parallel() // with the tests that wait for a deadline
	texts := fpTexts(t)
	secrets := fpSecrets()
	hidden := 0
	for _, secret := range secrets {
		var s redact.Secrets
		s.Add(secret)
		s.AddBasic(fixture.Client, secret)
		for _, text := range texts {
			if got := s.Redact(text); got != text {
				hidden++
				if hidden <= 20 {
					t.Errorf("secret %q: Redact(%q) = %q", secret, text, got)
				}
			}
		}
	}
	t.Logf("%d texts x %d secrets: %d false positives", len(texts), len(secrets), hidden)
}
