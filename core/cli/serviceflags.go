package cli

import (
	"flag"
	"io"

	"github.com/cratos-project/cratos/core/config"
)

// serviceFlags are the flags serve and check share: the configuration
// file, and the listen address and state directory given in place of the
// configuration's.
type serviceFlags struct {
	fs                       *flag.FlagSet
	config, listen, stateDir *string
}

// serviceFlagUsage is what each of the service flags means to a command.
type serviceFlagUsage struct{ config, listen, stateDir string }

// newServiceFlags returns the flags of command (serve or check).
func newServiceFlags(command string, usage serviceFlagUsage, stderr io.Writer) serviceFlags {
	fs := newFlags(command, command+" --config FILE [--listen ADDR] [--state-dir DIR]", stderr)
	return serviceFlags{
		fs:       fs,
		config:   fs.String("config", "config/config.yaml", usage.config),
		listen:   fs.String("listen", "", usage.listen),
		stateDir: fs.String("state-dir", "", usage.stateDir),
	}
}

// load parses args and reads the configuration file (a usage error when
// it does not load), with --listen and --state-dir, where given, in place
// of its listen and state_dir.
func (f serviceFlags) load(args []string, stdout io.Writer) (*config.Config, error) {
	if err := parseNoArgs(f.fs, args, stdout); err != nil {
		return nil, err
	}
	cfg, err := loadConfig(*f.config)
	if err != nil {
		return nil, err
	}
	if *f.listen != "" {
		cfg.Listen = *f.listen
	}
	if *f.stateDir != "" {
		cfg.StateDir = *f.stateDir
	}
	return cfg, nil
}
