package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/cratos-project/cratos/core/config"
)

// exitError carries a process exit status.
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }

// usageError is a bad invocation: exit status 2.
func usageError(format string, args ...any) error {
	return &exitError{code: 2, msg: fmt.Sprintf(format, args...)}
}

// command is one subcommand.
type command struct {
	name, summary string
	run           func(args []string, stdout, stderr io.Writer) error
}

func commands() []command {
	return []command{
		{"serve", "run the service against the configured MISP sites", runServe},
		{"demo", "run the service against a built-in MISP emulator with real data", runDemo},
		{"init", "write a configuration, a site file and a first token for one MISP (init --misp URL --key-file FILE)", runInit},
		{"check", "validate a configuration and its sites, probe each MISP, print warnings", runCheck},
		{"token", "mint or inspect legacy tokens (token mint | token inspect)", runToken},
		{"plugin", "check a renderer plugin binary (plugin check PATH)", runPlugin},
		{"lookup", "ask a running service why a value is or is not on a site's lists", runLookup},
		{"version", "print the version", runVersion},
	}
}

// Main runs the cratos command with os.Args and exits.
func Main() {
	os.Exit(Run(os.Args[1:], os.Stdout, os.Stderr))
}

// Run runs the cratos command and returns the exit status.
func Run(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && (args[0] == "--version" || args[0] == "-version") {
		args[0] = "version"
	}
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		printUsage(stdout)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	for _, c := range commands() {
		if c.name == args[0] {
			err := c.run(args[1:], stdout, stderr)
			return exitCode(err, stderr)
		}
	}
	fmt.Fprintf(stderr, "cratos: unknown command %q (try cratos --help)\n", args[0])
	return 2
}

func exitCode(err error, stderr io.Writer) int {
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return 0
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.msg != "" {
			fmt.Fprintln(stderr, "cratos: "+ee.msg)
		}
		return ee.code
	}
	fmt.Fprintln(stderr, "cratos: "+err.Error())
	return 1
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "Usage: cratos <command> [flags]")
	fmt.Fprintln(w)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Run cratos <command> --help for a command's flags.")
}

// newFlags returns a flag set that reports errors instead of exiting.
func newFlags(name, usage string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: cratos %s\n\n", usage)
		fs.PrintDefaults()
	}
	return fs
}

// parse parses args, turning a flag error into a usage error with one
// line (the flag package has printed the usage already).
func parse(fs *flag.FlagSet, args []string, stdout io.Writer) error {
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		fs.SetOutput(stdout)
		fs.Usage()
		return flag.ErrHelp
	}
	if err != nil {
		return usageError("%s: %s", fs.Name(), strings.TrimSpace(err.Error()))
	}
	return nil
}

// parseNoArgs parses args as parse does for a command that takes no
// arguments besides its flags.
func parseNoArgs(fs *flag.FlagSet, args []string, stdout io.Writer) error {
	if err := parse(fs, args, stdout); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError("%s: unexpected argument %q", fs.Name(), fs.Arg(0))
	}
	return nil
}

// loadConfig reads the configuration file at path; one that does not
// load is a usage error.
func loadConfig(path string) (*config.Config, error) {
	cfg, err := config.Load(path)
	if err != nil {
		return nil, usageError("%v", err)
	}
	return cfg, nil
}

func runVersion(args []string, stdout, stderr io.Writer) error {
	fmt.Fprintln(stdout, "cratos", version())
	return nil
}
