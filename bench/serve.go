//go:build linux

package main

import (
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

// serve prints how to reach the loopback server and the command line of
// every program, then serves until SIGINT or SIGTERM: for measuring by hand
// (perf, strace, valgrind).
func (b *bench) serve() int {
	for _, proto := range protocols {
		fmt.Printf("%-7s %s%s\n", proto, b.srv.Base(proto), healthPath)
	}
	fmt.Printf("CA      %s\n", b.srv.CAFile)
	for _, s := range curveSizes {
		fmt.Printf("padded  %s%s%d%s\n", b.srv.Base(protoHTTP), padPrefix, s, healthPath)
	}
	fmt.Println("Note: the binaries and the CA live in a temp dir that is removed on exit.")
	comps, _ := competitors(allCompetitors, b.bare, b.srv)
	for _, proto := range protocols {
		for _, c := range append([]contender{b.ours}, comps...) {
			cmd := c.Cmd(proto, b.srv.Base(proto))
			fmt.Printf("%-7s %s %s\n", proto, cmd.Path, strings.Join(cmd.Args, " "))
		}
	}
	fmt.Println("serving; Ctrl-C to stop")
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	<-sig
	return 0
}
