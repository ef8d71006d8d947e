package recognition

import (
	"slices"
	"strings"
	"testing"
)

// TestSigningAuthority: the chairman signs on behalf of the committee as such; a
// vice-chairman signs for the chairman (KT.) under his own title, in that order above the
// signer's name.
func TestSigningAuthority(t *testing.T) {
	if got := signingAuthority(Chairman); !slices.Equal(got, []string{"TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"}) {
		t.Errorf("chairman: %q", got)
	}
	if got := signingAuthority(ViceChairman); !slices.Equal(got, []string{"TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"}) {
		t.Errorf("vice-chairman: %q", got)
	}
}

// TestCertificateViceChairman: a certificate signed by a vice-chairman carries "KT. CHỦ
// TỊCH" then "PHÓ CHỦ TỊCH" above the signer's name, and its own certificate number.
func TestCertificateViceChairman(t *testing.T) {
	d := sampleCertificate()
	d.Recognition.SignerTitle = ViceChairman
	d.Recognition.CertificateNumber = "1520/QĐ-UBND-2"
	path := writeCertificate(t, d)
	text := pdfText(t, path)
	assertNoOverlap(t, path)
	assertContains(t, text, "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "TM. ỦY BAN NHÂN DÂN", "Hồ Tiến Thiệu", "Số: 1520/QĐ-UBND-2")
	kt, vice, name := strings.Index(text, "KT. CHỦ TỊCH"), strings.Index(text, "PHÓ CHỦ TỊCH"), strings.Index(text, "Hồ Tiến Thiệu")
	if !(kt < vice && vice < name) {
		t.Errorf("signature block out of order (KT %d, PHÓ %d, name %d):\n%s", kt, vice, name, text)
	}
	// The chairman's certificate has no "KT." line.
	d.Recognition.SignerTitle = Chairman
	if text := pdfText(t, writeCertificate(t, d)); strings.Contains(text, "KT.") || strings.Contains(text, "PHÓ CHỦ TỊCH") {
		t.Errorf("a chairman's certificate prints the vice-chairman's block:\n%s", text)
	}
}
