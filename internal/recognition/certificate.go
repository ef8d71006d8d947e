package recognition

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode"

	"github.com/go-pdf/fpdf"
	"github.com/skip2/go-qrcode"
	"golang.org/x/text/unicode/norm"

	"github.com/ntmflow/ntmflow/internal/criteria"
)

// CertificateData is everything printed on a certificate.
type CertificateData struct {
	Recognition  Recognition
	CommuneName  string // e.g. "Xã Hải Yến"
	DistrictName string // e.g. "Huyện Cao Lộc"
	ProvinceName string // e.g. "Tỉnh Lạng Sơn"
	VerifyURL    string // absolute URL of the public registry page; encoded in the QR code and printed under it
}

// CertificateDataFor is the certificate of r, whose Place Describe has filled: the units
// named as they stood on the decision date (a garden recognised in 2023 in 06220 prints
// "Xã Hải Yến, Huyện Cao Lộc", though 06220 is Xã Công Sơn since 1 July 2025).
func CertificateDataFor(r Recognition, verifyURL string) CertificateData {
	d := CertificateData{Recognition: r, VerifyURL: verifyURL}
	if p := r.Place; p != nil {
		d.CommuneName, d.DistrictName, d.ProvinceName = p.CommuneName, p.DistrictName, p.ProvinceName
	}
	return d
}

// Page geometry in millimetres (A4 landscape).
const (
	pageW   = 297.0
	pageH   = 210.0
	bodyW   = 230.0 // wrapped lines stay well inside the border
	qrSize  = 32.0
	qrX     = 24.0
	qrY     = 141.0
	signX   = 168.0 // signature column, right half of the page
	signW   = 110.0
	signY   = 126.0 // top of the signature block; the body must end above it
	dmyDate = "02/01/2006"
)

type rgb struct{ r, g, b int }

var (
	ink   = rgb{28, 28, 28}
	green = rgb{22, 82, 46}
	red   = rgb{170, 24, 24}
)

// vietnam renders revocation timestamps (stored in UTC) on the local calendar
// day; Vietnam has no daylight saving, so a fixed zone is exact.
var vietnam = time.FixedZone("ICT", 7*3600)

var subtitles = map[string]string{
	string(criteria.ModelGarden):          "VƯỜN MẪU",
	string(criteria.ModelResidentialArea): "KHU DÂN CƯ NÔNG THÔN MỚI KIỂU MẪU",
	string(criteria.NTMCommune):           "XÃ ĐẠT CHUẨN NÔNG THÔN MỚI",
	string(criteria.AdvancedNTMCommune):   "XÃ ĐẠT CHUẨN NÔNG THÔN MỚI NÂNG CAO",
	string(criteria.ModelNTMCommune):      "XÃ ĐẠT CHUẨN NÔNG THÔN MỚI KIỂU MẪU",
}

// titlePhrases say what a commune title certifies, after the commune's name: "Xã Hải Yến
// đạt chuẩn nông thôn mới" (the certificate adds the year of the decision).
var titlePhrases = map[string]string{
	string(criteria.NTMCommune):         "đạt chuẩn nông thôn mới",
	string(criteria.AdvancedNTMCommune): "đạt chuẩn nông thôn mới nâng cao",
	string(criteria.ModelNTMCommune):    "đạt chuẩn nông thôn mới kiểu mẫu",
}

// TitlePhrase is what a commune title of type typ certifies, in the official wording that
// follows the commune's name ("đạt chuẩn nông thôn mới nâng cao"); "" for other types.
func TitlePhrase(typ string) string { return titlePhrases[typ] }

// headline is the line the certificate is about: the title of the nomination, or for a
// commune title the commune, what it achieved and the year of the decision.
func headline(d CertificateData) (line, place string) {
	r := d.Recognition
	if phrase, ok := titlePhrases[r.Type]; ok && d.CommuneName != "" {
		return fmt.Sprintf("%s %s năm %d", d.CommuneName, phrase, r.DecisionDate.Year()), joinNonEmpty(d.DistrictName, d.ProvinceName)
	}
	return r.Title, joinNonEmpty(r.Village, d.CommuneName, d.DistrictName, d.ProvinceName)
}

