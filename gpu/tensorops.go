package gpu

import (
	_ "embed"
	"errors"
	"fmt"
)

//go:generate go run ptx/gen_tensor.go -o ptx/tensor.ll
//go:generate llc -O3 -march=nvptx64 -mcpu=sm_50 ptx/tensor.ll -o ptx/tensor.ptx

// tensorPTX holds the strided kernels behind package tensor's CUDA ops, generated as LLVM IR by
// ptx/gen_tensor.go and compiled to PTX by LLVM's NVPTX backend.
//
//go:embed ptx/tensor.ptx
var tensorPTX string

// MaxDims is the most dimensions the strided kernels walk. Dimensions that are contiguous in
// every operand are merged first, so most views of more dimensions still fit.
const MaxDims = 6

// DType is an element type of the strided kernels. Bool is one byte holding 0 or 1, like Go's
// bool.
type DType int8

// The element types of the strided kernels.
const (
	F32 DType = iota
	F64
	I64
	I32
	Bool
)

var dtypeNames = [...]string{"f32", "f64", "i64", "i32", "bool"}

// String returns the kernels' name for d, such as "f32".
func (d DType) String() string {
	if d < 0 || int(d) >= len(dtypeNames) {
		return fmt.Sprintf("DType(%d)", int8(d))
	}
	return dtypeNames[d]
}

// Size is the size of one element in bytes.
func (d DType) Size() int64 { return [...]int64{4, 8, 8, 4, 1}[d] }

func (d DType) valid() bool { return d >= F32 && d <= Bool }

// Operand is a strided view of a buffer's elements: element i of a shape-indexed walk sits at
// Offset + Σ index[d]·Strides[d] (in elements). A stride of 0 broadcasts. Strides must be
// non-negative and have one entry per dimension of the shape walked.
type Operand struct {
	Buf     *Buffer
	Offset  int64
	Strides []int64
}

// BinaryOp selects the operation of Binary. The codes are the kernels' own (ptx/gen_tensor.go).
type BinaryOp int32

// Binary operations: out = a op b; Axpy is out = a + alpha·b. Div is for floating types only.
// Maximum and Minimum propagate NaN.
const (
	Add BinaryOp = iota
	Sub
	Mul
	Div
	Maximum
	Minimum
	Axpy
)

// CompareOp selects the comparison of Compare.
type CompareOp int32

// Comparisons; the result is Bool. Ne is true for NaN operands, the others false.
const (
	Eq CompareOp = iota
	Ne
	Lt
	Le
	Gt
	Ge
)

// UnaryOp selects the operation of Unary.
type UnaryOp int32

// Unary operations. Clamp limits to [alpha, beta]; Fill writes alpha and reads no input. Exp,
// Log, Tanh and Sigmoid exist for F32 only (PTX's approximate ex2/lg2, relative error about
// 2⁻²¹); Sqrt for F32 and F64 (correctly rounded). Bool supports Copy and Fill only; integer
// types everything up to Fill.
const (
	Copy UnaryOp = iota
	Neg
	Abs
	ReLU
	Sign
	Clamp
	Fill
	Exp
	Log
	Sqrt
	Tanh
	Sigmoid
)

var unaryNames = [...]string{"copy", "neg", "abs", "relu", "sign", "clamp", "fill", "exp", "log", "sqrt", "tanh", "sigmoid"}

// String returns the operation's name, such as "exp".
func (op UnaryOp) String() string {
	if op < 0 || int(op) >= len(unaryNames) {
		return fmt.Sprintf("UnaryOp(%d)", int32(op))
	}
	return unaryNames[op]
}

// ReduceOp selects the reduction of Reduce.
type ReduceOp int32

// Reductions over each row: Sum (float32 accumulates in float64), Max and Min (the first NaN
// wins), ArgMax and ArgMin (the first extreme or NaN; the result is I64).
const (
	Sum ReduceOp = iota
	Max
	Min
	ArgMax
	ArgMin
)

// UnarySupported reports whether Unary has a kernel for op on dt.
func UnarySupported(op UnaryOp, dt DType) bool {
	switch {
	case !dt.valid() || op < Copy || op > Sigmoid:
		return false
	case dt == Bool:
		return op == Copy || op == Fill
	case dt == I64 || dt == I32:
		return op <= Fill
	case dt == F64:
		return op <= Fill || op == Sqrt
	}
	return true
}

