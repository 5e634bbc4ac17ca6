package install

import (
	"bytes"
	"encoding/json"
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	spec, err := NewSpec("relative/gotensor")
	if err != nil {
		t.Fatal(err)
	}
	got, err := Write(filepath.Join(dir, "kernels"), spec)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(got, "kernel.json"))
	if err != nil {
		t.Fatal(err)
	}
	var s Spec
	if err := json.Unmarshal(b, &s); err != nil {
		t.Fatal(err)
	}
	if !filepath.IsAbs(s.Argv[0]) || s.Argv[1] != "kernel" || s.Argv[2] != "{connection_file}" ||
		s.DisplayName != "Go (gotensor)" || s.Language != "go" || s.InterruptMode != "message" {
		t.Errorf("kernel.json = %s", b)
	}
	for _, size := range []int{32, 64} {
		name := filepath.Join(got, map[int]string{32: "logo-32x32.png", 64: "logo-64x64.png"}[size])
		f, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(f))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if b := img.Bounds(); b.Dx() != size || b.Dy() != size {
			t.Errorf("%s is %v, want %dx%d", name, b, size, size)
		}
	}
}

func TestKernelsDirs(t *testing.T) {
	t.Setenv("JUPYTER_DATA_DIR", "/x/data")
	if d, _ := UserKernelsDir(); d != "/x/data/kernels" {
		t.Errorf("UserKernelsDir() = %s, want /x/data/kernels", d)
	}
	t.Setenv("JUPYTER_DATA_DIR", "")
	t.Setenv("XDG_DATA_HOME", "/x/xdg")
	if d, _ := UserKernelsDir(); d != "/x/xdg/jupyter/kernels" {
		t.Errorf("UserKernelsDir() = %s, want /x/xdg/jupyter/kernels", d)
	}
	if d, _ := PrefixKernelsDir("/opt/p"); d != "/opt/p/share/jupyter/kernels" {
		t.Errorf("PrefixKernelsDir(/opt/p) = %s", d)
	}
}
