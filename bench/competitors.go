//go:build linux

package main

import (
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
)

// Names of the programs the harness knows.
const (
	nameOurs      = "check_creatio_oauth"
	nameBare      = "bare-go-get"
	nameCurl      = "curl"
	nameCheckHTTP = "check_http"
	nameCheckCurl = "check_curl"
)

// pluginDir is where Debian's monitoring-plugins install check_http and
// check_curl.
const pluginDir = "/usr/lib/nagios/plugins"

// contender is a program that performs the health check; Cmd builds its
// command line for a base URL (proto "http" or "https").
type contender struct {
	Name string
	Path string
	// Cmd returns the command that checks the health endpoint under base,
	// which is srv.Base(proto), possibly with a path prefix.
	Cmd func(proto, base string) command
}

// oursContender runs the plugin under test. With standIn set the binary is
// the bare GET program standing in for the plugin (before it exists), and is
// given the URL the plugin would request.
func oursContender(bin string, srv *server, standIn bool) contender {
	if standIn {
		return contender{Name: nameOurs + " (stand-in: bareget)", Path: bin, Cmd: bareCmd(bin, srv)}
	}
	return contender{Name: nameOurs, Path: bin, Cmd: func(proto, base string) command {
		args := []string{"-U", base, "--runtime", "netfx"}
		switch {
		case proto == protoHTTPSSys:
			return command{Path: bin, Args: args, Env: []string{"SSL_CERT_FILE=" + srv.SysBundle}}
		case isTLS(proto):
			args = append(args, "--ca-file", srv.CAFile)
		}
		return command{Path: bin, Args: args}
	}}
}

// bareCmd returns the command builder of the bare GET program at bin.
func bareCmd(bin string, srv *server) func(proto, base string) command {
	return func(proto, base string) command {
		args := []string{base + healthPath}
		switch {
		case proto == protoHTTPSSys:
			return command{Path: bin, Args: args, Env: []string{"SSL_CERT_FILE=" + srv.SysBundle}}
		case isTLS(proto):
			args = append(args, srv.CAFile)
		}
		return command{Path: bin, Args: args}
	}
}

// competitors returns the programs named in want (in that order) that are
// present, and a note for each that is absent.
func competitors(want []string, bareBin string, srv *server) (found []contender, skipped []string) {
	for _, name := range want {
		switch name {
		case nameBare:
			found = append(found, contender{Name: nameBare, Path: bareBin, Cmd: bareCmd(bareBin, srv)})
		case nameCurl:
			path, err := exec.LookPath("curl")
			if err != nil {
				skipped = append(skipped, "curl: not installed (run bench/setup.sh)")
				continue
			}
			found = append(found, contender{Name: nameCurl, Path: path, Cmd: func(proto, base string) command {
				args := []string{"-s"}
				if isTLS(proto) {
					args = append(args, "--cacert", caFor(proto, srv))
				}
				return command{Path: path, Args: append(args, base+healthPath)}
			}})
		case nameCheckHTTP, nameCheckCurl:
			path := pluginDir + "/" + name
			if _, err := os.Stat(path); err != nil {
				skipped = append(skipped, name+": not installed (run bench/setup.sh)")
				continue
			}
			isCurl := name == nameCheckCurl
			found = append(found, contender{Name: name, Path: path, Cmd: func(proto, base string) command {
				port, uri := hostPath(proto, base, srv)
				args := []string{"-H", "127.0.0.1", "-p", strconv.Itoa(port), "-u", uri}
				if isTLS(proto) {
					args = append(args, "-S")
					if isCurl {
						// Verify the certificate like curl and the plugin do
						// (check_curl only verifies with -D).
						args = append(args, "--ca-cert", caFor(proto, srv), "-D")
					}
				}
				return command{Path: path, Args: args}
			}})
		default:
			skipped = append(skipped, name+": unknown competitor (known: "+strings.Join(allCompetitors, ", ")+")")
		}
	}
	return found, skipped
}

// caFor returns the CA file that clients given one trust for proto.
func caFor(proto string, srv *server) string {
	if proto == protoHTTPSSys {
		return srv.SysBundle
	}
	return srv.CAFile
}

// allCompetitors lists every competitor the harness knows, in report order.
var allCompetitors = []string{nameBare, nameCheckHTTP, nameCheckCurl, nameCurl}

// hostPath splits base into the port of srv it targets and the request path
// of the health endpoint under it.
func hostPath(proto, base string, srv *server) (int, string) {
	return srv.Port(proto), strings.TrimPrefix(base, srv.Base(proto)) + healthPath
}

// preflight runs c once over proto against the ok answer and checks that it
// exits 0. It returns a one-line description of the result, the number of
// requests the server saw, and whether the run was good.
func preflight(c contender, proto string, srv *server) (string, int64, bool) {
	before := srv.Requests()
	s := run(c.Cmd(proto, srv.Base(proto)))
	reqs := srv.Requests() - before
	line := firstLine(s.Stdout)
	if s.Err != nil || s.Exit != 0 {
		msg := fmt.Sprintf("exit %d", s.Exit)
		if s.Err != nil {
			msg += " (" + s.Err.Error() + ")"
		}
		if line != "" {
			msg += ": " + line
		}
		if e := firstLine(s.Stderr); e != "" {
			msg += " / stderr: " + e
		}
		return msg, reqs, false
	}
	return line, reqs, true
}

// firstLine returns the first line of b, shortened to 110 characters.
func firstLine(b []byte) string {
	line, _, _ := strings.Cut(string(b), "\n")
	line = strings.TrimSpace(line)
	if len(line) > 110 {
		line = line[:107] + "..."
	}
	return line
}