// Binary computes out = a op b (Axpy: a + alpha·b) elementwise over shape, in dt. out may be
// a itself (the same elements in the same layout); any other overlap between out and an input
// is the caller's to avoid. The work is queued on the device's default stream.
func Binary(op BinaryOp, dt DType, alpha float64, shape []int, out, a, b Operand) error {
	if op < Add || op > Axpy || !dt.valid() || dt == Bool || (op == Div && (dt == I64 || dt == I32)) {
		return fmt.Errorf("gpu.Binary: no kernel for op %d on %v", op, dt)
	}
	return launchMap("map_binary_"+dt.String(), int32(op), alpha, 0, shape, []Operand{out, a, b}, []DType{dt, dt, dt})
}

// Compare writes the Bool result of a op b over shape, comparing in dt.
func Compare(op CompareOp, dt DType, shape []int, out, a, b Operand) error {
	if op < Eq || op > Ge || !dt.valid() || dt == Bool {
		return fmt.Errorf("gpu.Compare: no kernel for op %d on %v", op, dt)
	}
	return launchMap("map_compare_"+dt.String(), int32(op), 0, 0, shape, []Operand{out, a, b}, []DType{Bool, dt, dt})
}

// Unary writes op(a) over shape into out, in dt; alpha and beta are Clamp's bounds and Fill's
// value (alpha). For Fill, a is not read and may be out itself.
func Unary(op UnaryOp, dt DType, alpha, beta float64, shape []int, out, a Operand) error {
	if !UnarySupported(op, dt) {
		return fmt.Errorf("gpu.Unary: %v is not implemented for %v CUDA tensors yet", op, dt)
	}
	return launchMap("map_unary_"+dt.String(), int32(op), alpha, beta, shape, []Operand{out, a, a}, []DType{dt, dt, dt})
}

// Cast writes a converted from one dtype to another over shape into out, with Go's conversion
// rules (to Bool: non-zero is true).
func Cast(from, to DType, shape []int, out, a Operand) error {
	if !from.valid() || !to.valid() {
		return fmt.Errorf("gpu.Cast: no kernel from %v to %v", from, to)
	}
	if from == to {
		return Unary(Copy, to, 0, 0, shape, out, a)
	}
	return launchMap("map_cast_"+from.String()+"_"+to.String(), 0, 0, 0, shape, []Operand{out, a, a}, []DType{to, from, from})
}

// Reduce writes op over each of outer rows of m contiguous elements of dt, starting at element
// aOffset of a, into the first outer elements of out (I64 for ArgMax and ArgMin, else dt). Max,
// Min, ArgMax and ArgMin need m ≥ 1. One thread reduces one row.
func Reduce(op ReduceOp, dt DType, out, a *Buffer, aOffset int64, outer, m int) error {
	if op < Sum || op > ArgMin || !dt.valid() || dt == Bool {
		return fmt.Errorf("gpu.Reduce: no kernel for op %d on %v", op, dt)
	}
	if outer < 0 || m < 0 || aOffset < 0 || (m == 0 && op != Sum) {
		return fmt.Errorf("gpu.Reduce: bad shape: %d rows of %d at offset %d", outer, m, aOffset)
	}
	outDT, name, code := dt, "reduce_"+dt.String(), int32(op)
	if op == ArgMax || op == ArgMin {
		outDT, name, code = I64, "argreduce_"+dt.String(), int32(op-ArgMax)
	}
	if err := sameDevice(outDT.Size()*int64(outer), out); err != nil {
		return fmt.Errorf("gpu.Reduce: out: %w", err)
	}
	if err := sameDevice(dt.Size()*(aOffset+int64(outer)*int64(m)), a); err != nil {
		return fmt.Errorf("gpu.Reduce: input: %w", err)
	}
	if a.ordinal != out.ordinal {
		return fmt.Errorf("gpu.Reduce: input on cuda:%d, out on cuda:%d", a.ordinal, out.ordinal)
	}
	if outer == 0 {
		return nil
	}
	k, err := moduleKernel(out.ordinal, "tensor", tensorPTX, name)
	if err != nil {
		return fmt.Errorf("gpu.Reduce: %w", err)
	}
	return k.Launch(gridFor(out.ordinal, int64(outer)), Dim3{X: elementwiseBlock}, 0, out, a, aOffset, int64(outer), int64(m), code)
}

// mapPlan is a map kernel's walk after merging dimensions: n elements over shape (padded with
// leading 1s to MaxDims), and per operand its offset and strides.
type mapPlan struct {
	n       int64
	shape   [MaxDims]int64
	offsets []int64
	strides [][MaxDims]int64
}

