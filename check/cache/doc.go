// Package cache keeps the plugin's own credentials between runs, so that a
// check logs in once per token lifetime or session instead of once per run:
// the OAuth access token of the oauth login, and the session cookies and
// BPMCSRF value of the forms login.
//
// It owns the cache directory and its files: where the directory is
// ([Lookup], [Place]), the checks that make it safe to use (as ssh treats
// ~/.ssh: see [Place.Open] and [Store.Load]), the versioned file format, atomic
// writes ([Store.Save]), and the per-key lock ([Store.Lock]) that lets
// parallel checks of one site share one login.
//
// It must not log in, send requests, print, read flags or decide the state
// of a check. Apart from the token expiry margin ([UsableUntil]) it does not
// judge whether a credential still works: the caller tries it, and drops it
// ([Store.Drop]) when Creatio or the Identity Service refuses it. It never
// writes a password or client secret: a secret enters only the digest that
// names the file ([Key.ID]). No error text holds a token, cookie value or
// secret.
//
// # Files
//
// One file per [Key], named by the key's digest (64 hex digits + ".json"),
// mode 0600, in a directory of mode 0700. [Lookup] finds the directory for
// a user without a setting (a daemon's, with no HOME or HOME=/nonexistent);
// [Place.Open] creates only the directories between an existing base (a
// home, XDG_CACHE_HOME, /var/tmp, --cache-dir's parent) and the cache
// directory, never the base, and refuses one it cannot write to. With
// [Store.KeepFor], a Save removes entry files no check has written for
// that long. The
// content is JSON with a format name and a version; a file that is not
// exactly this format and version, is larger than [maxFileSize], or belongs
// to another key is treated as absent and removed. A directory or file that
// is group- or world-writable or owned by another user, a parent directory
// that others may change, and a symlink in place of a file are refused with
// an error that says why and what to do.
//
// # Concurrency
//
// Readers need no lock: [Store.Save] writes a temporary file in the same
// directory, syncs it and renames it over the old one, so a reader sees the
// old file or the new one, never a torn one. The lock is for the logins:
// when 50 checks of one site start at once with no usable entry, all 50
// would log in, and for the forms login that means 49 Creatio sessions left
// behind (a cached session is not logged out) until Creatio's session
// timeout, each counting against licences. So the recommended order is
//
//	unlock, err := st.Lock(ctx, key) // ctx bounds the wait; on error go on without the lock
//	e, ok, err := st.Load(key, time.Now())
//	if !ok {
//		// log in, then
//		err = st.Save(key, fresh)
//	}
//	unlock()
//
// and the 49 others find the fresh entry when they get the lock. When a
// cached credential is refused, Lock, Load again (another check may have
// logged in meanwhile: compare ObtainedAt), and only then Drop, log in and
// Save. On Linux the lock is flock(2) on a lock file next to the entry,
// which the kernel releases when a process dies; on Windows it is
// LockFileEx on such a file, which Windows releases when a process ends;
// other systems have no lock (each check may log in; the cache stays
// consistent).
//
// # Windows
//
// The directory is %LOCALAPPDATA%\check_creatio_oauth ([Lookup] with
// Env.LocalAppData), or none, said, when LOCALAPPDATA is not set. Owners
// and modes become the security descriptor's owner SID and DACL: the
// directory and files must be owned by the running user (the token's user
// or default owner SID), the directory writable and the files open to no
// one else but SYSTEM and Administrators; what the plugin makes gets a
// protected DACL of exactly those three (perm_windows.go). Windows (and
// Wine) refuse to rename a file over one that is open, so there a Load
// holds a shared LockFileEx lock on the key's lock file while it reads the
// entry, and a Save an exclusive one for the moment of its rename
// (Store.guard): readers need no lock of their own, but wait for a rename
// in flight. Lock files stay in the directory when unlocked.
package cache
