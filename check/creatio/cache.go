package creatio

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"check_creatio_oauth/check/cache"
	"check_creatio_oauth/check/report"
	"check_creatio_oauth/check/web"
)

// Cache is the credential cache of a run's login (issue 18): with it, the
// forms login and the OAuth login log in once per session or token
// lifetime instead of once per check. A nil Cache, or one without a Store,
// is no cache: every check logs in (and a forms check logs out).
type Cache struct {
	// Store is the opened cache directory; nil: no cache.
	Store *cache.Store
	// Refused is why the cache directory is not used (open to others,
	// another owner, a symlink, read-only...): the check runs without the
	// cache and says why in its output. nil with a Store.
	Refused error
	// Place is where the directory is and how it was found, for the
	// report and -vv.
	Place cache.Place
	// MaxAge bounds the reuse of a credential: one obtained longer ago is
	// not used, the check logs in anew (and ends the old forms session).
	// 0: no bound but the token's expiry.
	MaxAge time.Duration

	now func() time.Time // nil: time.Now
}

// dir is the cache directory, opened or not.
func (k *Cache) dir() string {
	if k.Store != nil {
		return k.Store.Dir()
	}
	return k.Place.Dir
}

// young reports whether e was obtained less than MaxAge before now.
func (k *Cache) young(e cache.Entry, now time.Time) bool {
	return k.MaxAge <= 0 || now.Sub(e.ObtainedAt) < k.MaxAge
}

// touchAfter is the age of a forms entry's LastUsed after which a check
// writes it again: once a minute at most, not an fsync per check.
const touchAfter = time.Minute

// maxLockWait bounds the wait for another check's login; touchLockWait the
// wait to note a last use, which is worth no delay of the answer.
const (
	maxLockWait   = 5 * time.Second
	touchLockWait = 100 * time.Millisecond
)

func (k *Cache) on() bool { return k != nil && k.Store != nil }

func (k *Cache) clock() time.Time {
	if k.now != nil {
		return k.now()
	}
	return time.Now()
}

// cacheUse is what a login knows of its credential and the cache in one
// run.
type cacheUse struct {
	key     cache.Key
	entry   cache.Entry  // the credential in use, when it is in the cache
	cached  bool         // it came from the cache (no login made)
	saved   bool         // it is in the cache: loaded, or saved after the login
	renewed int          // how often a refused cached credential was replaced
	retried bool         // an answer to the cached credential that was no health answer made a new login
	wanted  bool         // a cache was asked for (not --no-cache)
	dir     string       // the cache directory, for the report
	notUsed error        // why the cache was not used in this run
	old     *cache.Entry // a forms session past MaxAge, to end after the new login
}

// status is the report's account of the cache: nil when none was wanted.
func (u *cacheUse) status() *report.CacheUse {
	switch {
	case !u.wanted:
		return nil
	case u.notUsed != nil:
		return &report.CacheUse{Dir: u.dir, Reason: u.notUsed.Error()}
	}
	return &report.CacheUse{Used: true, Dir: u.dir}
}

// credential is what a login gives the cache glue: how to log in, and how
// to put a cached credential into the client or take it out again.
type credential struct {
	c       *web.Client
	r       *report.Report
	restore func(cache.Entry)                   // use a cached credential
	forget  func()                              // take a refused one out of the client
	login   func() (fresh cache.Entry, ok bool) // log in; fresh is zero when nothing is to be saved
	retire  func(old cache.Entry)               // end a credential past MaxAge after the new login; nil: nothing to end
}

// lockCtx is the context of a wait for the key's lock: half of what is left
// of the run, at most maxLockWait. When it passes, the check goes on
// without the lock (and logs in itself).
func lockCtx(ctx context.Context) (context.Context, context.CancelFunc) {
	wait := maxLockWait
	if d, ok := ctx.Deadline(); ok {
		wait = min(wait, time.Until(d)/2)
	}
	return context.WithTimeout(ctx, wait)
}

// lock takes the key's lock, or goes on without it (a trace line says why);
// unlock is never nil.
func (k *Cache) lock(ctx context.Context, c *web.Client, key cache.Key) func() {
	lctx, cancel := lockCtx(ctx)
	defer cancel()
	unlock, err := k.Store.Lock(lctx, key)
	if err != nil {
		c.Tracef("cache: going on without the lock: %v", err)
		return func() {}
	}
	return unlock
}

