package exports

// Packages lists the import paths whose symbols are generated here; the
// go:generate line below and the staleness test use the same list.
var Packages = []string{
	"gotensor/display",
	"gotensor/tensor",
	"gotensor/gpu",
	"gonum.org/v1/gonum/mat",
}

//go:generate go run github.com/traefik/yaegi/cmd/yaegi extract -name exports gotensor/display gotensor/tensor gotensor/gpu gonum.org/v1/gonum/mat
