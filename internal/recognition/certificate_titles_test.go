package recognition

import (
	"strings"
	"testing"
	"time"

	"github.com/ntmflow/ntmflow/internal/criteria"
)

// sampleTitle is the NTM commune title of Hải Yến, decided in 2022; a title has no owner,
// no village and no expiry.
func sampleTitle(typ criteria.Type) CertificateData {
	d := sampleCertificate()
	d.Recognition.Type = string(typ)
	d.Recognition.Title = "Xã Hải Yến đạt chuẩn nông thôn mới"
	d.Recognition.OwnerName, d.Recognition.Village = "", ""
	d.Recognition.ValidUntil = nil
	return d
}

// The line a commune title's certificate is about names the commune, what it achieved and
// the year of the decision; the place is the district and the province.
func TestCertificateTitleHeadline(t *testing.T) {
	for typ, want := range map[criteria.Type]string{
		criteria.NTMCommune:         "Xã Hải Yến đạt chuẩn nông thôn mới năm 2022",
		criteria.AdvancedNTMCommune: "Xã Hải Yến đạt chuẩn nông thôn mới nâng cao năm 2022",
		criteria.ModelNTMCommune:    "Xã Hải Yến đạt chuẩn nông thôn mới kiểu mẫu năm 2022",
	} {
		line, place := headline(sampleTitle(typ))
		if line != want || place != "Huyện Cao Lộc, Tỉnh Lạng Sơn" {
			t.Errorf("%s: %q / %q", typ, line, place)
		}
	}
	// A garden keeps its own title and its village.
	if line, place := headline(sampleCertificate()); line != "Vườn cam Đường canh của ông Hoàng Văn Thắng" || !strings.HasPrefix(place, "Thôn Pắc Cáp, ") {
		t.Errorf("garden: %q / %q", line, place)
	}
}

func TestCertificateNTMCommune(t *testing.T) {
	path := writeCertificate(t, sampleTitle(criteria.NTMCommune))
	text := pdfText(t, path)
	assertNoOverlap(t, path)
	assertContains(t, text, "GIẤY CHỨNG NHẬN", "XÃ ĐẠT CHUẨN NÔNG THÔN MỚI",
		"Xã Hải Yến đạt chuẩn nông thôn mới năm 2022", "Huyện Cao Lộc, Tỉnh Lạng Sơn",
		"Theo Quyết định số 1520/QĐ-UBND ngày 15/09/2022", "Hồ Tiến Thiệu")
	for _, never := range []string{"Có giá trị đến", "Chủ vườn", "VƯỜN MẪU", "ĐÃ THU HỒI"} {
		if strings.Contains(text, never) {
			t.Errorf("a commune title's certificate prints %q:\n%s", never, text)
		}
	}
}

func TestCertificateHigherTitles(t *testing.T) {
	for typ, want := range map[criteria.Type][]string{
		criteria.AdvancedNTMCommune: {"XÃ ĐẠT CHUẨN NÔNG THÔN MỚI NÂNG CAO", "Xã Hải Yến đạt chuẩn nông thôn mới nâng cao năm 2022"},
		criteria.ModelNTMCommune:    {"XÃ ĐẠT CHUẨN NÔNG THÔN MỚI KIỂU MẪU", "Xã Hải Yến đạt chuẩn nông thôn mới kiểu mẫu năm 2022"},
	} {
		d := sampleTitle(typ)
		at := time.Date(2024, 5, 2, 3, 0, 0, 0, time.UTC)
		d.Recognition.RevokedAt = &at // a revoked title is stamped like any certificate
		path := writeCertificate(t, d)
		text := pdfText(t, path)
		assertContains(t, text, append(want, "ĐÃ THU HỒI")...)
		if strings.Contains(text, "Có giá trị đến") {
			t.Errorf("%s: prints an expiry", typ)
		}
	}
}

// A long commune name still ends above the signature block.
func TestCertificateTitleBodyStaysAboveSignature(t *testing.T) {
	for _, typ := range criteria.CommuneTitles {
		d := sampleTitle(typ)
		d.CommuneName = strings.Repeat("Xã Rất Dài ", 40)
		pdf, err := newCertificatePDF(cleanData(d))
		if err != nil {
			t.Fatal(err)
		}
		if end := drawBody(pdf, cleanData(d), subtitles[d.Recognition.Type]); end > signY {
			t.Errorf("%s: body ends at %.1f mm, below the signature block at %.1f mm", typ, end, signY)
		}
	}
}

// A title never expires: active years after the decision, until it is revoked.
func TestTitleStatusHasNoExpiry(t *testing.T) {
	r := sampleTitle(criteria.NTMCommune).Recognition
	later := time.Date(2060, 1, 1, 0, 0, 0, 0, time.UTC)
	if got := r.StatusOn(later); got != Active {
		t.Fatalf("status in 2060 = %s", got)
	}
	if v := ToView(r, later); v.ValidUntil != nil || v.Status != Active {
		t.Fatalf("view %+v", v)
	}
	at := time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC)
	r.RevokedAt = &at
	if got := r.StatusOn(later); got != Revoked {
		t.Fatalf("revoked title: %s", got)
	}
	garden := sampleCertificate().Recognition
	if got := garden.StatusOn(later); got != Expired {
		t.Fatalf("garden in 2060: %s", got)
	}
	if v := ToView(garden, later); v.ValidUntil == nil || *v.ValidUntil != "2025-09-15" {
		t.Fatalf("garden view %+v", v)
	}
}
