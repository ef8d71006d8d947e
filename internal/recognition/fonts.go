package recognition

import (
	"embed"
	"fmt"

	"github.com/go-pdf/fpdf"
)

// The certificate carries its own fonts: the PDF core fonts have no Vietnamese
// glyphs, and system fonts differ between servers. DejaVu is under the Bitstream
// Vera licence (fonts/LICENSE), which allows embedding and redistribution.
//
//go:embed fonts/*.ttf
var fontFiles embed.FS

// Font families registered on every certificate: serif for the body, the way
// official Vietnamese certificates are set; sans for small print and the stamp.
const (
	serif = "DejaVuSerif"
	sans  = "DejaVuSans"
)

var fontFaces = []struct{ family, style, file string }{
	{serif, "", "fonts/DejaVuSerif.ttf"},
	{serif, "B", "fonts/DejaVuSerif-Bold.ttf"},
	{sans, "", "fonts/DejaVuSans.ttf"},
	{sans, "B", "fonts/DejaVuSans-Bold.ttf"},
}

// addFonts registers the embedded faces as UTF-8 fonts; fpdf then embeds only
// the glyphs used, with a ToUnicode map so the text stays searchable.
func addFonts(pdf *fpdf.Fpdf) error {
	for _, f := range fontFaces {
		b, err := fontFiles.ReadFile(f.file)
		if err != nil {
			return fmt.Errorf("certificate font %s: %w", f.file, err)
		}
		pdf.AddUTF8FontFromBytes(f.family, f.style, b)
	}
	return pdf.Error()
}
