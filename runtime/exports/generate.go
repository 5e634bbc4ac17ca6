package exports

// Packages lists the import paths whose symbols are generated here, and
// DocStd the standard packages whose docs inspection shows as well. The
// go:generate line below must name the same packages (TestGenerateLine
// checks). Adding a package: add it to both, then run from the module root
//
//	go generate ./runtime/exports
var (
	Packages = []string{
		"gotensor/display",
		"gotensor/tensor",
		"gotensor/gpu",
		"gotensor/autograd",
		"gotensor/autograd/nn",
		"gotensor/autograd/optim",
		"gotensor/viz",
		"gonum.org/v1/gonum/mat",
	}
	DocStd = []string{"fmt", "math", "strings", "time"}
)

//go:generate go run ./gen -docs fmt,math,strings,time gotensor/display gotensor/tensor gotensor/gpu gotensor/autograd gotensor/autograd/nn gotensor/autograd/optim gotensor/viz gonum.org/v1/gonum/mat
