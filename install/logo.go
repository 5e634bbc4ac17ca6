package install

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
)

// Logo draws gotensor's logo at size×size pixels as PNG: a 3×3 grid of
// cells — a tensor — in Go's blue on a transparent background, with the
// diagonal cells darker. It is drawn in code so that the repository holds
// no binary assets and every size is crisp.
func Logo(size int) ([]byte, error) {
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	goBlue := color.NRGBA{0x00, 0xAD, 0xD8, 0xFF}
	dark := color.NRGBA{0x00, 0x5F, 0x7F, 0xFF}
	margin := size / 16
	gap := max(1, size/32)
	cell := (size - 2*margin - 2*gap) / 3
	for r := range 3 {
		for c := range 3 {
			col := goBlue
			if r == c {
				col = dark
			}
			x0 := margin + c*(cell+gap)
			y0 := margin + r*(cell+gap)
			for y := y0; y < y0+cell; y++ {
				for x := x0; x < x0+cell; x++ {
					img.SetNRGBA(x, y, col)
				}
			}
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