// get gets the credential of u.key: the cached one when the cache holds a
// usable one obtained less than MaxAge ago, else by a login, whose
// credential is then saved (and a forms session past MaxAge ended). A
// login is made under the key's lock, so that parallel checks of one site
// share one login. It returns false when the login failed (r holds why).
func (u *cacheUse) get(ctx context.Context, k *Cache, cr credential) bool {
	if k != nil {
		u.wanted, u.dir = true, k.dir()
		note := "cache: directory " + u.dir
		if k.Place.From != "" {
			note += " (" + k.Place.From + ")"
		}
		if len(k.Place.Passed) > 0 {
			note += "; passed over: " + strings.Join(k.Place.Passed, "; ")
		}
		cr.r.Notes = append(cr.r.Notes, note)
	}
	if !k.on() {
		if k != nil && k.Refused != nil {
			u.notUsed = k.Refused
		}
		_, ok := cr.login()
		return ok
	}
	// A usable entry needs no lock: a file is replaced whole (rename), so a
	// load reads either the old entry or the new one. Only a miss takes the
	// lock, and loads again under it: another check may have just logged in.
	now := k.clock()
	if e, ok, err := k.Store.Load(u.key, now); err == nil && ok && k.young(e, now) {
		u.use(e, cr, now)
		return true
	}
	unlock := k.lock(ctx, cr.c, u.key)
	defer unlock()
	now = k.clock()
	e, ok, err := k.Store.Load(u.key, now)
	switch {
	case err != nil: // a file that must not be used: no cache in this run
		u.notUsed = err
		_, ok := cr.login()
		return ok
	case ok && k.young(e, now):
		u.use(e, cr, now)
		return true
	case ok:
		cr.r.Notes = append(cr.r.Notes, fmt.Sprintf("cache: the cached credential was obtained %s, longer ago than --cache-max-age (%s); logging in again", ago(e.ObtainedAt, now), span(k.MaxAge)))
		if cr.retire != nil {
			u.old = &e
		}
	case e.AccessToken != "":
		cr.r.Notes = append(cr.r.Notes, "cache: the cached token "+expiryText(e, now)+"; getting a new one")
	}
	ok = u.fresh(k, cr)
	if old := u.old; old != nil {
		u.old = nil
		if !ok { // no new entry replaced it: the ended session must not be tried again
			if err := k.Store.Drop(u.key); err != nil {
				cr.r.Notes = append(cr.r.Notes, "cache: "+err.Error())
			}
		}
		cr.retire(*old)
	}
	return ok
}

// use puts the cached credential e into the client.
func (u *cacheUse) use(e cache.Entry, cr credential, now time.Time) {
	cr.restore(e)
	u.entry, u.cached, u.saved = e, true, true
	cr.r.Notes = append(cr.r.Notes, "cache: "+u.key.String()+" from the cache: "+describe(e, now))
}

// fresh logs in and saves the new credential; the caller holds the lock.
func (u *cacheUse) fresh(k *Cache, cr credential) bool {
	e, ok := cr.login()
	if !ok {
		return false
	}
	if e.ObtainedAt.IsZero() {
		cr.r.Notes = append(cr.r.Notes, "cache: the token is not kept: its lifetime is unknown or under a minute")
		return true
	}
	if err := k.Store.Save(u.key, e); err != nil {
		u.notUsed = fmt.Errorf("not saved: %w", err)
		return true
	}
	u.entry, u.saved = e, true
	cr.r.Notes = append(cr.r.Notes, "cache: logged in and saved "+u.key.String()+": "+describe(e, k.clock()))
	return true
}

// renew replaces a cached credential that Creatio refused: under the lock,
// the entry is loaded again, and when another check has saved a new one
// meanwhile (another ObtainedAt) that one is used (the first time only);
// else the entry is dropped, the login made and its credential saved. It returns false when
// the login failed.
func (u *cacheUse) renew(ctx context.Context, k *Cache, cr credential) bool {
	u.renewed++
	unlock := k.lock(ctx, cr.c, u.key)
	defer unlock()
	cr.forget()
	now := k.clock()
	e, ok, err := k.Store.Load(u.key, now)
	if u.renewed == 1 && err == nil && ok && !e.ObtainedAt.Equal(u.entry.ObtainedAt) {
		cr.restore(e)
		u.entry, u.cached, u.saved = e, true, true
		cr.r.Notes = append(cr.r.Notes, "cache: another check saved a new credential meanwhile: "+describe(e, now))
		return true
	}
	if err := k.Store.Drop(u.key); err != nil {
		cr.r.Notes = append(cr.r.Notes, "cache: "+err.Error())
	}
	u.entry, u.cached, u.saved = cache.Entry{}, false, false
	return u.fresh(k, cr)
}