// planMap merges dims that are contiguous in every operand, drops size-1 dims, pads to
// MaxDims, and checks every operand's reach against its buffer; it calls no driver.
func planMap(shape []int, ops []Operand, dts []DType) (*mapPlan, error) {
	n := int64(1)
	for _, s := range shape {
		if s < 0 {
			return nil, fmt.Errorf("negative size in shape %v", shape)
		}
		n *= int64(s)
	}
	for i, o := range ops {
		if o.Buf == nil {
			return nil, fmt.Errorf("operand %d: nil buffer", i)
		}
		if len(o.Strides) != len(shape) {
			return nil, fmt.Errorf("operand %d: %d strides for %d dims", i, len(o.Strides), len(shape))
		}
		if o.Offset < 0 {
			return nil, fmt.Errorf("operand %d: negative offset %d", i, o.Offset)
		}
		for _, st := range o.Strides {
			if st < 0 {
				return nil, fmt.Errorf("operand %d: negative stride in %v", i, o.Strides)
			}
		}
		if o.Buf.ordinal != ops[0].Buf.ordinal {
			return nil, fmt.Errorf("operand %d on cuda:%d, output on cuda:%d", i, o.Buf.ordinal, ops[0].Buf.ordinal)
		}
	}
	p := &mapPlan{n: n, offsets: make([]int64, len(ops)), strides: make([][MaxDims]int64, len(ops))}
	for i, o := range ops {
		p.offsets[i] = o.Offset
		reach := o.Offset + 1
		for d, s := range shape {
			if s > 0 {
				reach += int64(s-1) * o.Strides[d]
			}
		}
		need := reach * dts[i].Size()
		if n == 0 {
			need = 0
		}
		if _, err := o.Buf.devicePtr(need); err != nil {
			return nil, fmt.Errorf("operand %d: %w", i, err)
		}
	}
	if n == 0 {
		return p, nil
	}
	// Merge: keep dims of size > 1; fold dim d into the kept dim before it when every operand
	// has stride[prev] == stride[d]·size[d].
	type dim struct {
		size    int64
		strides []int64
	}
	var dims []dim
	for d, s := range shape {
		if s == 1 {
			continue
		}
		st := make([]int64, len(ops))
		for i, o := range ops {
			st[i] = o.Strides[d]
		}
		if k := len(dims) - 1; k >= 0 {
			merge := true
			for i := range ops {
				if dims[k].strides[i] != st[i]*int64(s) {
					merge = false
					break
				}
			}
			if merge {
				dims[k].size *= int64(s)
				dims[k].strides = st
				continue
			}
		}
		dims = append(dims, dim{int64(s), st})
	}
	if len(dims) > MaxDims {
		return nil, fmt.Errorf("a strided walk over %d dimensions (after merging contiguous ones) exceeds the kernels' %d", len(dims), MaxDims)
	}
	pad := MaxDims - len(dims)
	for d := range p.shape {
		p.shape[d] = 1
	}
	for d, dm := range dims {
		p.shape[pad+d] = dm.size
		for i := range ops {
			p.strides[i][pad+d] = dm.strides[i]
		}
	}
	return p, nil
}

// args lays the plan out as a map kernel's parameters (see ptx/gen_tensor.go): out, a, b, n,
// op, alpha, beta, the three offsets, then the shape and each operand's strides.
func (p *mapPlan) args(bufs [3]*Buffer, op int32, alpha, beta float64) []any {
	args := []any{bufs[0], bufs[1], bufs[2], p.n, op, alpha, beta, p.offsets[0], p.offsets[1], p.offsets[2]}
	for _, s := range p.shape {
		args = append(args, s)
	}
	for i := 0; i < 3; i++ {
		for _, s := range p.strides[i] {
			args = append(args, s)
		}
	}
	return args
}

var errNoOperands = errors.New("a map kernel needs an output and two inputs")

// launchMap plans and launches the map kernel name over shape.
func launchMap(name string, op int32, alpha, beta float64, shape []int, ops []Operand, dts []DType) error {
	if len(ops) != 3 || len(dts) != 3 {
		return fmt.Errorf("%s: %w", name, errNoOperands)
	}
	p, err := planMap(shape, ops, dts)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if p.n == 0 {
		return nil
	}
	ordinal := ops[0].Buf.ordinal
	k, err := moduleKernel(ordinal, "tensor", tensorPTX, name)
	if err != nil {
		return err
	}
	return k.Launch(gridFor(ordinal, p.n), Dim3{X: elementwiseBlock}, 0, p.args([3]*Buffer{ops[0].Buf, ops[1].Buf, ops[2].Buf}, op, alpha, beta)...)
}
