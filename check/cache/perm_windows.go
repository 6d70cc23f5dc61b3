package cache

import (
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
	"unsafe"

	"golang.org/x/sys/windows"
)

// On Windows a file's owner and who may use it are its security
// descriptor's owner SID and DACL, not a uid and mode bits. The rule
// mirrors the Unix one:
//
//   - the cache directory and its files are owned by the running user:
//     the token's user SID, or the token's default owner SID, which
//     Windows gives what the process creates (BUILTIN\Administrators for
//     an elevated administrator);
//   - the directory's DACL lets no one else write to it (add or delete
//     files, change its DACL or owner), as "not group- or world-writable";
//   - an entry's or lock's DACL lets no one else open it at all, as mode
//     0600;
//   - "no one else" is anyone but those two SIDs, LocalSystem and
//     BUILTIN\Administrators, who may read any file anyway (backup and
//     take-ownership privileges), as root may on Unix.
//
// The directories the plugin makes and the files it writes get a
// protected DACL of exactly that: full control for the user, SYSTEM and
// Administrators, nothing inherited. A parent directory is not checked:
// %LOCALAPPDATA% is in the user's profile, which only the user, SYSTEM
// and Administrators may change by default; NTFS lets no one rename or
// remove a directory without DELETE on it or FILE_DELETE_CHILD on its
// parent.

// account is the running process's token: its user and default owner.
type account struct {
	user, owner *windows.SID
}

// self is the running process's account, looked up once.
var self = sync.OnceValues(func() (account, error) {
	tok := windows.GetCurrentProcessToken()
	u, err := tok.GetTokenUser()
	if err != nil {
		return account{}, fmt.Errorf("the process token's user: %w", err)
	}
	a := account{user: u.User.Sid}
	var n uint32
	_ = windows.GetTokenInformation(tok, windows.TokenOwner, nil, 0, &n)
	if n > 0 {
		buf := make([]byte, n)
		if err := windows.GetTokenInformation(tok, windows.TokenOwner, &buf[0], n, &n); err == nil {
			// TOKEN_OWNER: one pointer to the SID, in buf
			if sid := (*struct{ Owner *windows.SID })(unsafe.Pointer(&buf[0])).Owner; sid != nil {
				a.owner, _ = sid.Copy()
			}
		}
	}
	a.user, err = a.user.Copy()
	return a, err
})

// trusted are the SIDs besides the running user's own that may have
// access: LocalSystem, BUILTIN\Administrators, and the placeholders
// CREATOR OWNER and OWNER RIGHTS, which stand for the owner.
var trusted = sync.OnceValue(func() []*windows.SID {
	var sids []*windows.SID
	for _, t := range []windows.WELL_KNOWN_SID_TYPE{windows.WinLocalSystemSid, windows.WinBuiltinAdministratorsSid, windows.WinCreatorOwnerSid, windows.WinCreatorOwnerRightsSid} {
		if s, err := windows.CreateWellKnownSid(t); err == nil {
			sids = append(sids, s)
		}
	}
	return sids
})

// isMe reports whether sid is the running user's (its user or default
// owner SID).
func (a account) isMe(sid *windows.SID) bool {
	return sid != nil && (sid.Equals(a.user) || (a.owner != nil && sid.Equals(a.owner)))
}

// allowed reports whether sid may have access to a cache file or write
// to the cache directory.
func (a account) allowed(sid *windows.SID) bool {
	if a.isMe(sid) {
		return true
	}
	for _, t := range trusted() {
		if sid.Equals(t) {
			return true
		}
	}
	return false
}

