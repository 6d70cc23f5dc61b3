package cache

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// The parallel tests: 50 checks of one site at once, as goroutines and as
// processes, each first as a check does (Lock, Load, log in and Save only
// when there is nothing), then saving and loading without the lock.
const (
	parallel = 50
	rounds   = 20
)

// helperEnv names the cache directory a helper process works in.
const helperEnv = "CHECK_CACHE_TEST_HELPER_DIR"

func sharedKey() Key {
	return Key{Kind: KindOAuth, BaseURL: "https://crm.example", User: "monitoring", IdentityURL: "https://id.example"}.WithSecret(testPassword)
}

// bigEntry is a token entry of about 30 KB, so that a torn or partly
// written file would be caught: its token ends in a digest of the rest.
func bigEntry(who string, round int) Entry {
	body := fmt.Sprintf("%s-%d.%s", who, round, strings.Repeat(string(rune('a'+round%26)), 30000))
	sum := sha256.Sum256([]byte(body))
	return Entry{ObtainedAt: t0, AccessToken: body + "." + hex.EncodeToString(sum[:8]), TokenType: "Bearer", Expiry: t0.Add(time.Hour)}
}

// whole reports whether e is an entry bigEntry made, all of it.
func whole(e Entry) error {
	i := strings.LastIndexByte(e.AccessToken, '.')
	if i < 0 {
		return errors.New("a token without its digest")
	}
	sum := sha256.Sum256([]byte(e.AccessToken[:i]))
	if e.AccessToken[i+1:] != hex.EncodeToString(sum[:8]) || e.TokenType != "Bearer" || !e.Expiry.Equal(t0.Add(time.Hour)) || !e.ObtainedAt.Equal(t0) {
		return fmt.Errorf("a torn entry (token of %d bytes)", len(e.AccessToken))
	}
	return nil
}

// check is one parallel check; it returns how often it "logged in".
func check(st *Store, who string) (logins int, err error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute) // a bound, not a speed
	defer cancel()
	key := sharedKey()
	unlock, err := st.Lock(ctx, key)
	if err != nil {
		return 0, err
	}
	e, ok, err := st.Load(key, t0)
	switch {
	case err != nil:
	case !ok:
		logins++
		err = st.Save(key, bigEntry(who, 0))
	default:
		err = whole(e)
	}
	unlock()
	if err != nil {
		return logins, err
	}
	for i := 1; i <= rounds; i++ {
		if err := st.Save(key, bigEntry(who, i)); err != nil {
			return logins, err
		}
		// No one drops the entry, so there is always one to load.
		e, ok, err := st.Load(key, t0)
		switch {
		case err != nil:
			return logins, err
		case !ok:
			return logins, fmt.Errorf("round %d: Load found no entry", i)
		}
		if err := whole(e); err != nil {
			return logins, fmt.Errorf("round %d: %w", i, err)
		}
	}
	return logins, nil
}

// checkEnd asserts what the parallel checks leave: one valid entry file,
// no temporary or lock file, and (with the lock) one login.
func checkEnd(t *testing.T, st *Store, logins int) {
	t.Helper()
	id, _ := sharedKey().ID()
	if got := entries(t, st.Dir()); len(got) != 1 || got[0] != id+".json" {
		t.Errorf("the directory holds %v, want only %s.json", got, id)
	}
	e, ok, err := st.Load(sharedKey(), t0)
	if !ok || err != nil {
		t.Fatalf("Load at the end = %t, %v", ok, err)
	}
	if err := whole(e); err != nil {
		t.Error(err)
	}
	if lockWorks && logins != 1 {
		t.Errorf("%d parallel checks logged in %d times, want 1", parallel, logins)
	}
	t.Logf("%d parallel checks, %d logins", parallel, logins)
}

