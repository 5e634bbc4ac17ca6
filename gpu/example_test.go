package gpu_test

import (
	"fmt"

	"gotensor/gpu"
)

// The notebook idiom `device = "cuda" if torch.cuda.is_available() else "cpu"`. The output
// depends on the host, so this example is not run.
func ExampleDefault() {
	device := gpu.Default()
	if device == "cpu" {
		fmt.Println("no GPU:", gpu.Err())
	}
	for _, d := range gpu.Devices() {
		fmt.Println(d)
	}
}

// Add two float32 vectors on the first GPU, where there is one.
func ExampleAddF32() {
	if !gpu.Available() {
		return
	}
	x := []float32{1, 2, 3}
	a, err := gpu.Alloc(0, 12)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer a.Release()
	if err := a.CopyInFloat32(x); err != nil {
		fmt.Println(err)
		return
	}
	if err := gpu.AddF32(a, a, a, 3); err != nil { // in place: a = a + a
		fmt.Println(err)
		return
	}
	if err := a.CopyOutFloat32(x); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(x)
}
