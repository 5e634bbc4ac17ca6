package tensor

import (
	"errors"
	"fmt"
)

// Kind classifies a tensor error, so callers can test errors.Is(err, tensor.ErrShape).
type Kind int

// The kinds of tensor errors.
const (
	ErrShape    Kind = iota + 1 // incompatible shapes, bad dims, views that cannot be formed
	ErrDType                    // unsupported or mismatched dtype
	ErrDevice                   // device mismatch or unavailable device
	ErrIndex                    // index out of range
	ErrValue                    // bad argument value, such as ragged nested slices
	ErrAutograd                 // misuse of the autograd engine
	ErrMemory                   // not enough memory for a tensor (checked before allocating)
)

var kindNames = map[Kind]string{
	ErrShape: "shape error", ErrDType: "dtype error", ErrDevice: "device error",
	ErrIndex: "index error", ErrValue: "value error", ErrAutograd: "autograd error",
	ErrMemory: "out of memory",
}

// Error is the error tensor operations panic with. Its message reads like PyTorch's.
type Error struct {
	Kind Kind   // what went wrong
	Op   string // the operation, such as "Add"
	Msg  string // a message in PyTorch's words
}

// Error returns the message; the op name is left out so messages match PyTorch's.
func (e *Error) Error() string { return e.Msg }

// Is reports whether target is the Kind of e (errors.Is(err, tensor.ErrShape)).
func (e *Error) Is(target error) bool {
	k, ok := target.(Kind)
	return ok && k == e.Kind
}

// Error lets a Kind be used as an errors.Is target.
func (k Kind) Error() string { return kindNames[k] }

// Maybe runs f and returns the *Error it panicked with, or nil. Other panics propagate.
// It is how library code turns the panicking notebook API into error values.
func Maybe(f func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			var te *Error
			if e, ok := r.(error); ok && errors.As(e, &te) {
				err = e
				return
			}
			panic(r)
		}
	}()
	f()
	return nil
}

// notNil fails with "op: name is nil" when t is nil. A nil *Tensor argument (or receiver)
// would otherwise reach the caller as a bare nil-pointer dereference that names no operation.
func notNil(op, name string, t *Tensor) {
	if t == nil {
		fail(ErrValue, op, "%s: %s is nil", op, name)
	}
}

// fail panics with a *Error of kind k.
func fail(k Kind, op, format string, args ...any) {
	panic(&Error{Kind: k, Op: op, Msg: fmt.Sprintf(format, args...)})
}
