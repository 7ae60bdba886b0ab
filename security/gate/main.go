// Command gate decides whether the security scanners' findings over the synthesized stacks pass: any HIGH or
// CRITICAL finding fails, a MEDIUM one fails unless security/accepted-findings.txt lists it with a reason,
// and LOW or INFO ones pass. It reads the scanners' JSON reports (KICS, tflint, conftest), so it needs only
// the standard library and runs with `go run ./security/gate` inside the module. ./help scan calls it.
//
// Exit status: 0 passed, 1 failed, 2 the reports or the accepted-findings file could not be read.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

// multiFlag collects a flag given more than once.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("gate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var kics, tflint, conftest multiFlag
	fs.Var(&kics, "kics", "KICS results.json (`file`; repeatable)")
	fs.Var(&tflint, "tflint", "tflint --format json report (`file`; repeatable); its file names are read relative to the current directory")
	fs.Var(&conftest, "conftest", "conftest --output json report (`file`; repeatable)")
	accepted := fs.String("accepted", "security/accepted-findings.txt", "accepted-findings `file`")
	verbose := fs.Bool("v", false, "also list LOW and INFO findings")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "gate: unexpected arguments %q\n", fs.Args())
		return 2
	}
	if len(kics)+len(tflint)+len(conftest) == 0 {
		fmt.Fprintln(stderr, "gate: give at least one report: -kics, -tflint or -conftest")
		return 2
	}

	var problems []error
	f, err := os.Open(*accepted)
	if err != nil {
		fmt.Fprintf(stderr, "gate: %v\n", err)
		return 2
	}
	entries, errs := parseAccepted(f)
	f.Close()
	for _, e := range errs {
		problems = append(problems, fmt.Errorf("%s: %w", *accepted, e))
	}

	var findings []Finding
	scanned := map[string]bool{}
	read := func(scanner, file string, parse func(data []byte) ([]Finding, error)) {
		data, err := os.ReadFile(file)
		if err != nil {
			problems = append(problems, err)
			return
		}
		got, err := parse(data)
		if err != nil {
			problems = append(problems, fmt.Errorf("%s: %w", file, err))
			return
		}
		scanned[scanner] = true
		findings = append(findings, got...)
	}
	for _, file := range kics {
		read(KICS, file, parseKICS)
	}
	for _, file := range tflint {
		read(TFLint, file, parseTFLint)
	}
	for _, file := range conftest {
		read(Conftest, file, parseConftest)
	}

	if len(problems) > 0 {
		for _, p := range problems {
			fmt.Fprintf(stderr, "gate: %v\n", p)
		}
		return 2
	}
	result := Evaluate(findings, entries, scanned)
	result.Print(stdout, *accepted, *verbose)
	if result.Failed() {
		return 1
	}
	return 0
}
