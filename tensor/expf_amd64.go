package tensor

import "golang.org/x/sys/cpu"

// hasVecExp tells whether expBlocks runs AVX2/FMA code (as package blas does, features come
// from golang.org/x/sys/cpu, which also checks that the OS saves the YMM registers).
var hasVecExp = cpu.X86.HasAVX2 && cpu.X86.HasFMA

// expBlocksAVX2 is expfFast on eight lanes at a time, hand-written in assembly because Go has no
// portable SIMD and the scalar loop, at ~12 cycles an element, left float32 Exp ~25× behind
// PyTorch's vectorised kernel. See expf_amd64.s.
//
//go:noescape
func expBlocksAVX2(dst, src *float32, n, mode int) int

// expBlocks writes whole blocks of eight from the start of src and returns how many elements
// it wrote (see expBlocksAVX2).
func expBlocks(dst, src []float32, mode int) int {
	return expBlocksAVX2(&dst[0], &src[0], len(dst), mode)
}

// tanhBlocksAVX2 is tanhRowF32 on eight lanes at a time (see expf_amd64.s).
//
//go:noescape
func tanhBlocksAVX2(dst, src *float32, n int) int

// tanhBlocks writes whole blocks of eight from the start of src and returns how many elements
// it wrote: it stops at the first block holding a NaN.
func tanhBlocks(dst, src []float32) int { return tanhBlocksAVX2(&dst[0], &src[0], len(dst)) }
