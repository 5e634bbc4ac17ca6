package runtime

import (
	"fmt"
	"testing"
	"unsafe"
)

// TestFrameGrows checks that a cell whose compiled code takes new global
// frame slots (a top-level expression takes one each time) no longer makes
// yaegi copy the whole frame: across 200 such cells the frame's backing
// array moves only when its doubling capacity runs out, and every earlier
// global keeps its value. It fails loudly if a yaegi upgrade reshapes the
// fields frameGrower reaches.
func TestFrameGrows(t *testing.T) {
	s := newSession(t)
	if _, err := newFrameGrower(s.in); err != nil {
		t.Fatalf("newFrameGrower: %v", err)
	}
	if _, err, _ := exec(t, s, "x := 1\nys := []int{}"); err != nil {
		t.Fatal(err)
	}
	moves := 0
	base := func() unsafe.Pointer { return unsafe.Pointer(unsafe.SliceData(*s.frame.data)) }
	last := base()
	const cells = 200
	for i := range cells {
		code := fmt.Sprintf("ys = append(ys, x + %d)\nx + %d", i, i)
		res, err, _ := exec(t, s, code)
		if err != nil {
			t.Fatalf("cell %d: %v", i, err)
		}
		if got, want := res.Data["text/plain"], fmt.Sprint(1+i); got != want {
			t.Fatalf("cell %d %q = %v, want %v", i, code, got, want)
		}
		if p := base(); p != last {
			moves++
			last = p
		}
	}
	if moves > 8 {
		t.Errorf("the global frame moved %d times in %d cells, want a doubling capacity (≤ 8 moves)", moves, cells)
	}
	res, err, _ := exec(t, s, "len(ys) + ys[0] + ys[199]")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := res.Data["text/plain"], "401"; got != want {
		t.Errorf("len(ys) + ys[0] + ys[199] = %v, want %v", got, want)
	}
}
