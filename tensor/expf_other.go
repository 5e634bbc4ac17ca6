//go:build !amd64

package tensor

// hasVecExp is false where no vector kernel exists: the scalar loops do all the work.
const hasVecExp = false

func expBlocks(dst, src []float32, mode int) int { return 0 }

func tanhBlocks(dst, src []float32) int { return 0 }
