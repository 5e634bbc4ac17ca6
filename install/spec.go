package install

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// KernelName is the directory name of the kernelspec, what clients pass as
// kernel_name.
const KernelName = "gotensor"

// Spec is the content of kernel.json.
type Spec struct {
	Argv          []string          `json:"argv"`
	DisplayName   string            `json:"display_name"`
	Language      string            `json:"language"`
	InterruptMode string            `json:"interrupt_mode"`
	Env           map[string]string `json:"env,omitempty"`
	Metadata      map[string]any    `json:"metadata,omitempty"`
}

// NewSpec returns the kernelspec that starts binary (made absolute) as
// `binary kernel {connection_file}`.
func NewSpec(binary string) (Spec, error) {
	abs, err := filepath.Abs(binary)
	if err != nil {
		return Spec{}, fmt.Errorf("kernelspec: absolute path of %s: %w", binary, err)
	}
	return Spec{
		Argv:          []string{abs, "kernel", "{connection_file}"},
		DisplayName:   "Go (gotensor)",
		Language:      "go",
		InterruptMode: "message",
	}, nil
}

// Write writes the kernelspec directory kernelsDir/gotensor (kernel.json,
// logo-32x32.png, logo-64x64.png) and returns its path.
func Write(kernelsDir string, spec Spec) (string, error) {
	dir := filepath.Join(kernelsDir, KernelName)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("kernelspec: %w", err)
	}
	b, err := json.MarshalIndent(spec, "", "  ")
	if err != nil {
		return "", fmt.Errorf("kernelspec: encode kernel.json: %w", err)
	}
	files := map[string][]byte{"kernel.json": append(b, '\n')}
	for _, size := range []int{32, 64} {
		png, err := Logo(size)
		if err != nil {
			return "", fmt.Errorf("kernelspec: draw logo: %w", err)
		}
		files[fmt.Sprintf("logo-%dx%d.png", size, size)] = png
	}
	for name, data := range files {
		if err := writeAtomic(filepath.Join(dir, name), data); err != nil {
			return "", fmt.Errorf("kernelspec: %w", err)
		}
	}
	return dir, nil
}

// writeAtomic replaces path with data so that a reader never sees half a file.
func writeAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-"+filepath.Base(path))
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// UserKernelsDir is the kernels directory of the user's Jupyter data directory.
func UserKernelsDir() (string, error) {
	if d := os.Getenv("JUPYTER_DATA_DIR"); d != "" {
		return filepath.Join(d, "kernels"), nil
	}
	if d := os.Getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "jupyter", "kernels"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("user kernels directory: %w", err)
	}
	return filepath.Join(home, ".local", "share", "jupyter", "kernels"), nil
}

// PrefixKernelsDir is the kernels directory under an installation prefix.
func PrefixKernelsDir(prefix string) (string, error) {
	abs, err := filepath.Abs(prefix)
	if err != nil {
		return "", fmt.Errorf("prefix %s: %w", prefix, err)
	}
	return filepath.Join(abs, "share", "jupyter", "kernels"), nil
}

// SysPrefixKernelsDir is the kernels directory of the Python environment that
// runs the `jupyter` command found on PATH (its sys.prefix).
func SysPrefixKernelsDir() (string, error) {
	python, err := jupyterPython()
	if err != nil {
		return "", err
	}
	out, err := exec.Command(python, "-c", "import sys; print(sys.prefix)").Output()
	if err != nil {
		return "", fmt.Errorf("sys.prefix of %s: %w", python, err)
	}
	return PrefixKernelsDir(strings.TrimSpace(string(out)))
}

// jupyterPython returns the interpreter named in the `jupyter` script's
// shebang line, the Python whose sys.prefix Jupyter searches.
func jupyterPython() (string, error) {
	j, err := exec.LookPath("jupyter")
	if err != nil {
		return "", fmt.Errorf("--sys-prefix needs the jupyter command on PATH: %w", err)
	}
	b, err := os.ReadFile(j)
	if err != nil {
		return "", fmt.Errorf("read %s: %w", j, err)
	}
	line, _, _ := strings.Cut(string(b), "\n")
	if !strings.HasPrefix(line, "#!") {
		return "", errors.New(j + " is not a Python script")
	}
	fields := strings.Fields(strings.TrimPrefix(line, "#!"))
	if len(fields) == 0 {
		return "", errors.New(j + " has an empty shebang line")
	}
	if filepath.Base(fields[0]) == "env" && len(fields) > 1 {
		return exec.LookPath(fields[1])
	}
	return fields[0], nil
}
