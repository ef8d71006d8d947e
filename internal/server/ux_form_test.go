package server_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/ntmflow/ntmflow/internal/testkit"
)

// gardenForm is a complete garden form for xa.haiyen's commune, every number typed the
// Vietnamese way.
func gardenForm(csrf string) url.Values {
	f := url.Values{"csrf_token": {csrf}, "type": {"model_garden"}, "commune_code": {"06220"},
		"title": {"Vườn cam của bà Nông Thị Dung"}, "subject.owner_name": {"Nông Thị Dung"}, "subject.village": {"Thôn Nà Pàn"},
		"subject.area_m2": {"1.250,5"}, "subject.main_crops": {"Cam"}, "subject.annual_income_vnd": {"185.000.000"},
		"a.G3.2": {"80,5"}, "a.G4.1": {"85"}, "a.G5.1": {"5,5"}, "a.G5.2": {"4,5"}}
	for _, c := range []string{"G1.2", "G2.1", "G2.2", "G3.1", "G4.2"} {
		f.Set("a."+c, "yes")
	}
	return f
}

type storedNomination struct {
	Subject    map[string]any `json:"subject"`
	Assessment []struct {
		Criterion string `json:"criterion"`
		Value     any    `json:"value"`
	} `json:"assessment"`
}

func (n storedNomination) value(code string) any {
	for _, it := range n.Assessment {
		if it.Criterion == code {
			return it.Value
		}
	}
	return nil
}

func readNomination(t *testing.T, a *testkit.App, location string) storedNomination {
	t.Helper()
	id := strings.TrimPrefix(location, "/nominations/")
	res := a.Do(t, "GET", "/api/v1/nominations/"+id, a.Login(t, "xa.haiyen").Token, nil)
	if res.Status != http.StatusOK {
		t.Fatalf("read %s: %d %s", id, res.Status, res.Body)
	}
	var n storedNomination
	res.JSON(t, &n)
	return n
}

// TestFormReadsNumbersBothWays: "350,5" is 350.5 (issue 15: it became 3505), "1.250,5"
// is 1250.5, and the plain "350.5" is the same number; the garden's area is asked once
// and G1.1 is filled from it, so the two never disagree.
func TestFormReadsNumbersBothWays(t *testing.T) {
	t.Parallel()
	a := testkit.NewApp(t)
	testkit.SeedCriteria(t, a)
	b := newBrowser(t, a)
	b.login("xa.haiyen")
	form := gardenForm(b.csrf)
	form.Set("a.G1.1", "20") // an old client's second area: ignored, the subject's counts
	status, _, h := b.post("/nominations", form)
	if status != http.StatusSeeOther {
		t.Fatalf("save: %d", status)
	}
	n := readNomination(t, a, h.Get("Location"))
	if n.Subject["area_m2"] != 1250.5 || n.Subject["annual_income_vnd"] != 185000000.0 {
		t.Errorf("subject = %v", n.Subject)
	}
	for code, want := range map[string]float64{"G1.1": 1250.5, "G3.2": 80.5, "G5.1": 5.5, "G5.2": 4.5} {
		if got := n.value(code); got != want {
			t.Errorf("%s = %v, want %v", code, got, want)
		}
	}
	// The plain form reads the same; the edit form shows no second area input.
	form = gardenForm(b.csrf)
	form.Set("subject.area_m2", "1250.5")
	form.Set("a.G3.2", "80.5")
	_, _, h = b.post("/nominations", form)
	n2 := readNomination(t, a, h.Get("Location"))
	if n2.Subject["area_m2"] != 1250.5 || n2.value("G1.1") != 1250.5 || n2.value("G3.2") != 80.5 {
		t.Errorf("plain numbers: %v %v", n2.Subject, n2.Assessment)
	}
	_, body, _ := b.get(h.Get("Location") + "/edit")
	if strings.Contains(body, `name="a.G1.1"`) || !strings.Contains(body, `data-area-from="s-area_m2"`) {
		t.Error("the edit form asks for the garden's area twice")
	}
	if strings.Contains(body, `type="number"`) || !strings.Contains(body, `id="a-G3.2" name="a.G3.2" value="80.5" type="text" inputmode="decimal"`) {
		t.Error("number inputs are not text inputs with a decimal keyboard")
	}
}

