package blas

import "golang.org/x/sys/cpu"

// coreType picks the OPENBLAS_CORETYPE matching this CPU's instruction sets, or "" to let
// OpenBLAS detect it. OpenBLAS's own detection keys on vendor and model numbers and, in Debian's
// 0.3.21, falls back to "Prescott" (SSE3 kernels) on CPUs it does not know, such as AVX-512 AMD
// EPYC; choosing by feature bits instead picks the widest kernels the CPU (and OS) can run.
// The names are the DYNAMIC_ARCH cores Debian's build contains.
func coreType() string {
	x := cpu.X86
	switch {
	case x.HasAVX512F && x.HasAVX512BW && x.HasAVX512DQ && x.HasAVX512VL && x.HasAVX512CD && x.HasAVX512BF16:
		return "Cooperlake"
	case x.HasAVX512F && x.HasAVX512BW && x.HasAVX512DQ && x.HasAVX512VL && x.HasAVX512CD:
		return "SkylakeX"
	case x.HasAVX2 && x.HasFMA:
		return "Haswell"
	case x.HasAVX:
		return "Sandybridge"
	}
	return ""
}
