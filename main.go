// Command gotensor is a Jupyter kernel for Go tensor notebooks.
//
//	gotensor kernel CONNECTION_FILE     run the kernel (Jupyter starts it so)
//	gotensor install [--user | --sys-prefix | --prefix DIR]
//	                                    install the kernelspec (default --user)
//	gotensor version                    print the version
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	goruntime "runtime"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"gotensor/install"
	"gotensor/kernel"
	"gotensor/runtime"
)

// version is set at build time with -ldflags "-X main.version=..."; otherwise
// it comes from the module's build information.
var version = ""

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "gotensor:", err)
		if errors.Is(err, errUsage) {
			os.Exit(2)
		}
		os.Exit(1)
	}
}

var errUsage = errors.New("usage: gotensor kernel CONNECTION_FILE | gotensor install [--user | --sys-prefix | --prefix DIR] | gotensor version")

func run(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return errUsage
	}
	switch args[0] {
	case "kernel":
		if len(args) != 2 {
			return errUsage
		}
		return runKernel(args[1])
	case "install":
		return runInstall(args[1:], stdout, stderr)
	case "version", "--version", "-version":
		fmt.Fprintf(stdout, "gotensor %s (%s)\n", versionString(), goruntime.Version())
		return nil
	case "help", "-h", "--help":
		fmt.Fprintln(stdout, errUsage.Error())
		return nil
	}
	return errUsage
}

func versionString() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		if v := bi.Main.Version; v != "" && v != "(devel)" {
			return v
		}
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				return "dev-" + s.Value[:12]
			}
		}
	}
	return "dev"
}

func runInstall(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("install", flag.ContinueOnError)
	fs.SetOutput(stderr)
	user := fs.Bool("user", false, "install for the current user (the default)")
	sysPrefix := fs.Bool("sys-prefix", false, "install into the Python environment that runs jupyter")
	prefix := fs.String("prefix", "", "install under `DIR`/share/jupyter/kernels")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	chosen := 0
	for _, b := range []bool{*user, *sysPrefix, *prefix != ""} {
		if b {
			chosen++
		}
	}
	if chosen > 1 || fs.NArg() > 0 {
		return fmt.Errorf("install takes one of --user, --sys-prefix, --prefix DIR: %w", errUsage)
	}
	var dir string
	var err error
	switch {
	case *prefix != "":
		dir, err = install.PrefixKernelsDir(*prefix)
	case *sysPrefix:
		dir, err = install.SysPrefixKernelsDir()
	default:
		dir, err = install.UserKernelsDir()
	}
	if err != nil {
		return err
	}
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("locate the gotensor binary: %w", err)
	}
	if strings.Contains(exe, string(filepath.Separator)+"go-build") {
		fmt.Fprintf(stderr, "gotensor: warning: %s is a temporary `go run` binary; build with `go build` and install from that\n", exe)
	}
	spec, err := install.NewSpec(exe)
	if err != nil {
		return err
	}
	path, err := install.Write(dir, spec)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Installed kernelspec %s in %s\n", install.KernelName, path)
	if _, err := exec.LookPath("jupyter"); err != nil {
		fmt.Fprintln(stdout, "(jupyter is not on PATH; install Debian's jupyter-notebook or python3-jupyter-client to use it)")
	}
	return nil
}

// switchWriter is the kernel's log: the process's stderr until the runtime
// captures fds 1 and 2, then the runtime's LogOutput (the saved real stderr).
type switchWriter struct{ w atomic.Pointer[io.Writer] }

func newSwitchWriter(w io.Writer) *switchWriter {
	s := &switchWriter{}
	s.set(w)
	return s
}

func (s *switchWriter) set(w io.Writer) { s.w.Store(&w) }

func (s *switchWriter) Write(p []byte) (int, error) { return (*s.w.Load()).Write(p) }

