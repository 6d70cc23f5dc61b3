package cache

// lockWorks: Store.Lock excludes (LockFileEx) on this system.
const lockWorks = true

// lockFilesStay: lock files stay in the directory (LockFileEx: a lock file another check has open cannot be made anew at once, so it stays).
const lockFilesStay = true
