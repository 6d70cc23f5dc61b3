package cache

// lockWorks: Store.Lock excludes (LockFileEx) on this system.
const lockWorks = true