func runKernel(connectionFile string) error {
	ci, err := kernel.ReadConnectionFile(connectionFile)
	if err != nil {
		return err
	}
	logw := newSwitchWriter(os.Stderr)
	ev := &evaluator{ready: make(chan struct{})}
	k, err := kernel.New(ci, ev, kernel.Options{
		Log:                   logw,
		LanguageInfo:          goLanguageInfo(),
		Banner:                fmt.Sprintf("gotensor %s — Go %s tensor notebooks (yaegi)", versionString(), goruntime.Version()),
		ImplementationVersion: versionString(),
		HelpLinks: []kernel.HelpLink{
			{Text: "Go documentation", URL: "https://go.dev/doc/"},
			{Text: "Go standard library", URL: "https://pkg.go.dev/std"},
			{Text: "gonum", URL: "https://pkg.go.dev/gonum.org/v1/gonum"},
		},
	})
	if err != nil {
		return err
	}
	// Bind first so that clients connecting right after the process starts
	// find the sockets (a ZeroMQ client that finds nothing retries only
	// after 100 ms); the interpreter starts while they connect.
	if err := k.Listen(); err != nil {
		return err
	}
	ev.start(logw)
	// SIGINT interrupts the running cell (Jupyter's signal interrupt mode and
	// a Ctrl-C in a terminal); SIGTERM shuts down cleanly.
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		for s := range sigs {
			if s == os.Interrupt {
				k.Interrupt()
			} else {
				k.Shutdown(false)
			}
		}
	}()
	// A kernel whose front end died (killed, crashed) would otherwise run on, a runaway cell
	// spinning forever. Like ipykernel, poll for the parent's death when Jupyter says who the
	// parent is (JPY_PARENT_PID, set by jupyter_client's launcher).
	if os.Getenv("JPY_PARENT_PID") != "" {
		go watchParent(os.Getppid(), os.Getppid, time.Second, func() {
			fmt.Fprintln(logw, "gotensor: the process that started the kernel is gone; shutting down")
			k.Shutdown(false)
		})
	}
	if _, err := k.Run(context.Background()); err != nil {
		return err
	}
	return nil
}

// watchParent calls gone once getppid stops returning parent (the parent died and the kernel
// was re-parented), checking every interval.
func watchParent(parent int, getppid func() int, interval time.Duration, gone func()) {
	for {
		time.Sleep(interval)
		if getppid() != parent {
			gone()
			return
		}
	}
}

func goLanguageInfo() kernel.LanguageInfo {
	return kernel.LanguageInfo{
		Name:           "go",
		Version:        strings.TrimPrefix(goruntime.Version(), "go"), // "go1.26.8" → "1.26.8"
		MIMEType:       "text/x-go",
		FileExtension:  ".go",
		PygmentsLexer:  "go",
		CodemirrorMode: "go",
	}
}

// evaluator adapts gotensor's runtime to kernel.Evaluator. The runtime
// session starts on its own goroutine while the kernel binds its sockets, so
// kernel_info is answered at once; the first cell waits for the session.
type evaluator struct {
	ready chan struct{} // closed once sess/err are set
	sess  *runtime.Session
	err   error

	closeOnce sync.Once
}

var (
	_ kernel.Evaluator           = (*evaluator)(nil)
	_ kernel.Completer           = (*evaluator)(nil)
	_ kernel.Inspector           = (*evaluator)(nil)
	_ kernel.CompletenessChecker = (*evaluator)(nil)
	_ kernel.Closer              = (*evaluator)(nil)
	_ runtime.Output             = kernel.Output(nil) // the kernel's Output is the runtime's
)

// start creates the runtime session on its own goroutine.
func (e *evaluator) start(logw *switchWriter) {
	go func() {
		defer close(e.ready)
		s, err := runtime.New(runtime.Options{})
		if err != nil {
			e.err = fmt.Errorf("starting the Go runtime: %w", err)
			fmt.Fprintln(logw, "gotensor:", e.err)
			return
		}
		logw.set(s.LogOutput())
		e.sess = s
	}()
}

func (e *evaluator) session() (*runtime.Session, error) {
	<-e.ready
	return e.sess, e.err
}

func (e *evaluator) Execute(ctx context.Context, code string, out kernel.Output) (*kernel.Result, error) {
	s, err := e.session()
	if err != nil {
		return nil, &kernel.ExecError{Name: "RuntimeUnavailable", Value: err.Error()}
	}
	res, err := s.Execute(ctx, code, out)
	if err != nil {
		var ce *runtime.CellError
		if errors.As(err, &ce) {
			return nil, &kernel.ExecError{Name: ce.Name, Value: ce.Value, Traceback: ce.Traceback}
		}
		return nil, err
	}
	if res == nil {
		return nil, nil
	}
	return &kernel.Result{Data: res.Data, Metadata: res.Metadata}, nil
}

func (e *evaluator) Complete(code string, cursor int) ([]string, int, int) {
	s, err := e.session()
	if err != nil {
		return nil, cursor, cursor
	}
	return s.Complete(code, cursor)
}

func (e *evaluator) Inspect(code string, cursor, detailLevel int) (map[string]any, bool) {
	s, err := e.session()
	if err != nil {
		return nil, false
	}
	return s.Inspect(code, cursor, detailLevel)
}

func (e *evaluator) IsComplete(code string) (string, string) {
	s, err := e.session()
	if err != nil {
		return "unknown", ""
	}
	return s.IsComplete(code)
}

func (e *evaluator) Close() error {
	s, err := e.session()
	if err != nil {
		return nil
	}
	var cerr error
	e.closeOnce.Do(func() { cerr = s.Close() })
	return cerr
}
