// Command stripjs copies a JavaScript file without its comment lines, blank lines,
// indentation and end-of-line comments, keeping the comment block it begins with (a
// licence, a description): the same code in fewer bytes over the wire. It is for files
// whose strings and template literals never span lines (so no line's leading whitespace is
// content): wasm_exec.js of the Go toolchain, which must match the compiler and is copied
// at build time, and the loader, js/src/authfetch.js.
//
//	go run ./internal/stripjs -i "$(go env GOROOT)/lib/wasm/wasm_exec.js" -o js/wasm_exec.js
//	go run ./internal/stripjs -i js/src/authfetch.js -o js/authfetch.js
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"regexp"
)

func main() {
	in := flag.String("i", "", "the file to copy")
	out := flag.String("o", "", "the file to write")
	flag.Parse()
	if *in == "" || *out == "" {
		fmt.Fprintln(os.Stderr, "usage: stripjs -i FILE -o FILE")
		os.Exit(2)
	}
	src, err := os.ReadFile(*in)
	if err == nil {
		err = os.WriteFile(*out, strip(src), 0o644)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "stripjs:", err)
		os.Exit(1)
	}
}

// trailing is a comment after a statement or an opening bracket, with no quote after the
// "//": so no string or template holds it.
var trailing = regexp.MustCompile("([;,\\[{])\\s+//[^\"'`]*$")

// strip drops the comment lines, blank lines and indentation of src, and the comments
// that end a line, keeping the comment block it begins with. make test runs the results.
func strip(src []byte) []byte {
	var b bytes.Buffer
	header := true
	for _, line := range bytes.Split(src, []byte("\n")) {
		t := bytes.TrimSpace(line)
		comment := bytes.HasPrefix(t, []byte("//"))
		if header && comment {
			b.Write(t)
			b.WriteByte('\n')
			continue
		}
		header = false
		if comment || len(t) == 0 {
			continue
		}
		b.Write(trailing.ReplaceAll(t, []byte("$1")))
		b.WriteByte('\n')
	}
	return b.Bytes()
}
