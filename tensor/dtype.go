package tensor

import "fmt"

// DType is the element type of a tensor. A DType is also an Option for constructors:
// tensor.Zeros(2, 3, tensor.Float64)... (see Option).
type DType int8

// The supported dtypes. Undefined is the zero value and is never a tensor's dtype.
const (
	Undefined DType = iota
	Bool
	Int32
	Int64
	Float32
	Float64
)

// DefaultFloat is the dtype of floating tensors made from Go float64 values, like PyTorch's
// default dtype.
const DefaultFloat = Float32

var dtypeNames = [...]string{"undefined", "torch.bool", "torch.int32", "torch.int64", "torch.float32", "torch.float64"}

// String returns PyTorch's spelling, such as "torch.float32".
func (d DType) String() string {
	if d < 0 || int(d) >= len(dtypeNames) {
		return fmt.Sprintf("DType(%d)", int(d))
	}
	return dtypeNames[d]
}

// IsFloat reports whether d is a floating dtype.
func (d DType) IsFloat() bool { return d == Float32 || d == Float64 }

// IsInt reports whether d is an integral dtype (not Bool).
func (d DType) IsInt() bool { return d == Int32 || d == Int64 }

// Size returns the size of one element in bytes.
func (d DType) Size() int {
	switch d {
	case Bool:
		return 1
	case Int32, Float32:
		return 4
	}
	return 8
}

func (d DType) apply(c *config) { c.dtype = d }

// PromoteTypes returns the smallest dtype both a and b convert to without losing their kind:
// bool < int32 < int64 < float32 < float64 (PyTorch's promote_types for these dtypes).
func PromoteTypes(a, b DType) DType {
	if a == Undefined {
		return b
	}
	if b == Undefined {
		return a
	}
	if a.IsFloat() || b.IsFloat() {
		if a == Float64 || b == Float64 {
			return Float64
		}
		return Float32
	}
	return max(a, b)
}

// category orders bool < integral < floating, the kinds PyTorch's type promotion compares.
func category(d DType) int {
	switch {
	case d == Bool:
		return 1
	case d.IsInt():
		return 2
	case d.IsFloat():
		return 3
	}
	return 0
}

// promoteState is c10's ResultTypeState: the promoted dtype of dimensioned tensors, of 0-dim
// tensors and of wrapped Go numbers, each tracked apart.
type promoteState struct{ dim, zero, wrapped DType }

func (s *promoteState) add(t *Tensor) {
	d := t.dtype()
	switch {
	case t.wrapped:
		if d.IsFloat() {
			d = DefaultFloat
		}
		s.wrapped = PromoteTypes(s.wrapped, d)
	case t.Dim() == 0:
		s.zero = PromoteTypes(s.zero, d)
	default:
		s.dim = PromoteTypes(s.dim, d)
	}
}

// combineCategories is c10's combine_categories: the higher tier wins unless the lower tier is
// of a higher category.
func combineCategories(higher, lower DType) DType {
	if higher.IsFloat() {
		return higher
	}
	if higher == Bool || lower.IsFloat() {
		return PromoteTypes(higher, lower)
	}
	if higher != Undefined {
		return higher
	}
	return lower
}

func (s *promoteState) result() DType {
	return combineCategories(s.dim, combineCategories(s.zero, s.wrapped))
}

// ResultType returns the dtype PyTorch's type promotion gives an operation on the operands,
// each a *Tensor or a Go number: a 0-dim tensor or a Go number does not widen the float type of
// a dimensioned tensor, but an int tensor meets a float number as the default float dtype.
func ResultType(operands ...any) DType {
	var s promoteState
	for _, o := range operands {
		s.add(asTensor("ResultType", o))
	}
	return s.result()
}

func resultType(ts ...*Tensor) DType {
	var s promoteState
	for _, t := range ts {
		s.add(t)
	}
	return s.result()
}
