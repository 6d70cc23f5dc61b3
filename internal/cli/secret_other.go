//go:build !unix

package cli

import "os"

// openSecretFlags open a secret file (only unix has FIFOs that block an
// open).
const openSecretFlags = os.O_RDONLY

// readableByOthers is "": the mode bits of unix are not there to tell.
func readableByOthers(string) string { return "" }
