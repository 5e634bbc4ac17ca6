package tensor

import (
	"fmt"
	"testing"
)

// hostBuffer stands in for a device buffer on hosts without a GPU: it holds the bytes in host
// memory and counts what download reads, so To("cpu")'s span logic is tested everywhere (the
// real CUDA copy is tested by TestCUDARoundTrip where a GPU is present).
type hostBuffer struct {
	data []byte
	read int
}

func (b *hostBuffer) CopyOut(dst []byte) error {
	if len(dst) > len(b.data) {
		return fmt.Errorf("copy of %d bytes from a %d-byte buffer", len(dst), len(b.data))
	}
	b.read += copy(dst, b.data)
	return nil
}

// rangeBuffer also copies from an offset.
type rangeBuffer struct{ hostBuffer }

func (b *rangeBuffer) CopyOutAt(dst []byte, off int64) error {
	if int(off)+len(dst) > len(b.data) {
		return fmt.Errorf("copy of %d bytes at %d from a %d-byte buffer", len(dst), off, len(b.data))
	}
	b.read += copy(dst, b.data[off:])
	return nil
}

// TestToCPUDownloadsSpan checks that To("cpu") of a device view reads only the view's span (with
// an offset copy) or the prefix up to its end (without one), and lays the values out right.
func TestToCPUDownloadsSpan(t *testing.T) {
	host := Arange(60, Float32).Reshape(6, 10)
	cases := []struct {
		name       string
		view       func(x *Tensor) *Tensor
		span, upTo int // elements read with and without an offset copy
	}{
		{"whole", func(x *Tensor) *Tensor { return x }, 60, 60},
		{"row 2", func(x *Tensor) *Tensor { return x.Select(0, 2) }, 10, 30},
		{"rows 1:3", func(x *Tensor) *Tensor { return x.Narrow(0, 1, 2) }, 20, 30},
		{"column 3", func(x *Tensor) *Tensor { return x.Select(1, 3) }, 51, 54},
		{"block", func(x *Tensor) *Tensor { return x.Narrow(0, 2, 2).Narrow(1, 4, 3).T() }, 13, 37},
		{"element", func(x *Tensor) *Tensor { return x.Select(0, 5).Select(0, 9) }, 1, 60},
		{"empty", func(x *Tensor) *Tensor { return x.Narrow(0, 3, 0) }, 0, 0},
	}
	for _, tc := range cases {
		for _, ranged := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s/offset-copy=%v", tc.name, ranged), func(t *testing.T) {
				hb := &hostBuffer{data: append([]byte(nil), bytesOf(cpuData[float32](host))...)}
				var data any = hb
				if ranged {
					rb := &rangeBuffer{hostBuffer: *hb}
					hb, data = &rb.hostBuffer, rb
				}
				dev := fromStorage(&storage{dev: Device{Type: "cuda"}, dt: Float32, data: data, n: 60}, []int{6, 10}, []int{10, 1}, 0)
				got := tc.view(dev).To("cpu")
				want := tc.view(host)
				if got.Device() != CPUDevice || !got.Equal(want) {
					t.Errorf("To(\"cpu\") = %v on %v, want %v", got, got.Device(), want)
				}
				wantRead := tc.upTo
				if ranged {
					wantRead = tc.span
				}
				if hb.read != 4*wantRead {
					t.Errorf("To(\"cpu\") read %d bytes, want %d (%d elements)", hb.read, 4*wantRead, wantRead)
				}
			})
		}
	}
}
