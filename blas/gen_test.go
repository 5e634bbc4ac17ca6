package blas

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestGeneratedAssemblyIsCurrent checks that kernel_amd64.s is what asm_gen.go writes today.
func TestGeneratedAssemblyIsCurrent(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs asm_gen.go")
	}
	out := filepath.Join(t.TempDir(), "kernel_amd64.s")
	if msg, err := exec.Command("go", "run", "asm_gen.go", "-o", out).CombinedOutput(); err != nil {
		t.Fatalf("go run asm_gen.go: %v\n%s", err, msg)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("kernel_amd64.s")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Error("kernel_amd64.s differs from asm_gen.go's output: run go generate ./blas")
	}
}