// Certificate writes an A4 landscape certificate in Vietnamese.
func Certificate(w io.Writer, d CertificateData) (err error) {
	subtitle, ok := subtitles[d.Recognition.Type]
	if !ok {
		return fmt.Errorf("certificate: unknown recognition type %q", d.Recognition.Type)
	}
	// fpdf indexes width tables by rune and can panic on unexpected input; the
	// text is cleaned first, and this turns anything left into an error.
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("certificate: pdf rendering failed: %v", p)
		}
	}()
	d = cleanData(d)
	pdf, err := newCertificatePDF(d)
	if err != nil {
		return err
	}
	drawBorder(pdf)
	drawHeading(pdf, d)
	drawBody(pdf, d, subtitle)
	drawSignature(pdf, d)
	if err := drawQR(pdf, d.VerifyURL); err != nil {
		return err
	}
	if at := d.Recognition.RevokedAt; at != nil {
		drawRevoked(pdf, *at)
	}
	// Output reports any error fpdf latched while drawing, before writing a byte.
	if err := pdf.Output(w); err != nil {
		return fmt.Errorf("certificate: %w", err)
	}
	return nil
}

func newCertificatePDF(d CertificateData) (*fpdf.Fpdf, error) {
	pdf := fpdf.New("L", "mm", "A4", "")
	// A certificate is exactly one page: never let a long line spill onto a second.
	pdf.SetAutoPageBreak(false, 0)
	pdf.SetMargins(0, 0, 0)
	pdf.SetTitle("Giấy chứng nhận số "+certificateNumber(d.Recognition), true)
	pdf.SetAuthor("Ủy ban nhân dân "+d.ProvinceName, true)
	pdf.SetCreator("ntmflow", false)
	if err := addFonts(pdf); err != nil {
		return nil, fmt.Errorf("certificate: %w", err)
	}
	pdf.AddPage()
	return pdf, pdf.Error()
}

// cleanData normalises every printed string. Users may type Vietnamese in
// decomposed form (e.g. Unikey "Unicode tổ hợp"); fpdf has no shaping, so
// combining marks would sit in the wrong place unless composed first.
func cleanData(d CertificateData) CertificateData {
	r := &d.Recognition
	for _, s := range []*string{&d.CommuneName, &d.DistrictName, &d.ProvinceName, &d.VerifyURL,
		&r.Title, &r.OwnerName, &r.Village, &r.DecisionNumber, &r.Signer, &r.SignerTitle, &r.CertificateNumber} {
		*s = clean(*s)
	}
	return d
}

// clean composes s to NFC and replaces what the embedded fonts and fpdf's
// 16-bit width tables cannot handle: control characters and runes beyond the BMP.
func clean(s string) string {
	s = strings.Map(func(c rune) rune {
		switch {
		case unicode.IsControl(c):
			return ' '
		case c > 0xFFFF:
			return '?'
		}
		return c
	}, norm.NFC.String(s))
	return strings.Join(strings.Fields(s), " ")
}

func setFont(pdf *fpdf.Fpdf, family, style string, size float64, c rgb) {
	pdf.SetFont(family, style, size)
	pdf.SetTextColor(c.r, c.g, c.b)
}

// centered prints one line centred on the page with its top at y.
func centered(pdf *fpdf.Fpdf, y, h float64, txt string) {
	pdf.SetXY(0, y)
	pdf.CellFormat(pageW, h, txt, "", 0, "C", false, 0, "")
}

// drawBorder draws the double frame: a heavy red outer rule and a fine green
// inner one, with small green diamonds in the corners.
func drawBorder(pdf *fpdf.Fpdf) {
	pdf.SetDrawColor(red.r, red.g, red.b)
	pdf.SetLineWidth(1.6)
	pdf.Rect(8, 8, pageW-16, pageH-16, "D")
	pdf.SetDrawColor(green.r, green.g, green.b)
	pdf.SetLineWidth(0.5)
	pdf.Rect(11.5, 11.5, pageW-23, pageH-23, "D")
	pdf.SetFillColor(green.r, green.g, green.b)
	for _, p := range [][2]float64{{11.5, 11.5}, {pageW - 11.5, 11.5}, {11.5, pageH - 11.5}, {pageW - 11.5, pageH - 11.5}} {
		diamond(pdf, p[0], p[1], 2.2)
	}
}

func diamond(pdf *fpdf.Fpdf, x, y, r float64) {
	pdf.Polygon([]fpdf.PointType{{X: x - r, Y: y}, {X: x, Y: y - r}, {X: x + r, Y: y}, {X: x, Y: y + r}}, "F")
}

// certificateNumber is the number the certificate carries: its own under the decision
// ("1520/QĐ-UBND-2"), or nothing for one built without (a sample, a recognition made
// before certificate numbers): an internal id is not a number any paper knows.
func certificateNumber(r Recognition) string { return r.CertificateNumber }

