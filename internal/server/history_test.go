package server_test

import (
	"context"
	"fmt"
	"net/http"
	"os/exec"
	"strings"
	"testing"

	"github.com/ntmflow/ntmflow/internal/app"
	"github.com/ntmflow/ntmflow/internal/nomination"
	"github.com/ntmflow/ntmflow/internal/testkit"
)

// historyApp is Lạng Sơn with recognitions made before the reform of 1 July 2025 and then
// the two-tier list loaded: gardens of Hải Yến (06220, now a code of Xã Công Sơn) decided
// 2022, 2023 and 2025; NTM titles of Yên Trạch (06247, went whole into Phường Đông Kinh,
// 05977) and of Bính Xá (06622, split between Xã Đình Lập, 06613, and 06625).
func historyApp(t *testing.T) (a *testkit.App, garden2023, yenTrach, binhXa int64) {
	t.Helper()
	a = testkit.NewApp(t)
	testkit.SeedCriteria(t, a)
	ctx := context.Background()
	cid := testkit.SeedCampaignWithRecognition(t, a)
	if err := app.ApproveDemoGarden(ctx, a.Services, cid, "0315/QĐ-UBND", "2023-03-15"); err != nil {
		t.Fatal(err)
	}
	tinh, err := a.Identity.PrincipalFor(ctx, "tinh")
	if err != nil {
		t.Fatal(err)
	}
	record := func(commune, name, number, date string) int64 {
		title := name + " đạt chuẩn nông thôn mới"
		v, err := a.Nominations.Record(ctx, tinh, nomination.Input{Type: "ntm_commune", CommuneCode: commune, Title: &title,
			Subject: []byte(`{"satisfaction_pct": 95}`)}, nomination.Decision{Number: number, Date: date, Signer: "Hồ Tiến Thiệu"})
		if err != nil {
			t.Fatal(err)
		}
		return *v.RecognitionID
	}
	yenTrach = record("06247", "Xã Yên Trạch", "2101/QĐ-UBND", "2021-12-20")
	binhXa = record("06622", "Xã Bính Xá", "2202/QĐ-UBND", "2022-12-20")
	res := a.Do(t, "GET", "/api/v1/recognitions?year=2023", a.Login(t, "tinh").Token, nil)
	var list struct {
		Items []struct {
			ID int64 `json:"id"`
		} `json:"items"`
	}
	res.JSON(t, &list)
	if len(list.Items) != 1 {
		t.Fatalf("the 2023 garden: %s", res.Body)
	}
	garden2023 = list.Items[0].ID
	if _, err := a.Units.ImportTwoTier(ctx, "20"); err != nil {
		t.Fatal(err)
	}
	return a, garden2023, yenTrach, binhXa
}

type historyItem struct {
	ID           int64    `json:"id"`
	CommuneCode  string   `json:"commune_code"`
	CommuneName  string   `json:"commune_name"`
	DistrictName string   `json:"district_name"`
	Now          string   `json:"now"`
	NowCodes     []string `json:"now_codes"`
	Share        string   `json:"share"`
}

func historyList(t *testing.T, a *testkit.App, token, query string) map[int64]historyItem {
	t.Helper()
	res := a.Do(t, "GET", "/api/v1/recognitions?"+query, token, nil)
	if res.Status != http.StatusOK {
		t.Fatalf("%s: %d %s", query, res.Status, res.Body)
	}
	var list struct {
		Items []historyItem `json:"items"`
	}
	res.JSON(t, &list)
	out := map[int64]historyItem{}
	for _, it := range list.Items {
		if _, dup := out[it.ID]; dup {
			t.Errorf("%s: recognition %d listed twice", query, it.ID)
		}
		out[it.ID] = it
	}
	return out
}

