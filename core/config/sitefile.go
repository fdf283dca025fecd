package config

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// Configuration and site files are small; anything else is refused
// rather than read.
const (
	siteFileMaxBytes = 1 << 20
	siteReadTimeout  = 10 * time.Second
)

// errNotRegular is a site "file" that is a FIFO, device, socket or folder.
var errNotRegular = errors.New("not a regular file")

// readSmallFile reads a configuration or site file without ever blocking
// for good: a FIFO or device is refused before it is read (opened
// non-blocking, checked with fstat), and a read that hangs (a stuck
// network file system) is abandoned after siteReadTimeout.
func readSmallFile(path string) ([]byte, error) {
	type result struct {
		b   []byte
		err error
	}
	ch := make(chan result, 1)
	go func() {
		b, err := readRegular(path)
		ch <- result{b, err}
	}()
	select {
	case r := <-ch:
		return r.b, r.err
	case <-time.After(siteReadTimeout):
		return nil, fmt.Errorf("%s: no answer from the file system within %s", path, siteReadTimeout)
	}
}

func readRegular(path string) ([]byte, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: %w", path, errNotRegular)
	}
	b, err := io.ReadAll(io.LimitReader(f, siteFileMaxBytes+1))
	if err != nil {
		return nil, err
	}
	if len(b) > siteFileMaxBytes {
		return nil, fmt.Errorf("%s: larger than %d bytes", path, siteFileMaxBytes)
	}
	return b, nil
}

// isMisnamedSite reports a file that looks like a site file but is not
// named <fqdn>.yaml (fqdn.yml): as in the original, which opens
// sites/<fqdn>.yaml for a token, it is not loaded.
func isMisnamedSite(e fs.DirEntry) bool {
	return !e.IsDir() && strings.EqualFold(filepath.Ext(e.Name()), ".yml")
}

// FileWarnings says, for each file of the sites directory not loaded for
// its name at the last load or reload, that it is not and why.
func (s *Sites) FileWarnings() []string {
	p := s.misnamed.Load()
	if p == nil {
		return nil
	}
	var out []string
	for _, path := range *p {
		name := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
		out = append(out, fmt.Sprintf("%s: not loaded: a site file is named <fqdn>.yaml; rename it %s.yaml", path, name))
	}
	return out
}
