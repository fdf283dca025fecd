package export

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/md5" //nolint:gosec // the checksum URL protocol of suricata-update and Cisco FMC is MD5
	"encoding/hex"
	"errors"
	"fmt"
	"iter"
	"path"
	"strings"

	"github.com/cratos-project/cratos/core/indicator"
	"github.com/cratos-project/cratos/renderers"
)

// Packages a list can be downloaded in besides its plain form.
const (
	// PackageTarGz is a gzip-compressed tar archive holding the list as
	// rules/<name><extension> and any files it refers to, the layout
	// suricata-update reads.
	PackageTarGz = "tar.gz"
)

// ErrUnknownPackage is returned for an unsupported package suffix.
var ErrUnknownPackage = errors.New("unknown package")

// SplitOutput splits an output segment into the renderer name, a package
// and whether the MD5 checksum of the result is asked for:
// "suricata.tar.gz.md5" is ("suricata", "tar.gz", true).
func SplitOutput(segment string) (name, pkg string, checksum bool) {
	name, checksum = strings.CutSuffix(segment, ".md5")
	if n, ok := strings.CutSuffix(name, "."+PackageTarGz); ok {
		return n, PackageTarGz, checksum
	}
	return name, "", checksum
}

// ParseOutput is SplitOutput that also takes a plain list's name followed
// by its renderer's own Extension, some devices choosing a parser by the
// file name: "junos.txt" and "junos.txt.md5" name junos, served and cached
// as "junos" is (renderers.Registry.Resolve).
func (s *Service) ParseOutput(segment string) (name, pkg string, checksum bool) {
	name, pkg, checksum = SplitOutput(segment)
	if pkg == "" {
		name = s.opts.Renderers.Resolve(name)
	}
	return name, pkg, checksum
}

// MD5 returns the hex MD5 of the artifact's body, the content of a
// checksum URL, computed once.
func (a *Artifact) MD5() string {
	a.md5.once.Do(func() {
		sum := md5.Sum(a.Body) //nolint:gosec // see import
		a.md5.s = hex.EncodeToString(sum[:])
	})
	return a.md5.s
}

// packageTarGz wraps a rendered list and its companion files in a
// deterministic tar.gz: fixed modes and times, no gzip name or time.
func packageTarGz(ctx context.Context, rd renderers.Renderer, req renderers.Request, in iter.Seq[indicator.Indicator], list []byte) ([]byte, error) {
	info := rd.Info()
	files := []renderers.File{{Name: "cratos-" + sanitize(req.Feed) + "-" + sanitize(req.DataType) + info.Extension, Body: list}}
	if c, ok := rd.(renderers.Companioned); ok {
		// Render has reported the entries it left out already.
		req.Dropped = nil
		extra, err := c.Companions(ctx, req, in)
		if err != nil {
			return nil, err
		}
		files = append(files, extra...)
	}
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	tw := tar.NewWriter(zw)
	for _, f := range files {
		hdr := &tar.Header{Name: path.Join("rules", path.Base(f.Name)), Mode: 0o644, Size: int64(len(f.Body)),
			ModTime: req.Generated, Typeflag: tar.TypeReg, Format: tar.FormatPAX}
		if err := tw.WriteHeader(hdr); err != nil {
			return nil, fmt.Errorf("package: %w", err)
		}
		if _, err := tw.Write(f.Body); err != nil {
			return nil, fmt.Errorf("package: %w", err)
		}
	}
	if err := tw.Close(); err != nil {
		return nil, fmt.Errorf("package: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("package: %w", err)
	}
	return buf.Bytes(), nil
}

func sanitize(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			return r
		}
		return '_'
	}, s)
}
