//go:build !unix && !windows

package cache

import (
	"errors"
	"io/fs"
)

// openFlags has no O_NOFOLLOW here; Open refuses to run anyway.
const openFlags = 0

var errUnsupported = errors.New("the credential cache needs a Unix system (file owners and modes)")

func checkDir(string, int) error               { return errUnsupported }
func checkFile(string, fs.FileInfo, int) error { return errUnsupported }
func checkPrivate(string, int) error           { return errUnsupported }
func checkWritable(string) error               { return errUnsupported }
func isSymlink(error, string) bool             { return false }
func owner(fs.FileInfo) int                    { return -1 }