// TestFormRefusesUnreadableNumbers: text that is not a number is never guessed at; the
// field says so (in the user's language), the summary links to it and nothing is saved.
func TestFormRefusesUnreadableNumbers(t *testing.T) {
	t.Parallel()
	a := testkit.NewApp(t)
	testkit.SeedCriteria(t, a)
	b := newBrowser(t, a)
	b.login("xa.haiyen")
	form := gardenForm(b.csrf)
	form.Set("a.G3.2", "80,5,5")
	form.Set("subject.annual_income_vnd", "nhiều")
	form.Set("a.G5.2", "7")
	form.Set("title", "")
	status, body, _ := b.post("/nominations", form)
	if status != http.StatusUnprocessableEntity {
		t.Fatalf("unreadable numbers saved: %d", status)
	}
	for _, want := range []string{
		`Không đọc được số “80,5,5”`, `Không đọc được số “nhiều”`, `value="80,5,5"`,
		`id="error-summary"`, `tabindex="-1"`,
		`<a href="#s-annual_income_vnd">Thu nhập hằng năm (đồng)</a>`, `<a href="#a-G3.2">G3.2 Tỷ lệ giá trị từ sản phẩm chủ lực</a>`,
		`<a href="#title">Tên hồ sơ</a>`,
		`aria-invalid="true" aria-describedby="a-G3.2-err"`, `<p class="field-error" id="a-G3.2-err">`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("refused form lacks %q", want)
		}
	}
	// The summary follows the page: the title before the subject before the criteria.
	i, j, k := strings.Index(body, `href="#title"`), strings.Index(body, `href="#s-annual_income_vnd"`), strings.Index(body, `href="#a-G3.2"`)
	if i < 0 || i > j || j > k {
		t.Errorf("summary order: %d %d %d", i, j, k)
	}
	// Every summary link points at an element of the page.
	for _, m := range regexp.MustCompile(`<li><a href="#([^"]+)">`).FindAllStringSubmatch(body, -1) {
		if !strings.Contains(body, `id="`+m[1]+`"`) {
			t.Errorf("summary links to #%s, which is not on the page", m[1])
		}
	}
	var count int64
	a.Store.DB(t.Context()).Table("nominations").Count(&count)
	if count != 0 {
		t.Fatalf("%d nominations stored", count)
	}
	// With the numbers fixed, the score above its maximum is named with its range.
	form.Set("a.G3.2", "80,5")
	form.Set("subject.annual_income_vnd", "185.000.000")
	form.Set("title", "Vườn cam")
	_, body, _ = b.post("/nominations", form)
	if !strings.Contains(body, "Nhập một số từ 0 đến 5.") || !strings.Contains(body, `<a href="#a-G5.2">G5.2`) {
		t.Error("a score above its maximum is not explained")
	}
	// In English.
	b.post("/language", url.Values{"lang": {"en"}, "csrf_token": {b.csrf}, "back": {"/"}})
	form.Set("a.G5.2", "4")
	form.Set("a.G4.1", "lots")
	_, body, _ = b.post("/nominations", form)
	if !strings.Contains(body, "“lots” is not a number we can read") {
		t.Error("the English form does not explain an unreadable number")
	}
}

// TestFormNamesWhatFails: the score box says which required criteria are not met and how
// many points are missing, and warns that such a dossier cannot be recognised.
func TestFormNamesWhatFails(t *testing.T) {
	t.Parallel()
	a := testkit.NewApp(t)
	testkit.SeedCriteria(t, a)
	b := newBrowser(t, a)
	b.login("xa.haiyen")
	form := gardenForm(b.csrf)
	form.Set("subject.area_m2", "250") // under the 300 m² of G1.1
	form.Set("a.G3.1", "no")
	status, _, h := b.post("/nominations", form)
	if status != http.StatusSeeOther {
		t.Fatalf("save: %d", status)
	}
	_, body, _ := b.get(h.Get("Location") + "/edit")
	verdict := body[strings.Index(body, "data-score-verdict"):]
	verdict = verdict[:strings.Index(verdict, "</p>")]
	if !strings.Contains(verdict, "Chưa đạt — G1.1, G3.1 chưa đạt; thiếu 5,5 điểm") {
		t.Errorf("the sticky verdict says %q", verdict)
	}
	box := body[strings.Index(body, "data-score-reasons"):]
	box = box[:strings.Index(box, "</div>")]
	for _, want := range []string{"Tiêu chí bắt buộc chưa đạt:", `<span class="code">G1.1</span> Diện tích vườn`,
		`<span class="code">G3.1</span>`, "Còn thiếu 5,5 điểm so với điểm đạt 80.", `id="score-warning"`} {
		if !strings.Contains(box, want) {
			t.Errorf("score box lacks %q", want)
		}
	}
	if strings.Contains(box, "G1.2") {
		t.Error("the score box names a criterion that is met")
	}
	if !strings.Contains(body, `aria-describedby="score-warning"`) {
		t.Error("the save button is not described by the warning")
	}
}
