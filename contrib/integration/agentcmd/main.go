//go:build windows

// Command agentcmd starts a command line the way a Windows monitoring agent
// does, for contrib/integration/run windows (under Wine): with -cmd as Zabbix
// agent 2 runs a UserParameter, cmd.exe with the raw command line
// /C "COMMAND"; without it as NSClient++ runs an external script, the
// command line itself by CreateProcess. The child's stdout and stderr pass
// through, and agentcmd exits with the child's exit code (255 when it could
// not start it).
//
//	agentcmd [-cmd] COMMAND-LINE
package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
)

func main() {
	args := os.Args[1:]
	shell := len(args) > 0 && args[0] == "-cmd"
	if shell {
		args = args[1:]
	}
	if len(args) != 1 {
		fmt.Fprintln(os.Stderr, "usage: agentcmd [-cmd] COMMAND-LINE")
		os.Exit(255)
	}
	line := args[0]
	var c *exec.Cmd
	if shell {
		comspec := os.Getenv("ComSpec")
		if comspec == "" {
			comspec = "cmd.exe"
		}
		c = exec.Command(comspec)
		c.SysProcAttr = &syscall.SysProcAttr{CmdLine: `/C "` + line + `"`}
	} else {
		c = exec.Command(program(line))
		c.SysProcAttr = &syscall.SysProcAttr{CmdLine: line}
	}
	c.Stdout, c.Stderr = os.Stdout, os.Stderr
	err := c.Run()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		os.Exit(exit.ExitCode())
	case err != nil:
		fmt.Fprintln(os.Stderr, "agentcmd:", err)
		os.Exit(255)
	}
}

// program is the first word of a command line, as CreateProcess reads it: up
// to the closing quote when it starts with one, else up to the first blank.
func program(line string) string {
	if rest, ok := strings.CutPrefix(line, `"`); ok {
		p, _, _ := strings.Cut(rest, `"`)
		return p
	}
	p, _, _ := strings.Cut(line, " ")
	return p
}
