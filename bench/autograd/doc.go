// Package autogradbench measures gotensor's autograd against PyTorch: Go benchmarks of an MLP
// training step (784-256-10, batch 256, float32: forward, backward and an SGD step) and of the
// per-op overhead of a 1,000-op chain on a 1-element tensor, plus compare.py, which runs the
// same work in Debian's python3-torch in the same run and prints a table of medians and ratios.
//
//	go test -run '^$' -bench . ./bench/autograd
//	/usr/bin/python3 bench/autograd/compare.py
package autogradbench
