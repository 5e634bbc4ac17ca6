package kernel

import (
	"encoding/json"
	"fmt"
	"net"
	"os"
	"strconv"
)

// ConnectionInfo is the content of a Jupyter connection file: where the five
// sockets live and how messages are signed.
type ConnectionInfo struct {
	Transport       string `json:"transport"` // "tcp" or "ipc"
	IP              string `json:"ip"`        // host for tcp, path prefix for ipc
	ShellPort       int    `json:"shell_port"`
	ControlPort     int    `json:"control_port"`
	StdinPort       int    `json:"stdin_port"`
	IOPubPort       int    `json:"iopub_port"`
	HBPort          int    `json:"hb_port"`
	Key             string `json:"key"`
	SignatureScheme string `json:"signature_scheme"`
	KernelName      string `json:"kernel_name,omitempty"`
}

// ReadConnectionFile reads and validates a connection file.
func ReadConnectionFile(path string) (*ConnectionInfo, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read connection file: %w", err)
	}
	var ci ConnectionInfo
	if err := json.Unmarshal(b, &ci); err != nil {
		return nil, fmt.Errorf("parse connection file %s: %w", path, err)
	}
	if err := ci.Validate(); err != nil {
		return nil, fmt.Errorf("connection file %s: %w", path, err)
	}
	return &ci, nil
}

// Validate checks the transport, address and ports, filling the defaults the
// Jupyter clients also assume (tcp, hmac-sha256).
func (ci *ConnectionInfo) Validate() error {
	if ci.Transport == "" {
		ci.Transport = "tcp"
	}
	if ci.SignatureScheme == "" {
		ci.SignatureScheme = "hmac-sha256"
	}
	switch ci.Transport {
	case "tcp":
		if net.ParseIP(ci.IP) == nil && ci.IP != "localhost" && ci.IP != "*" {
			return fmt.Errorf("ip %q is not an IP address", ci.IP)
		}
	case "ipc":
		if ci.IP == "" {
			return fmt.Errorf("ipc transport needs ip, the socket path prefix")
		}
	default:
		return fmt.Errorf("unknown transport %q (want tcp or ipc)", ci.Transport)
	}
	for _, p := range []struct {
		name string
		port int
	}{
		{"shell_port", ci.ShellPort}, {"control_port", ci.ControlPort}, {"stdin_port", ci.StdinPort},
		{"iopub_port", ci.IOPubPort}, {"hb_port", ci.HBPort},
	} {
		if p.port < 0 || p.port > 65535 || (ci.Transport == "tcp" && p.port == 0) {
			return fmt.Errorf("%s %d out of range", p.name, p.port)
		}
	}
	return nil
}

// endpoint returns the ZeroMQ endpoint of one port, in the guarded transports
// this package registers (see transport.go).
func (ci *ConnectionInfo) endpoint(port int) string {
	if ci.Transport == "ipc" {
		return guardedIPC + "://" + ci.IP + "-" + strconv.Itoa(port)
	}
	host := ci.IP
	if host == "*" {
		host = "0.0.0.0"
	}
	return guardedTCP + "://" + net.JoinHostPort(host, strconv.Itoa(port))
}
