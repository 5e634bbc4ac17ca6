package exports

// Packages lists the import paths whose symbols are generated here; the
// go:generate lines below and the tests use the same list. Adding a package:
// add it here and to both lines, then run go generate ./runtime/exports.
var Packages = []string{
	"gotensor/display",
	"gotensor/tensor",
	"gotensor/gpu",
	"gonum.org/v1/gonum/mat",
}

// DocPackages are the packages whose docs inspection shows: the generated
// ones plus the pre-imported standard library packages.
var DocPackages = append([]string{"fmt", "math", "strings", "time"}, Packages...)

//go:generate go run github.com/traefik/yaegi/cmd/yaegi extract -name exports gotensor/display gotensor/tensor gotensor/gpu gonum.org/v1/gonum/mat
//go:generate go run ./gendoc -o docs_gen.go fmt math strings time gotensor/display gotensor/tensor gotensor/gpu gonum.org/v1/gonum/mat
