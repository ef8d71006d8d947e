package server_test

import (
	"context"
	"net/http"
	"net/url"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/ntmflow/ntmflow/internal/app"
	"github.com/ntmflow/ntmflow/internal/criteria"
	"github.com/ntmflow/ntmflow/internal/identity"
	"github.com/ntmflow/ntmflow/internal/nomination"
	"github.com/ntmflow/ntmflow/internal/testkit"
)

// townOfficer adds the commune officer of Thị trấn Cao Lộc (a town: no commune titles),
// who signs in with the demo password.
func townOfficer(t *testing.T, a *testkit.App) string {
	t.Helper()
	hash, err := identity.HashPassword(app.DemoPassword)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Identity.CreateUser(context.Background(), identity.NewUser{Username: "tt.caoloc", FullName: "Cán bộ thị trấn Cao Lộc",
		PasswordHash: hash, Roles: []identity.RoleAt{{Role: "commune_officer", UnitCode: "06187"}}}); err != nil {
		t.Fatal(err)
	}
	return "tt.caoloc"
}

// The new-nomination form offers a Xã's officer the commune titles, with the residents'
// satisfaction instead of the garden's fields and the official wording as the title; a
// town's officer is not offered them. The saved title shows its subject.
func TestNominationFormOffersCommuneTitles(t *testing.T) {
	t.Parallel()
	a := testkit.NewApp(t)
	testkit.SeedCriteria(t, a)
	b := newBrowser(t, a)
	b.login("xa.haiyen")
	_, body, _ := b.get("/nominations/new")
	for _, want := range []string{`href="/nominations/new?type=ntm_commune"`, `href="/nominations/new?type=advanced_ntm_commune"`,
		`href="/nominations/new?type=model_residential_area"`, "Xã đạt chuẩn nông thôn mới"} {
		if !strings.Contains(body, want) {
			t.Errorf("garden form lacks %q", want)
		}
	}
	status, body, _ := b.get("/nominations/new?type=ntm_commune")
	if status != http.StatusOK {
		t.Fatalf("title form: %d", status)
	}
	for _, want := range []string{`name="subject.satisfaction_pct"`, "Tỷ lệ người dân hài lòng (%)", `value="Xã Hải Yến đạt chuẩn nông thôn mới"`,
		"Hạ tầng kinh tế – xã hội", `name="a.19"`, "Quốc phòng và An ninh"} {
		if !strings.Contains(body, want) {
			t.Errorf("title form lacks %q", want)
		}
	}
	if strings.Contains(body, "subject.owner_name") || strings.Contains(body, "subject.village") {
		t.Error("the title form asks for a garden's owner or village")
	}

	form := url.Values{"csrf_token": {b.csrf}, "type": {"ntm_commune"}, "commune_code": {"06220"},
		"title": {"Xã Hải Yến đạt chuẩn nông thôn mới"}, "subject.satisfaction_pct": {"92,5"}}
	for _, c := range criteria.NationalCriteria {
		form.Set("a."+c.Code, "yes")
	}
	status, _, h := b.post("/nominations", form)
	if status != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/nominations/") {
		t.Fatalf("title form post: %d %v", status, h)
	}
	_, body, _ = b.get(h.Get("Location"))
	for _, want := range []string{"Xã Hải Yến đạt chuẩn nông thôn mới", "Tỷ lệ người dân hài lòng (%)", "92,5 %", "Xã đề nghị", "19/19"} {
		if !strings.Contains(body, want) {
			t.Errorf("detail page lacks %q", want)
		}
	}
	// Advanced before NTM: the form says what the commune needs first.
	form.Set("type", "advanced_ntm_commune")
	form.Set("idempotency_key", "adv-1")
	status, body, _ = b.post("/nominations", form)
	if status != http.StatusUnprocessableEntity || !strings.Contains(body, "phải đang có danh hiệu xã đạt chuẩn nông thôn mới") {
		t.Fatalf("advanced without NTM: %d", status)
	}

	town := newBrowser(t, a)
	town.login(townOfficer(t, a))
	_, body, _ = town.get("/nominations/new")
	if strings.Contains(body, "type=ntm_commune") || !strings.Contains(body, "type=model_residential_area") {
		t.Error("a town's officer is offered the commune titles")
	}
	_, body, _ = town.get("/nominations/new?type=ntm_commune")
	if !strings.Contains(body, `name="subject.owner_name"`) {
		t.Error("a town's officer asking for a title form does not get the garden form")
	}
}