// discard drops a new credential that Creatio refused at once, so that no
// check reuses it (and a forms session is logged out after all).
func (u *cacheUse) discard(ctx context.Context, k *Cache, c *web.Client, r *report.Report) {
	if !k.on() || !u.saved || u.cached {
		return
	}
	unlock := k.lock(ctx, c, u.key)
	defer unlock()
	if e, ok, err := k.Store.Load(u.key, k.clock()); err == nil && ok && e.ObtainedAt.Equal(u.entry.ObtainedAt) {
		if err := k.Store.Drop(u.key); err != nil {
			r.Notes = append(r.Notes, "cache: "+err.Error())
		}
	}
	u.entry, u.saved = cache.Entry{}, false
	r.Notes = append(r.Notes, "cache: Creatio refused the new credential too; it is not kept")
}

// touch writes a forms entry's LastUsed when it is more than touchAfter
// old, under the lock and only when the entry is still the one used (no
// other check replaced it meanwhile).
func (u *cacheUse) touch(ctx context.Context, k *Cache, c *web.Client) {
	now := k.clock()
	if !k.on() || !u.saved || now.Sub(latest(u.entry.ObtainedAt, u.entry.LastUsed)) <= touchAfter {
		return
	}
	lctx, cancel := context.WithTimeout(ctx, touchLockWait)
	defer cancel()
	unlock, err := k.Store.Lock(lctx, u.key)
	if err != nil { // another check logs in: it writes a new entry anyway
		c.Tracef("cache: last use not saved: %v", err)
		return
	}
	defer unlock()
	e, ok, err := k.Store.Load(u.key, now)
	if err != nil || !ok || !e.ObtainedAt.Equal(u.entry.ObtainedAt) {
		return
	}
	e.LastUsed = now
	if err := k.Store.Save(u.key, e); err != nil {
		c.Tracef("cache: last use not saved: %v", err)
	}
}

func latest(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// describe says for -vv how old a credential is and when it expires.
func describe(e cache.Entry, now time.Time) string {
	s := "obtained " + ago(e.ObtainedAt, now)
	if e.AccessToken != "" {
		return s + ", " + expiryText(e, now) + ", used until " + stamp(cache.UsableUntil(e.ObtainedAt, e.Expiry)) +
			" (in " + span(cache.UsableUntil(e.ObtainedAt, e.Expiry).Sub(now)) + ")"
	}
	if !e.LastUsed.IsZero() {
		s += ", last used " + ago(e.LastUsed, now)
	}
	return s + "; a session expires when Creatio's session timeout passes without a request, then the check logs in again"
}

// expiryText says when a token expires or expired.
func expiryText(e cache.Entry, now time.Time) string {
	if e.Expiry.After(now) {
		return "expires " + stamp(e.Expiry) + " (in " + span(e.Expiry.Sub(now)) + ")"
	}
	return "expired " + stamp(e.Expiry)
}

func ago(t, now time.Time) string {
	return stamp(t) + " (" + span(max(0, now.Sub(t))) + " ago)"
}

// span is a duration for -vv: milliseconds under a second, else whole
// seconds as Go writes them (59m59s, 1h0m0s).
func span(d time.Duration) string {
	if d < time.Second {
		return report.HumanSeconds(d.Seconds())
	}
	return d.Round(time.Second).String()
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// refusedAnswer reports whether the health endpoint's answer refuses the
// credential: 401, 403, a redirect to a login page, or a login page.
func refusedAnswer(resp *web.Response) (string, bool) {
	switch {
	case resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden:
		return fmt.Sprintf("HTTP %d", resp.StatusCode), true
	case wantsLogin(resp):
		return fmt.Sprintf("HTTP %d to a login page", resp.StatusCode), true
	case isLoginPage(resp):
		return "a login page", true
	}
	return "", false
}

// cachedAuth is an Authenticator whose credential may come from the cache.
type cachedAuth interface {
	// cacheUse is the login's cache state of this run.
	cacheUse() *cacheUse
	// renew replaces a refused cached credential, adding its login to r;
	// false when the login failed.
	renew(ctx context.Context, c *web.Client, p report.Policy, r *report.Report) bool
	// discard drops a new credential that Creatio refused.
	discard(ctx context.Context, c *web.Client, r *report.Report)
}