// name is sid as an admin reads it: DOMAIN\name (SID), or the SID.
func name(sid *windows.SID) string {
	if sid == nil {
		return "no one"
	}
	acc, dom, _, err := sid.LookupAccount("")
	switch {
	case err != nil || acc == "":
		return sid.String()
	case dom != "":
		return dom + `\` + acc + " (" + sid.String() + ")"
	}
	return acc + " (" + sid.String() + ")"
}

// A directory's rights to add a file, add a directory and delete what
// it holds (winnt.h: FILE_ADD_FILE, FILE_ADD_SUBDIRECTORY,
// FILE_DELETE_CHILD).
const (
	fileAddFile         = 0x0002
	fileAddSubdirectory = 0x0004
	fileDeleteChild     = 0x0040
)

// Access rights that let someone change what a directory holds, and any
// right to a file's content or security.
const (
	dirWriteRights = fileAddFile | fileAddSubdirectory | fileDeleteChild |
		windows.DELETE | windows.WRITE_DAC | windows.WRITE_OWNER | windows.GENERIC_WRITE | windows.GENERIC_ALL
	fileRights = windows.FILE_READ_DATA | windows.FILE_WRITE_DATA | windows.FILE_APPEND_DATA | windows.FILE_WRITE_EA |
		windows.FILE_WRITE_ATTRIBUTES | windows.DELETE | windows.WRITE_DAC | windows.WRITE_OWNER |
		windows.GENERIC_READ | windows.GENERIC_WRITE | windows.GENERIC_ALL
)

// security reads path's owner and DACL; nil DACL: none (open to everyone).
func security(path string) (owner *windows.SID, dacl *windows.ACL, err error) {
	sd, err := windows.GetNamedSecurityInfo(path, windows.SE_FILE_OBJECT, windows.OWNER_SECURITY_INFORMATION|windows.DACL_SECURITY_INFORMATION)
	if err != nil {
		return nil, nil, &fs.PathError{Op: "GetNamedSecurityInfo", Path: path, Err: err}
	}
	owner, _, err = sd.Owner()
	if err != nil {
		return nil, nil, &fs.PathError{Op: "GetNamedSecurityInfo", Path: path, Err: err}
	}
	dacl, _, err = sd.DACL()
	if err != nil && !errors.Is(err, windows.ERROR_OBJECT_NOT_FOUND) {
		return nil, nil, &fs.PathError{Op: "GetNamedSecurityInfo", Path: path, Err: err}
	}
	return owner, dacl, nil
}

// granted is the first SID that dacl allows any of rights without being
// allowed, or nil; everyone for a nil DACL.
func (a account) granted(dacl *windows.ACL, rights windows.ACCESS_MASK) (*windows.SID, bool) {
	if dacl == nil {
		everyone, _ := windows.CreateWellKnownSid(windows.WinWorldSid)
		return everyone, true
	}
	for i := range uint32(dacl.AceCount) {
		var ace *windows.ACCESS_ALLOWED_ACE
		if err := windows.GetAce(dacl, i, &ace); err != nil {
			continue
		}
		if ace.Header.AceType != windows.ACCESS_ALLOWED_ACE_TYPE || ace.Header.AceFlags&windows.INHERIT_ONLY_ACE != 0 || ace.Mask&rights == 0 {
			continue
		}
		sid := (*windows.SID)(unsafe.Pointer(&ace.SidStart))
		if !a.allowed(sid) {
			return sid, true
		}
	}
	return nil, false
}

// owner is not known from a FileInfo here: prune asks mine.
func owner(fs.FileInfo) int { return -1 }

// mine reports whether path is the running user's, for prune.
func mine(path string, _ fs.FileInfo, _ int) bool {
	a, err := self()
	if err != nil {
		return false
	}
	o, _, err := security(path)
	return err == nil && a.isMe(o)
}

// checkDir refuses the cache directory when it is not the running user's
// or someone else may write to it (see the rule above).
func checkDir(dir string, _ int) error {
	const what = "cache directory"
	fi, err := os.Stat(dir)
	switch {
	case err != nil:
		return sysProblem(what, dir, "cannot be read", err, "")
	case !fi.IsDir():
		return &Problem{What: what, Path: dir, Issue: "is not a directory", Fix: "remove it or choose another directory"}
	}
	a, err := self()
	if err != nil {
		return sysProblem(what, dir, "cannot be checked", err, "")
	}
	o, dacl, err := security(dir)
	if err != nil {
		return sysProblem(what, dir, "cannot be read", err, "")
	}
	if !a.isMe(o) {
		return &Problem{What: what, Path: dir, Issue: fmt.Sprintf("is owned by %s, not by the running user %s", name(o), name(a.user)),
			Fix: "choose another directory, or remove it and let the plugin make it"}
	}
	if sid, ok := a.granted(dacl, dirWriteRights); ok {
		return &Problem{What: what, Path: dir, Issue: "is writable by " + name(sid) + ", not only by the running user",
			Fix: "remove that access (icacls) or choose another directory"}
	}
	return nil
}

// checkPrivate is checkDir: Windows has no shared place.
func checkPrivate(dir string, uid int) error { return checkDir(dir, uid) }

// checkWritable is left to the first Save: whether the running user may
// write is the DACL's and the privileges' answer, which checkDir has read
// for others only.
func checkWritable(string) error { return nil }

// checkFile refuses an entry or lock file that is not a regular file of
// the running user's that no one else may open (see the rule above).
func checkFile(path string, fi fs.FileInfo, _ int) error {
	const what = "cache file"
	switch {
	case fi.Mode()&fs.ModeSymlink != 0:
		return &Problem{What: what, Path: path, Issue: "is a symlink", Fix: "remove it"}
	case !fi.Mode().IsRegular():
		return &Problem{What: what, Path: path, Issue: fmt.Sprintf("is not a regular file (%s)", fi.Mode().Type()), Fix: "remove it"}
	}
	a, err := self()
	if err != nil {
		return sysProblem(what, path, "cannot be checked", err, "")
	}
	o, dacl, err := security(path)
	if err != nil {
		return sysProblem(what, path, "cannot be read", err, "")
	}
	if !a.isMe(o) {
		return &Problem{What: what, Path: path, Issue: fmt.Sprintf("is owned by %s, not by the running user %s", name(o), name(a.user)), Fix: "remove it"}
	}
	if sid, ok := a.granted(dacl, fileRights); ok {
		return &Problem{What: what, Path: path, Issue: "is open to " + name(sid), Fix: "remove it (the plugin writes it for the running user, SYSTEM and Administrators only)"}
	}
	return nil
}

// isSymlink: an entry is opened without following a symlink
// (FILE_FLAG_OPEN_REPARSE_POINT) and checkFile names one.
func isSymlink(error, string) bool { return false }

// privateSD is the security descriptor of what the plugin makes: a
// protected DACL (nothing inherited) of full control, inherited by what is
// made in a directory, for the running user, SYSTEM and Administrators.
func privateSD() (*windows.SecurityAttributes, error) {
	a, err := self()
	if err != nil {
		return nil, err
	}
	sd, err := windows.SecurityDescriptorFromString("D:P(A;OICI;FA;;;" + a.user.String() + ")(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)")
	if err != nil {
		return nil, err
	}
	return &windows.SecurityAttributes{Length: uint32(unsafe.Sizeof(windows.SecurityAttributes{})), SecurityDescriptor: sd}, nil
}

// makeDir makes a directory with the private DACL.
func makeDir(path string) error {
	sa, err := privateSD()
	if err != nil {
		return &fs.PathError{Op: "mkdir", Path: path, Err: err}
	}
	p, err := windows.UTF16PtrFromString(path)
	if err != nil {
		return &fs.PathError{Op: "mkdir", Path: path, Err: err}
	}
	if err := windows.CreateDirectory(p, sa); err != nil {
		return &fs.PathError{Op: "mkdir", Path: path, Err: err}
	}
	return nil
}

// shareAll lets other checks read, replace and remove a file while this
// one has it open: Go's os.Open leaves out FILE_SHARE_DELETE, and then a
// rename over the open file fails with "Access is denied".
const shareAll = windows.FILE_SHARE_READ | windows.FILE_SHARE_WRITE | windows.FILE_SHARE_DELETE

// openEntry opens an entry file to read, shared for replacing and
// removing, without following a symlink; a directory opens too, so that
// checkFile names it.
func openEntry(path string) (*os.File, error) {
	return createFile(path, windows.GENERIC_READ, windows.OPEN_EXISTING, nil)
}

// createFile is windows.CreateFile as an *os.File, shared (shareAll),
// with flags for a symlink and a directory, errors as os.OpenFile's.
func createFile(path string, access, disposition uint32, sa *windows.SecurityAttributes) (*os.File, error) {
	p, err := windows.UTF16PtrFromString(path)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	h, err := windows.CreateFile(p, access, shareAll, sa, disposition,
		windows.FILE_ATTRIBUTE_NORMAL|windows.FILE_FLAG_OPEN_REPARSE_POINT|windows.FILE_FLAG_BACKUP_SEMANTICS, 0)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	return os.NewFile(uintptr(h), path), nil
}

// createTemp creates a new file for Save, named by pattern's "*" replaced
// with a random number, with the private DACL, shared (shareAll).
func createTemp(dir, pattern string) (*os.File, error) {
	sa, err := privateSD()
	if err != nil {
		return nil, &fs.PathError{Op: "createtemp", Path: dir, Err: err}
	}
	prefix, suffix, _ := strings.Cut(pattern, "*")
	for range 100 {
		path := dir + `\` + prefix + randomDigits() + suffix
		f, err := createFile(path, windows.GENERIC_READ|windows.GENERIC_WRITE, windows.CREATE_NEW, sa)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		return f, err
	}
	return nil, &fs.PathError{Op: "createtemp", Path: dir + `\` + pattern, Err: fs.ErrExist}
}

// randomDigits is a random number for a temporary file's name.
func randomDigits() string { return strconv.FormatUint(rand.Uint64(), 10) }

// replaceTries bound the retries of a rename over an entry file: about
// two seconds in all.
const (
	replaceTries = 40
	replacePause = 50 * time.Millisecond
)

// replace renames a new entry file over the old one. The plugin's readers
// open entries shared for deletion (openEntry), and the rename is os.Root's,
// which asks for POSIX semantics (Windows 10 1709 and later on NTFS): the
// open file is replaced, its readers keep reading the old one. Where the
// file system has no POSIX rename (FAT, an older Windows) os.Root falls
// back to the classic one, which refuses to replace a file while any
// handle is open on it ("Access is denied"); a reader holds one for the
// few microseconds of a read (64 KiB at most), so the rename is tried
// again after a pause, for about two seconds in all.
func replace(oldpath, newpath string) error {
	root, err := os.OpenRoot(filepath.Dir(newpath))
	if err != nil {
		return err
	}
	defer root.Close()
	pause := time.Millisecond
	for i := 1; ; i++ {
		err := root.Rename(filepath.Base(oldpath), filepath.Base(newpath))
		if err == nil || i == replaceTries || !(errors.Is(err, windows.ERROR_ACCESS_DENIED) || errors.Is(err, windows.ERROR_SHARING_VIOLATION)) {
			return err
		}
		time.Sleep(pause)
		pause = min(2*pause, replacePause)
	}
}

// removeEntry removes an entry file by os.Root's POSIX delete (Windows 10
// 1607 and later on NTFS, else the classic one): its name goes at once,
// also while another check reads the file, so that a Save may put a new
// one in its place; a classic delete would leave the name pending until
// the reader closes it.
func removeEntry(path string) error {
	root, err := os.OpenRoot(filepath.Dir(path))
	if err != nil {
		return err
	}
	defer root.Close()
	if err := root.Remove(filepath.Base(path)); err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			pe.Path = path // the whole path, as os.Remove says it
		}
		return err
	}
	return nil
}