// drawHeading prints the certificate number, the national motto block and the issuer.
func drawHeading(pdf *fpdf.Fpdf, d CertificateData) {
	// A long decision number gets a smaller face rather than run into the motto block.
	if certificateNumber(d.Recognition) == "" {
		drawMotto(pdf, d)
		return
	}
	number := "Số: " + certificateNumber(d.Recognition)
	for size := 9.0; ; size -= 0.5 {
		setFont(pdf, sans, "", size, ink)
		if size <= 6 || pdf.GetStringWidth(number) <= 72 {
			break
		}
	}
	pdf.SetXY(18, 16)
	pdf.CellFormat(72, 5, number, "", 0, "L", false, 0, "")
	drawMotto(pdf, d)
}

// drawMotto prints the national motto block and the issuer.
func drawMotto(pdf *fpdf.Fpdf, d CertificateData) {
	setFont(pdf, serif, "B", 13, ink)
	centered(pdf, 19, 6, "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM")
	setFont(pdf, serif, "B", 12, ink)
	motto := "Độc lập - Tự do - Hạnh phúc"
	centered(pdf, 25.5, 6, motto)
	// The underline under the motto is part of the standard national heading.
	mw := pdf.GetStringWidth(motto)
	pdf.SetDrawColor(ink.r, ink.g, ink.b)
	pdf.SetLineWidth(0.3)
	pdf.Line((pageW-mw)/2, 32, (pageW+mw)/2, 32)

	setFont(pdf, serif, "B", 13, green)
	centered(pdf, 37, 6, "ỦY BAN NHÂN DÂN "+strings.ToUpper(d.ProvinceName))
}

// drawBody prints the title, the kind of recognition and what was recognised,
// and returns the y where it ends. Every line is fitted, so the body always
// ends above the signature block however long the user-entered text is.
func drawBody(pdf *fpdf.Fpdf, d CertificateData, subtitle string) float64 {
	r := d.Recognition
	setFont(pdf, serif, "B", 32, red)
	centered(pdf, 47, 14, "GIẤY CHỨNG NHẬN")
	setFont(pdf, serif, "B", 17, green)
	centered(pdf, 62, 8, subtitle)
	divider(pdf, 74)

	line, place := headline(d)
	y := printLines(pdf, 78, fitLines(pdf, "B", line, 16, 12, 2)) + 1.5
	details := []string{place, "Theo Quyết định số " + r.DecisionNumber + " ngày " + r.DecisionDate.Format(dmyDate)}
	// A commune title does not expire: no validity line.
	if r.ValidUntil != nil {
		details = append(details, "Có giá trị đến ngày "+r.ValidUntil.Format(dmyDate))
	}
	if r.Type == string(criteria.ModelGarden) && r.OwnerName != "" {
		details = append([]string{"Chủ vườn: " + r.OwnerName}, details...)
	}
	for _, txt := range details {
		y = printLines(pdf, y, fitLines(pdf, "", txt, 13, 10, 1))
	}
	return y
}

// printLines prints lines centred from y in the current font and returns the
// y below them.
func printLines(pdf *fpdf.Fpdf, y float64, lines []string) float64 {
	size, _ := pdf.GetFontSize()
	h := size * 0.52 // comfortable leading, in mm, for the serif face
	for _, l := range lines {
		centered(pdf, y, h, l)
		y += h
	}
	return y
}

// divider is a short ornamental rule that separates the heading from the record.
func divider(pdf *fpdf.Fpdf, y float64) {
	pdf.SetDrawColor(green.r, green.g, green.b)
	pdf.SetFillColor(green.r, green.g, green.b)
	pdf.SetLineWidth(0.4)
	pdf.Line(pageW/2-40, y, pageW/2-3.5, y)
	pdf.Line(pageW/2+3.5, y, pageW/2+40, y)
	diamond(pdf, pageW/2, y, 1.8)
}

// fitLines selects the largest serif size, from max down to min, at which txt
// wraps into at most maxLines lines of the body column, and returns those
// lines. Past min the text is cut with an ellipsis: the full text is one QR
// scan away, while overflowing into the signature would spoil the certificate.
func fitLines(pdf *fpdf.Fpdf, style, txt string, max, min float64, maxLines int) []string {
	for size := max; ; size-- {
		setFont(pdf, serif, style, size, ink)
		lines := pdf.SplitText(txt, bodyW)
		if len(lines) <= maxLines {
			return lines
		}
		if size-1 < min {
			lines = lines[:maxLines]
			lines[maxLines-1] = ellipsize(pdf, lines[maxLines-1])
			return lines
		}
	}
}

