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
// Nothing a peer sends may stop the kernel. zmq4 v0.17.0 trusts its peers, so
// every socket listens through a guarded transport (transport.go) that reads
// ahead of zmq4 and closes a connection that declares a frame or message
// longer than [Options.MaxMessageSize], sends a ZMTP command zmq4's parser
// would crash on, stalls its handshake past [Options.HandshakeTimeout], or
// takes in nothing for [Options.WriteTimeout] (one stuck iopub subscriber
// would otherwise stall all of them). Messages with a missing or wrong
// signature are logged and dropped; signed requests whose JSON is bad get an
// error reply; unknown message types are logged; panics inside handlers and
// inside the evaluator are recovered and reported. A result or display whose
// MIME bundle holds a value JSON cannot encode (+Inf, a func) is sent without
// that entry, with a stderr line saying which and why (bundle.go). The key is
// never logged.
// Only the five endpoints of the connection file are bound; a stale ipc
// socket file left by a killed kernel is replaced, as libzmq does.
//
// # Performance
//
// The guarded transport also buffers: zmq4 would otherwise make about thirty
// system calls per Jupyter message. Stream text is coalesced for
// [Options.StreamFlushInterval] (5 ms), so 10,000 printed lines travel as a
// few stream messages, in order. See bench_test.go and bench/kernel.
package kernel
