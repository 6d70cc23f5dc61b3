package cache

// lockWorks: Store.Lock excludes (flock) on this system.
const lockWorks = true

// lockFilesStay: lock files stay in the directory (flock: removed at unlock).
const lockFilesStay = false
