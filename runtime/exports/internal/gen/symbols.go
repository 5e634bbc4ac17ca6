package gen

import (
	"bytes"
	"fmt"
	"go/format"
	"regexp"
	"strings"

	"github.com/traefik/yaegi/extract"
)

// buildTags matches the version constraint yaegi's extractor stamps with
// the Go release that ran it; the tables here do not depend on it, so it is
// removed and the output is the same under any toolchain.
var buildTags = regexp.MustCompile(`(?m)^//go:build .*\n(// \+build .*\n)?\n?`)

// Symbols returns the file name and contents of one package's symbol table,
// as yaegi's extractor writes it, in package exports.
func Symbols(path string) (name string, src []byte, err error) {
	ext := extract.Extractor{Dest: "exports"}
	var buf bytes.Buffer
	importPath, err := ext.Extract(path, "", &buf)
	if err != nil {
		return "", nil, fmt.Errorf("extract %s: %w", path, err)
	}
	out := buildTags.ReplaceAll(buf.Bytes(), nil)
	if out, err = format.Source(out); err != nil {
		return "", nil, fmt.Errorf("format symbols of %s: %w", path, err)
	}
	r := strings.NewReplacer("/", "-", ".", "_", "~", "_")
	return r.Replace(importPath) + ".go", out, nil
}