// A commune title recognised by the province: the API and the public registry give
// valid_until null, the pages say it has no expiry, and the certificate names the commune
// and the year without an expiry line.
func TestRecognitionOfCommuneTitle(t *testing.T) {
	t.Parallel()
	a := testkit.NewApp(t)
	testkit.SeedCriteria(t, a)
	ctx := context.Background()
	tinh, err := a.Identity.PrincipalFor(ctx, "tinh")
	if err != nil {
		t.Fatal(err)
	}
	title := "Xã Hải Yến đạt chuẩn nông thôn mới"
	v, err := a.Nominations.AsOf(time.Date(2019, 12, 20, 9, 0, 0, 0, time.UTC)).Record(ctx, tinh, nomination.Input{
		Type: "ntm_commune", CommuneCode: "06220", Title: &title, Subject: []byte(`{"satisfaction_pct": 95}`)},
		nomination.Decision{Number: "2345/QĐ-UBND", Date: "2019-12-20", Signer: "Phạm Ngọc Thưởng"})
	if err != nil {
		t.Fatal(err)
	}
	id := itoa(*v.RecognitionID)

	s := a.Login(t, "quansat")
	res := a.Do(t, "GET", "/api/v1/recognitions/"+id, s.Token, nil)
	if res.Status != http.StatusOK || !strings.Contains(res.Body, `"valid_until":null`) || !strings.Contains(res.Body, `"status":"active"`) {
		t.Fatalf("API: %d %s", res.Status, res.Body)
	}
	res = a.Do(t, "GET", "/api/v1/public/recognitions?province=20&type=ntm_commune", "", nil)
	if res.Status != http.StatusOK || !strings.Contains(res.Body, `"valid_until":null`) || !strings.Contains(res.Body, `"commune_name":"Xã Hải Yến"`) {
		t.Fatalf("public API: %d %s", res.Status, res.Body)
	}
	res = a.Do(t, "GET", "/api/v1/public/recognitions/"+id, "", nil)
	if res.Status != http.StatusOK || !strings.Contains(res.Body, `"valid_until":null`) {
		t.Fatalf("public API one: %d %s", res.Status, res.Body)
	}

	pub := newBrowser(t, a)
	_, body, _ := pub.get("/public/recognitions?type=ntm_commune")
	for _, want := range []string{title, "Xã đạt chuẩn nông thôn mới", "2345/QĐ-UBND", "Tra cứu công nhận nông thôn mới",
		`<option value="model_ntm_commune"`} {
		if !strings.Contains(body, want) {
			t.Errorf("public list lacks %q", want)
		}
	}
	_, body, _ = pub.get("/public/recognitions/" + id)
	for _, want := range []string{"Còn hiệu lực", "không có thời hạn", "Không thời hạn", "Xã Hải Yến, Huyện Cao Lộc, Tỉnh Lạng Sơn"} {
		if !strings.Contains(body, want) {
			t.Errorf("public page lacks %q", want)
		}
	}
	if strings.Contains(body, "<dd>, Xã") {
		t.Error("public page prints an empty village")
	}

	b := newBrowser(t, a)
	b.login("tinh")
	_, body, _ = b.get("/recognitions?type=ntm_commune")
	for _, want := range []string{title, "Không thời hạn", `<option value="ntm_commune" selected`} {
		if !strings.Contains(body, want) {
			t.Errorf("recognitions page lacks %q", want)
		}
	}
	_, body, _ = b.get("/nominations?type=ntm_commune")
	if !strings.Contains(body, title) || !strings.Contains(body, `<option value="ntm_commune" selected`) {
		t.Error("nominations list does not filter by a commune title")
	}
	_, body, _ = b.get("/nominations/" + itoa(v.ID))
	for _, want := range []string{"Ghi nhận quyết định công nhận đã có", "95 %", "Đã công nhận"} {
		if !strings.Contains(body, want) {
			t.Errorf("detail page lacks %q", want)
		}
	}

	res = a.Do(t, "GET", "/api/v1/recognitions/"+id+"/certificate.pdf", s.Token, nil)
	if res.Status != http.StatusOK || !strings.HasPrefix(res.Body, "%PDF-") {
		t.Fatalf("certificate: %d", res.Status)
	}
	pdftotext, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Skip("pdftotext not installed; the certificate's text is checked in internal/recognition")
	}
	cmd := exec.Command(pdftotext, "-layout", "-", "-")
	cmd.Stdin = strings.NewReader(res.Body)
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	text := string(out)
	for _, want := range []string{"XÃ ĐẠT CHUẨN NÔNG THÔN MỚI", "Xã Hải Yến đạt chuẩn nông thôn mới năm 2019", "Huyện Cao Lộc, Tỉnh Lạng Sơn"} {
		if !strings.Contains(text, want) {
			t.Errorf("certificate lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "Có giá trị đến") {
		t.Errorf("certificate of a title prints an expiry:\n%s", text)
	}
}
