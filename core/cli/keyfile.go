package cli

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

// keyFileMax is the most bytes read from a key file: a MISP key is 40
// characters, so a longer first line is not one. A pipe (a shell's
// <(command)) or a device is read as a file is.
const keyFileMax = 4096

// stdin is where --key-file - reads the key from.
var stdin io.Reader = os.Stdin

// mispKeyFlags are the two ways of giving a command the MISP key: on
// the command line (--key, seen by every user of the host in its process
// list while the command runs) or in a file (--key-file, - for standard
// input).
type mispKeyFlags struct{ key, file *string }

// addMISPKeyFlags declares --key and --key-file on fs.
func addMISPKeyFlags(fs *flag.FlagSet, what string) mispKeyFlags {
	return mispKeyFlags{
		key:  fs.String("key", "", what+" (shown in the process list while the command runs: prefer --key-file)"),
		file: fs.String("key-file", "", "file whose first line is the MISP API key; - reads it from standard input"),
	}
}

// value returns the key given by exactly one of the flags, "" when
// neither was given.
func (f mispKeyFlags) value() (string, error) {
	switch {
	case *f.key != "" && *f.file != "":
		return "", fmt.Errorf("give the MISP key with --key or --key-file, not both")
	case *f.file == "":
		return *f.key, nil
	}
	r := stdin
	if *f.file != "-" {
		file, err := os.Open(*f.file)
		if err != nil {
			return "", fmt.Errorf("--key-file: %v", err)
		}
		defer file.Close()
		r = file
	}
	key, err := firstLine(r)
	if err != nil {
		return "", fmt.Errorf("--key-file %s: %v", *f.file, err)
	}
	if key == "" {
		return "", fmt.Errorf("--key-file %s: the first line holds no key", *f.file)
	}
	return key, nil
}

// firstLine returns the first line of r, trimmed, reading no more than
// keyFileMax bytes (a key or a token is far shorter).
func firstLine(r io.Reader) (string, error) {
	line, err := bufio.NewReader(io.LimitReader(r, keyFileMax)).ReadString('\n')
	if err != nil && err != io.EOF {
		return "", err
	}
	return strings.TrimSpace(line), nil
}