// A unit of today is searched with the units that went into it: the old recognitions keep
// their names of the decision date and say what the commune is now.
func TestRecognitionsIncludePredecessors(t *testing.T) {
	t.Parallel()
	a, garden, yenTrach, binhXa := historyApp(t)
	tok := a.Login(t, "tinh").Token

	got := historyList(t, a, tok, "unit=06220&include_predecessors=true")
	g, ok := got[garden]
	if !ok || g.CommuneName != "Xã Hải Yến" || g.DistrictName != "Huyện Cao Lộc" || g.Now != "Xã Công Sơn" || g.Share != "" ||
		fmt.Sprint(g.NowCodes) != "[06220]" {
		t.Fatalf("the 2023 garden under Xã Công Sơn: %+v (%v)", g, got)
	}
	if len(got) != 3 {
		t.Errorf("Xã Công Sơn with its predecessors: %d recognitions, want the three gardens of Hải Yến", len(got))
	}
	// The code 06220 today is Xã Công Sơn: Hải Yến's records are not its own.
	if got := historyList(t, a, tok, "unit=06220"); len(got) != 0 {
		t.Errorf("Xã Công Sơn without predecessors: %v", got)
	}

	got = historyList(t, a, tok, "unit=05977&include_predecessors=true")
	if y, ok := got[yenTrach]; !ok || y.CommuneName != "Xã Yên Trạch" || y.Now != "Phường Đông Kinh" || y.Share != "" {
		t.Fatalf("Yên Trạch under Phường Đông Kinh: %+v", got)
	}
	if len(got) != 1 {
		t.Errorf("Phường Đông Kinh: %v", got)
	}
	if got := historyList(t, a, tok, "unit=05977&include_predecessors=false"); len(got) != 0 {
		t.Errorf("Phường Đông Kinh without predecessors: %v", got)
	}

	// Bính Xá went in part into Xã Đình Lập: labelled partial, named after the unit asked for.
	got = historyList(t, a, tok, "unit=06613&include_predecessors=true")
	if b, ok := got[binhXa]; !ok || b.CommuneName != "Xã Bính Xá" || b.Now != "Xã Đình Lập" || b.Share != "partial" {
		t.Fatalf("Bính Xá under Xã Đình Lập: %+v", got)
	}

	// The whole province: every recognition once, though Bính Xá leads to two communes.
	got = historyList(t, a, tok, "unit=20&include_predecessors=true")
	if len(got) != 5 {
		t.Errorf("Lạng Sơn with its old tree: %d recognitions, want 5: %v", len(got), got)
	}
	if b := got[binhXa]; b.Share != "partial" || !strings.Contains(b.Now, "Xã Đình Lập") {
		t.Errorf("Bính Xá in the province: %+v", b)
	}
	// One recognition read alone carries its names too.
	res := a.Do(t, "GET", fmt.Sprintf("/api/v1/recognitions/%d", yenTrach), tok, nil)
	if !strings.Contains(res.Body, `"commune_name":"Xã Yên Trạch"`) || !strings.Contains(res.Body, `"now":"Phường Đông Kinh"`) {
		t.Errorf("one recognition: %s", res.Body)
	}
	if res := a.Do(t, "GET", "/api/v1/recognitions?unit=05977&include_predecessors=maybe", tok, nil); res.Status != http.StatusUnprocessableEntity ||
		!strings.Contains(res.Body, "include_predecessors") {
		t.Errorf("a bad include_predecessors: %d %s", res.Status, res.Body)
	}

	// The signed-in list page shows both names.
	b := newBrowser(t, a)
	b.login("tinh")
	_, body, _ := b.get("/recognitions")
	mustContain(t, "the recognitions page", body, "Xã Yên Trạch, nay là Phường Đông Kinh", "Xã Hải Yến, nay là Xã Công Sơn",
		"Xã Bính Xá, nay là một phần")
	// Filtered on today's Phường Đông Kinh, the page finds Yên Trạch's title only when
	// asked to include the units merged into it.
	_, body, _ = b.get("/recognitions?unit=05977")
	if strings.Contains(body, "Xã Yên Trạch, nay là Phường Đông Kinh") {
		t.Error("the page lists a predecessor's recognition without include_predecessors")
	}
	_, body, _ = b.get("/recognitions?unit=05977&include_predecessors=true")
	mustContain(t, "the page with predecessors", body, "Xã Yên Trạch, nay là Phường Đông Kinh", `name="include_predecessors" value="true" checked`)
}