func TestParallelGoroutines(t *testing.T) {
	st := open(t)
	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		logins int
	)
	start := make(chan struct{})
	for g := range parallel {
		wg.Go(func() {
			<-start
			n, err := check(st, "g"+strconv.Itoa(g))
			mu.Lock()
			logins += n
			mu.Unlock()
			if err != nil {
				t.Errorf("goroutine %d: %v", g, err)
			}
		})
	}
	close(start)
	wg.Wait()
	checkEnd(t, st, logins)
}

// TestParallelProcesses runs 50 processes of this test binary
// (TestHelperProcess) on one cache directory. Each waits for the end of
// its standard input, which comes when all have started.
func TestParallelProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("50 processes")
	}
	st := open(t)
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute) // a bound, not a speed
	defer cancel()
	type proc struct {
		cmd            *exec.Cmd
		stdin          io.WriteCloser
		stdout, stderr bytes.Buffer
	}
	procs := make([]*proc, parallel)
	for i := range procs {
		p := &proc{cmd: exec.CommandContext(ctx, os.Args[0], "-test.run=^TestHelperProcess$", "-test.count=1")}
		p.cmd.Env = append(os.Environ(), helperEnv+"="+st.Dir())
		p.cmd.Stdout, p.cmd.Stderr = &p.stdout, &p.stderr
		var err error
		if p.stdin, err = p.cmd.StdinPipe(); err != nil {
			t.Fatal(err)
		}
		if err := p.cmd.Start(); err != nil {
			t.Fatal(err)
		}
		procs[i] = p
	}
	for _, p := range procs {
		p.stdin.Close() // all started: go
	}
	logins := 0
	for i, p := range procs {
		if err := p.cmd.Wait(); err != nil {
			t.Errorf("process %d: %v\n%s%s", i, err, p.stdout.Bytes(), p.stderr.Bytes())
			continue
		}
		n, found := 0, false
		for _, line := range strings.Split(p.stdout.String(), "\n") {
			if v, ok := strings.CutPrefix(line, "logins="); ok {
				n, _ = strconv.Atoi(v)
				found = true
			}
		}
		if !found {
			t.Errorf("process %d said nothing of its logins:\n%s", i, p.stdout.Bytes())
		}
		logins += n
	}
	checkEnd(t, st, logins)
}

// TestHelperProcess is one check of TestParallelProcesses; run alone, it
// skips.
func TestHelperProcess(t *testing.T) {
	dir := os.Getenv(helperEnv)
	if dir == "" {
		t.Skip("a helper process of TestParallelProcesses")
	}
	if _, err := io.Copy(io.Discard, os.Stdin); err != nil {
		t.Fatal(err)
	}
	st, err := Place{Dir: dir}.Open()
	if err != nil {
		t.Fatal(err)
	}
	logins, err := check(st, "p"+strconv.Itoa(os.Getpid()))
	fmt.Printf("logins=%d\n", logins)
	if err != nil {
		t.Fatal(err)
	}
}

// TestParallelWithoutLock: the atomic Save alone keeps readers whole, with
// no one taking the lock (as on systems without flock).
func TestParallelWithoutLock(t *testing.T) {
	st := open(t)
	key := sharedKey()
	var wg sync.WaitGroup
	start := make(chan struct{})
	for g := range parallel {
		wg.Go(func() {
			<-start
			for i := range rounds {
				if err := st.Save(key, bigEntry("u"+strconv.Itoa(g), i)); err != nil {
					t.Error(err)
					return
				}
				e, ok, err := st.Load(key, t0)
				if err != nil || !ok {
					t.Errorf("goroutine %d round %d: Load = %t, %v", g, i, ok, err)
					return
				}
				if err := whole(e); err != nil {
					t.Errorf("goroutine %d round %d: %v", g, i, err)
					return
				}
			}
		})
	}
	close(start)
	wg.Wait()
	id, _ := key.ID()
	if got := entries(t, st.Dir()); len(got) != 1 || got[0] != id+".json" {
		t.Errorf("the directory holds %v, want only %s.json", got, id)
	}
}