// ellipsize shortens s until s plus an ellipsis fits the body column.
func ellipsize(pdf *fpdf.Fpdf, s string) string {
	rs := []rune(s)
	for len(rs) > 0 && pdf.GetStringWidth(string(rs)+" …") > bodyW-4 {
		rs = rs[:len(rs)-1]
	}
	return strings.TrimSpace(string(rs)) + " …"
}

func joinNonEmpty(parts ...string) string {
	var out []string
	for _, p := range parts {
		if p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, ", ")
}

// drawSignature prints the place and date, the signing authority and the signer,
// leaving room between them for the handwritten signature and the seal.
func drawSignature(pdf *fpdf.Fpdf, d CertificateData) {
	line := func(y, h float64, txt string) {
		pdf.SetXY(signX, y)
		pdf.CellFormat(signW, h, txt, "", 0, "C", false, 0, "")
	}
	setFont(pdf, serif, "", 12, ink)
	line(signY, 6, signingDate(d.ProvinceName, d.Recognition.DecisionDate))
	setFont(pdf, serif, "B", 12.5, ink)
	y := signY + 7
	for _, txt := range signingAuthority(d.Recognition.SignerTitle) {
		line(y, 6, txt)
		y += 6
	}
	setFont(pdf, serif, "B", 13.5, ink)
	line(178, 7, d.Recognition.Signer)
}

// signingAuthority is the Vietnamese administrative signature block above the signer's
// name: on behalf of the committee (TM.), the chairman signs as such; a vice-chairman
// signs for the chairman (KT., "ký thay") under his own title.
func signingAuthority(title string) []string {
	if title == ViceChairman {
		return []string{"TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"}
	}
	return []string{"TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"}
}

// signingDate is the administrative "<Place>, ngày dd tháng mm năm yyyy" line,
// where the place is the province without its unit prefix.
func signingDate(province string, t time.Time) string {
	place := strings.TrimPrefix(strings.TrimPrefix(province, "Tỉnh "), "Thành phố ")
	return fmt.Sprintf("%s, ngày %02d tháng %02d năm %d", place, t.Day(), int(t.Month()), t.Year())
}

// drawQR places the verification QR code bottom left. Both the code and the
// printed URL are links, so the PDF itself is clickable too.
func drawQR(pdf *fpdf.Fpdf, url string) error {
	q, err := qrcode.New(url, qrcode.Medium)
	if err != nil {
		return fmt.Errorf("certificate: qr code: %w", err)
	}
	// The page around the code is blank, which gives the quiet zone; without
	// the built-in border the visible code lines up with the text under it.
	q.DisableBorder = true
	// A negative size gives whole pixels per module, so every module is the
	// same size and scanners read it reliably.
	png, err := q.PNG(-8)
	if err != nil {
		return fmt.Errorf("certificate: qr code: %w", err)
	}
	opt := fpdf.ImageOptions{ImageType: "PNG"}
	pdf.RegisterImageOptionsReader("qr", opt, bytes.NewReader(png))
	pdf.ImageOptions("qr", qrX, qrY, qrSize, qrSize, false, opt, 0, url)

	setFont(pdf, sans, "", 8.5, ink)
	pdf.SetXY(qrX, qrY+qrSize+1)
	pdf.CellFormat(90, 4.5, "Quét mã để kiểm tra hiệu lực", "", 0, "L", false, 0, "")
	setFont(pdf, sans, "", 7, green)
	pdf.SetXY(qrX, qrY+qrSize+5.5)
	pdf.MultiCell(100, 3.5, url, "", "L", false)
	pdf.LinkString(qrX, qrY+qrSize+5.5, 100, 3.5, url)
	return pdf.Error()
}

// drawRevoked stamps the certificate near the top so that a revoked one, once
// printed, cannot pass for a valid one.
func drawRevoked(pdf *fpdf.Fpdf, at time.Time) {
	const x, y, w, h = 212.0, 17.0, 66.0, 19.0
	pdf.SetDrawColor(red.r, red.g, red.b)
	pdf.SetLineWidth(1)
	pdf.Rect(x, y, w, h, "D")
	setFont(pdf, sans, "B", 22, red)
	pdf.SetXY(x, y+1.5)
	pdf.CellFormat(w, 10, "ĐÃ THU HỒI", "", 0, "C", false, 0, "")
	setFont(pdf, sans, "", 9, red)
	pdf.SetXY(x, y+12)
	pdf.CellFormat(w, 5, "ngày "+at.In(vietnam).Format(dmyDate), "", 0, "C", false, 0, "")
}
