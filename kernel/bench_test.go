package kernel_test

import (
	"testing"

	"gotensor/kernel"
)

// BenchmarkExecuteToIdle measures one trivial execute_request from a real
// zmq4 peer until its idle status arrives on iopub and its reply on shell,
// with the fake evaluator: the kernel's own protocol cost per cell.
func BenchmarkExecuteToIdle(b *testing.B) {
	p, _, _ := startKernel(b, "tcp", kernel.Options{})
	c := map[string]any{"code": "", "silent": false, "store_history": true, "user_expressions": map[string]any{}, "allow_stdin": false, "stop_on_error": true}
	b.ResetTimer()
	for range b.N {
		id := p.send("shell", "execute_request", c)
		p.iopubUntilIdle(id)
		p.reply("shell", id)
	}
}

// BenchmarkKernelInfo measures a kernel_info_request → reply round trip on shell.
func BenchmarkKernelInfo(b *testing.B) {
	p, _, _ := startKernel(b, "tcp", kernel.Options{})
	b.ResetTimer()
	for range b.N {
		id := p.send("shell", "kernel_info_request", map[string]any{})
		p.reply("shell", id)
	}
}
