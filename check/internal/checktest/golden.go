package checktest

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"

	"check_creatio_oauth/check/report"
	"check_creatio_oauth/testdata/fixture"
)

var update = flag.Bool("update", false, "rewrite the golden files of the scenario tables (testdata/*.golden)")

// Texts are the reports of a scenario table as the plugin prints them
// (report.Result at -v 0 and -v 2, times and ports masked by fixture.Mask),
// by case: the words of every case, held in one golden file. Its methods
// may be called from parallel subtests.
type Texts struct {
	mu    sync.Mutex
	texts map[string]string
	skip  map[string]bool
}

// Add records the report of case key. skip says that this run's text may
// differ from the golden one for a reason the test has already accepted
// and said (a logout a starved machine left no time for): it is not
// compared, and -update keeps the golden entry.
func (s *Texts) Add(t testing.TB, key string, r *report.Report, skip bool) {
	t.Helper()
	var b bytes.Buffer
	for _, v := range []int{0, 2} {
		fmt.Fprintf(&b, "-- -v %d\n", v)
		if _, err := r.Result(v).WriteTo(&b); err != nil {
			t.Fatal(err)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.texts == nil {
		s.texts, s.skip = map[string]string{}, map[string]bool{}
	}
	s.texts[key] = string(fixture.Mask(b.Bytes()))
	s.skip[key] = skip
}

// Compare holds the texts to the golden file at path, in the order of keys
// (go test -update rewrites it): every key has a text and an entry, and
// the file has no entry of a key that is gone.
func (s *Texts) Compare(t testing.TB, path string, keys []string) {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	old := map[string]string{}
	if b, err := os.ReadFile(path); err == nil {
		for _, e := range strings.Split(string(b), "== ")[1:] {
			key, text, _ := strings.Cut(e, "\n")
			old[key] = text
		}
	} else if !*update {
		t.Fatalf("%v (go test -update writes it)", err)
	}
	var out strings.Builder
	for _, key := range keys {
		got, ran := s.texts[key]
		switch want, ok := old[key]; {
		case !ran:
			t.Errorf("%s: no run", key)
			continue
		case s.skip[key]:
			t.Logf("%s: not compared with %s (the test said why)", key, path)
			if ok {
				got = want
			}
		case !*update && !ok:
			t.Errorf("%s: no entry in %s (go test -update writes it)", key, path)
		case !*update && got != want:
			t.Errorf("%s differs from %s\n--- got\n%s--- want\n%s", key, path, got, want)
		}
		delete(old, key)
		fmt.Fprintf(&out, "== %s\n%s", key, got)
	}
	for key := range old {
		t.Errorf("%s: an entry in %s of no case", key, path)
	}
	if *update {
		if err := os.WriteFile(path, []byte(out.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
