// Package kernel speaks the Jupyter messaging protocol (version 5.4) over ZeroMQ
// so that any Jupyter client — Notebook, JupyterLab, nbclient, the console — can
// drive a code evaluator.
//
// The package knows nothing of Go evaluation or tensors. It reads a connection
// file, binds the five sockets it names (shell, control and stdin ROUTER, iopub
// PUB, heartbeat REP) with github.com/go-zeromq/zmq4, verifies and signs every
// message with HMAC, and dispatches requests to an [Evaluator]. Optional
// abilities of the evaluator (completion, inspection, completeness checks) are
// separate interfaces found by type assertion.
//
// # Concurrency
//
// Each socket has its own goroutine: the heartbeat echoes on its own, control
// (kernel_info, shutdown, interrupt) is answered while a cell runs, and shell
// requests other than execute_request (complete, inspect, is_complete,
// kernel_info, history, comm_*) are answered by the shell goroutine at once.
// execute_request messages queue in arrival order and run one at a time on a
// single executor goroutine. Because completion and inspection run beside a
// running cell, an evaluator's optional methods must be safe to call
// concurrently with Execute.
//
// # Robustness
//
// Nothing a peer sends may stop the kernel: frames longer than
// [Options.MaxMessageSize] close that connection, a peer that opens a
// connection but never completes the ZMTP handshake is dropped after a
// timeout, messages with a missing or wrong signature are logged and dropped,
// undecodable JSON gets logged (and answered with an error reply where a reply
// is possible), and unknown message types are logged. Panics inside handlers
// and inside the evaluator are recovered and reported. The key is never logged.
package kernel
