package cache

// lockWorks: Store.Lock excludes (flock) on this system.
const lockWorks = true
