package recognition

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

func sampleCertificate() CertificateData {
	return CertificateData{
		Recognition: Recognition{
			ID:             7,
			NominationID:   3,
			Type:           "model_garden",
			Title:          "Vườn cam Đường canh của ông Hoàng Văn Thắng",
			OwnerName:      "Hoàng Văn Thắng",
			Village:        "Thôn Pắc Cáp",
			DecisionNumber: "1520/QĐ-UBND",
			DecisionDate:   time.Date(2022, 9, 15, 0, 0, 0, 0, time.UTC),
			Signer:         "Hồ Tiến Thiệu",
			ValidUntil:     ptr(time.Date(2025, 9, 15, 0, 0, 0, 0, time.UTC)),
		},
		CommuneName:  "Xã Hải Yến",
		DistrictName: "Huyện Cao Lộc",
		ProvinceName: "Tỉnh Lạng Sơn",
		VerifyURL:    "http://127.0.0.1:8080/public/recognitions/7",
	}
}

func ptr[T any](v T) *T { return &v }

// writeCertificate renders d into a file in dir and returns its path.
func writeCertificate(t *testing.T, d CertificateData) string {
	t.Helper()
	var buf bytes.Buffer
	if err := Certificate(&buf, d); err != nil {
		t.Fatalf("Certificate: %v", err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) {
		t.Fatalf("output does not start with %%PDF-: %q", buf.Bytes()[:min(buf.Len(), 16)])
	}
	path := filepath.Join(t.TempDir(), "certificate.pdf")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	// CERTIFICATE_SAMPLE_DIR keeps a copy of each certificate, named after the
	// test, for eyeballing the layout.
	if dir := os.Getenv("CERTIFICATE_SAMPLE_DIR"); dir != "" {
		if err := os.WriteFile(filepath.Join(dir, t.Name()+".pdf"), buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return path
}

// requireTool returns the path of a poppler tool; CI installs poppler-utils, so
// there a missing tool is a failure, while locally the text checks are skipped.
func requireTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err == nil {
		return p
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("%s not found on PATH; CI must install poppler-utils", name)
	}
	t.Skipf("%s not found on PATH; install poppler-utils (apt-get install poppler-utils) to run this check", name)
	return ""
}

// pdfText extracts the text the way a reader would copy it, which proves the
// Vietnamese is encoded (ToUnicode) and not just drawn.
func pdfText(t *testing.T, path string) string {
	t.Helper()
	out, err := exec.Command(requireTool(t, "pdftotext"), "-layout", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

var bboxLine = regexp.MustCompile(`<line xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">`)

// assertNoOverlap checks that no two text lines on the page intersect, which
// is how a layout bug (wrong leading, overflowing text) shows up.
func assertNoOverlap(t *testing.T, path string) {
	t.Helper()
	out, err := exec.Command(requireTool(t, "pdftotext"), "-bbox-layout", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext -bbox-layout: %v", err)
	}
	var boxes [][4]float64
	for _, m := range bboxLine.FindAllStringSubmatch(string(out), -1) {
		var b [4]float64
		for i := range b {
			b[i], _ = strconv.ParseFloat(m[i+1], 64)
		}
		boxes = append(boxes, b)
	}
	if len(boxes) < 10 {
		t.Fatalf("found only %d text lines in the certificate", len(boxes))
	}
	const slack = 0.5 // points; glyph boxes of adjacent lines may touch
	for i, a := range boxes {
		for _, b := range boxes[i+1:] {
			if a[0] < b[2]-slack && b[0] < a[2]-slack && a[1] < b[3]-slack && b[1] < a[3]-slack {
				t.Errorf("text lines overlap: %v and %v (points)", a, b)
			}
		}
	}
}

func assertContains(t *testing.T, text string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("certificate text lacks %q; got:\n%s", w, text)
		}
	}
}

func TestCertificateGarden(t *testing.T) {
	path := writeCertificate(t, sampleCertificate())
	text := pdfText(t, path)
	assertNoOverlap(t, path)
	assertContains(t, text,
		"CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
		"ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN", "GIẤY CHỨNG NHẬN", "VƯỜN MẪU",
		"Vườn cam Đường canh của ông Hoàng Văn Thắng", "Chủ vườn: Hoàng Văn Thắng",
		"Thôn Pắc Cáp, Xã Hải Yến, Huyện Cao Lộc, Tỉnh Lạng Sơn",
		"Theo Quyết định số 1520/QĐ-UBND ngày 15/09/2022", "Có giá trị đến ngày 15/09/2025",
		"Lạng Sơn, ngày 15 tháng 09 năm 2022", "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Hồ Tiến Thiệu",
		"Quét mã để kiểm tra hiệu lực", "http://127.0.0.1:8080/public/recognitions/7")
	// Without a certificate number the certificate prints none: never its internal id.
	if strings.Contains(text, "Số: 7") || strings.Contains(text, "Số:") {
		t.Errorf("a certificate without a number prints one:\n%s", text)
	}
	if strings.Contains(text, "THÔN THÔN") || strings.Contains(text, "Thôn Thôn") {
		t.Errorf("village printed with a doubled prefix:\n%s", text)
	}
	if strings.Contains(text, "ĐÃ THU HỒI") {
		t.Errorf("a valid certificate carries the revoked stamp")
	}
	if strings.Count(text, "\f") > 1 {
		t.Errorf("certificate spans more than one page")
	}
}

func TestCertificateResidentialArea(t *testing.T) {
	d := sampleCertificate()
	d.Recognition.Type = "model_residential_area"
	d.Recognition.Title = "Khu dân cư Thôn Pắc Cáp"
	d.Recognition.OwnerName = ""
	path := writeCertificate(t, d)
	assertNoOverlap(t, path)
	text := pdfText(t, path)
	assertContains(t, text, "KHU DÂN CƯ NÔNG THÔN MỚI KIỂU MẪU", "Khu dân cư Thôn Pắc Cáp")
	if strings.Contains(text, "VƯỜN MẪU") || strings.Contains(text, "Chủ vườn") {
		t.Errorf("residential-area certificate printed garden wording:\n%s", text)
	}
}

func TestCertificateRevoked(t *testing.T) {
	d := sampleCertificate()
	// 20:00 UTC is already the next day in Vietnam; the stamp uses the local day.
	at := time.Date(2023, 3, 1, 20, 0, 0, 0, time.UTC)
	d.Recognition.RevokedAt = &at
	d.Recognition.RevokeReason = "Không duy trì tiêu chí"
	path := writeCertificate(t, d)
	assertNoOverlap(t, path)
	text := pdfText(t, path)
	assertContains(t, text, "ĐÃ THU HỒI", "ngày 02/03/2023", "GIẤY CHỨNG NHẬN")
}

func TestCertificateUnknownType(t *testing.T) {
	d := sampleCertificate()
	d.Recognition.Type = "model_village"
	var buf bytes.Buffer
	if err := Certificate(&buf, d); err == nil {
		t.Fatal("expected an error for an unknown recognition type")
	}
	if buf.Len() != 0 {
		t.Errorf("wrote %d bytes despite the error", buf.Len())
	}
}

// Titles are user input: decomposed diacritics, emoji and control characters
// must neither panic nor break the page, and a long title must stay on one page.
func TestCertificateAwkwardInput(t *testing.T) {
	d := sampleCertificate()
	d.Recognition.Title = "Vu\u031bo\u031b\u0300n cam \U0001F34A\x00\t" + strings.Repeat("Đường canh rất dài ", 20)
	path := writeCertificate(t, d)
	assertNoOverlap(t, path)
	text := pdfText(t, path)
	assertContains(t, text, "Vườn cam", "Hồ Tiến Thiệu")
	if strings.Count(text, "\f") > 1 {
		t.Errorf("certificate spans more than one page")
	}
}

// The body is fitted line by line, so even absurdly long user text ends above
// the signature block instead of printing over it.
func TestCertificateBodyStaysAboveSignature(t *testing.T) {
	d := sampleCertificate()
	long := strings.Repeat("Đường canh rất dài ", 40)
	d.Recognition.Title = long
	d.Recognition.OwnerName = long
	d.Recognition.Village = long
	for _, typ := range []string{"model_garden", "model_residential_area"} {
		d.Recognition.Type = typ
		pdf, err := newCertificatePDF(cleanData(d))
		if err != nil {
			t.Fatal(err)
		}
		if end := drawBody(pdf, cleanData(d), subtitles[typ]); end > signY {
			t.Errorf("%s: body ends at %.1f mm, below the signature block at %.1f mm", typ, end, signY)
		}
		if err := pdf.Error(); err != nil {
			t.Fatal(err)
		}
	}
}

func TestCertificateRendersToPNG(t *testing.T) {
	path := writeCertificate(t, sampleCertificate())
	pdftoppm := requireTool(t, "pdftoppm")
	prefix := filepath.Join(t.TempDir(), "page")
	if out, err := exec.Command(pdftoppm, "-png", "-r", "50", "-f", "1", "-l", "1", "-singlefile", path, prefix).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v\n%s", err, out)
	}
	info, err := os.Stat(prefix + ".png")
	if err != nil {
		t.Fatalf("rendered page missing: %v", err)
	}
	if info.Size() < 10_000 {
		t.Errorf("rendered page is only %d bytes; expected a drawn certificate", info.Size())
	}
}