// The public registry filters on a unit of today with its predecessors and shows both names.
func TestPublicRegistryUnitHistory(t *testing.T) {
	t.Parallel()
	a, garden, yenTrach, binhXa := historyApp(t)

	res := a.Do(t, "GET", "/api/v1/public/recognitions?unit=05977", "", nil)
	if res.Status != http.StatusOK || !strings.Contains(res.Body, fmt.Sprintf(`"id":%d`, yenTrach)) ||
		!strings.Contains(res.Body, `"commune_name":"Xã Yên Trạch"`) || !strings.Contains(res.Body, `"now":"Phường Đông Kinh"`) ||
		strings.Count(res.Body, `"id":`) != 1 {
		t.Fatalf("public API, Phường Đông Kinh: %d %s", res.Status, res.Body)
	}
	res = a.Do(t, "GET", "/api/v1/public/recognitions?unit=06613", "", nil)
	if !strings.Contains(res.Body, fmt.Sprintf(`"id":%d`, binhXa)) || !strings.Contains(res.Body, `"share":"partial"`) {
		t.Fatalf("public API, Xã Đình Lập: %s", res.Body)
	}
	if res := a.Do(t, "GET", "/api/v1/public/recognitions?unit=99999", "", nil); res.Status != http.StatusUnprocessableEntity {
		t.Errorf("an unknown unit: %d %s", res.Status, res.Body)
	}

	b := newBrowser(t, a)
	status, body, _ := b.get("/public/recognitions?unit=05977")
	if status != http.StatusOK {
		t.Fatalf("registry page: %d", status)
	}
	mustContain(t, "the registry filtered on Phường Đông Kinh", body, "Xã Yên Trạch, nay là Phường Đông Kinh", "Phường Đông Kinh")
	if strings.Contains(body, "Xã Hải Yến") {
		t.Error("the registry filtered on Phường Đông Kinh lists Hải Yến")
	}
	_, body, _ = b.get("/public/recognitions?unit=06613")
	mustContain(t, "the registry filtered on Xã Đình Lập", body, "Xã Bính Xá, nay là một phần Xã Đình Lập")
	// The active garden of 2025 is found under Xã Công Sơn; its page names both.
	_, body, _ = b.get("/public/recognitions?unit=06220")
	mustContain(t, "the registry filtered on Xã Công Sơn", body, "Xã Hải Yến, nay là Xã Công Sơn")
	_, body, _ = b.get(fmt.Sprintf("/public/recognitions/%d", garden))
	mustContain(t, "the 2023 garden's public page", body, "Xã Hải Yến, nay là Xã Công Sơn", "Huyện Cao Lộc")
}

// The certificate names the units as they stood on the decision date.
func TestCertificateNamesTheUnitOfItsDay(t *testing.T) {
	t.Parallel()
	a, garden, _, _ := historyApp(t)
	res := a.Do(t, "GET", fmt.Sprintf("/api/v1/recognitions/%d/certificate.pdf", garden), a.Login(t, "tinh").Token, nil)
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
	if !strings.Contains(text, "Xã Hải Yến, Huyện Cao Lộc, Tỉnh Lạng Sơn") || !strings.Contains(text, "15/03/2023") {
		t.Errorf("certificate does not name Hải Yến, Cao Lộc:\n%s", text)
	}
	if strings.Contains(text, "Công Sơn") {
		t.Errorf("certificate names today's unit:\n%s", text)
	}
}
