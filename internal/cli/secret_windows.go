package cli

import (
	"os"

	"check_creatio_oauth/check/cache"
)

// openSecretFlags open a secret file (Windows has no FIFO in the file
// system that would block an open).
const openSecretFlags = os.O_RDONLY

// privateFix is how to make a secret file readable by its owner only:
// icacls's /inheritance:r drops the inherited entries (BUILTIN\Users of
// C:\), /grant:r replaces what the account had; the service account is
// the one that runs the plugin (NT AUTHORITY\NETWORK SERVICE, SYSTEM).
const privateFix = "icacls FILE /inheritance:r /grant:r ACCOUNT:R"

// readableByOthers says who may read file besides the running user,
// SYSTEM and Administrators, by its DACL ("Everyone (S-1-1-0)"), or ""
// when no one else may, or when it cannot be told.
func readableByOthers(file string) string { return cache.ReadableByOthers(file) }
