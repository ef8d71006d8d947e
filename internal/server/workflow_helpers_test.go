package server_test

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/ntmflow/ntmflow/internal/testkit"
)

// wf is a test client for the workflow: the app, the demo criteria sets, and a token per
// demo user.
type wf struct {
	t      *testing.T
	a      *testkit.App
	tokens map[string]string
}

func newWF(t *testing.T) *wf {
	t.Helper()
	a := testkit.NewApp(t)
	testkit.SeedCriteria(t, a)
	return &wf{t: t, a: a, tokens: map[string]string{}}
}

func (w *wf) token(user string) string {
	if w.tokens[user] == "" {
		w.tokens[user] = w.a.Login(w.t, user).Token
	}
	return w.tokens[user]
}

func (w *wf) do(user, method, path string, body any, headers ...string) testkit.Response {
	w.t.Helper()
	return w.a.Do(w.t, method, path, w.token(user), body, headers...)
}

type nom struct {
	ID             int64  `json:"id"`
	Status         string `json:"status"`
	Version        int    `json:"version"`
	CommuneCode    string `json:"commune_code"`
	DistrictCode   string `json:"district_code"`
	ProvinceCode   string `json:"province_code"`
	CriteriaSetID  int64  `json:"criteria_set_id"`
	RecognitionID  *int64 `json:"recognition_id"`
	DossierSHA256  string `json:"dossier_sha256"`
	Title          string `json:"title"`
	SelfAssessment struct {
		TotalScore float64 `json:"total_score"`
		Passes     bool    `json:"passes"`
		Complete   bool    `json:"complete"`
	} `json:"self_assessment"`
	Review *struct {
		TotalScore float64 `json:"total_score"`
		Passes     bool    `json:"passes"`
	} `json:"review"`
}

func (w *wf) decode(res testkit.Response) nom {
	w.t.Helper()
	var n nom
	res.JSON(w.t, &n)
	return n
}

func gardenBody(commune string) map[string]any {
	return map[string]any{
		"type": "model_garden", "commune_code": commune, "title": "Vườn cam của ông Hoàng Văn Thắng",
		"subject":    map[string]any{"owner_name": "Hoàng Văn Thắng", "village": "Thôn Pắc Cáp", "area_m2": 2400, "main_crops": "Cam", "annual_income_vnd": 185000000},
		"assessment": gardenAssessment(true),
	}
}

// gardenAssessment answers every criterion of the demo garden set.
func gardenAssessment(passing bool) []map[string]any {
	area := 300.0 // exactly the threshold: met
	if !passing {
		area = 299
	}
	return []map[string]any{
		{"criterion": "G1.1", "value": area}, {"criterion": "G1.2", "value": true}, {"criterion": "G2.1", "value": true},
		{"criterion": "G2.2", "value": true}, {"criterion": "G3.1", "value": true}, {"criterion": "G3.2", "value": 80},
		{"criterion": "G4.1", "value": 85}, {"criterion": "G4.2", "value": true}, {"criterion": "G5.1", "value": 5},
		{"criterion": "G5.2", "value": 4},
	}
}

func gardenReview(passing bool) map[string]any {
	scores := []map[string]any{}
	for _, c := range []string{"G1.1", "G1.2", "G2.1", "G2.2", "G3.1", "G3.2", "G4.1", "G4.2", "G5.1"} {
		scores = append(scores, map[string]any{"criterion": c, "met": passing || c != "G3.1", "comment": ""})
	}
	scores = append(scores, map[string]any{"criterion": "G5.2", "score": 4})
	return map[string]any{"scores": scores, "summary": "Đã thẩm định thực tế", "visited_on": "2022-08-20"}
}

func ifMatch(v int) []string { return []string{"If-Match", `"` + strconv.Itoa(v) + `"`} }

// create makes a garden draft in the officer's commune with photo and minutes attached.
func (w *wf) create(officer, commune string) nom {
	w.t.Helper()
	return w.createWith(officer, gardenBody(commune))
}

func (w *wf) createWith(officer string, body map[string]any) nom {
	w.t.Helper()
	res := w.do(officer, "POST", "/api/v1/nominations", body)
	if res.Status != 201 {
		w.t.Fatalf("create: %d %s", res.Status, res.Body)
	}
	n := w.decode(res)
	w.upload(officer, n.ID, "photo", "ảnh vườn.png", pngBytes(), 201)
	w.upload(officer, n.ID, "minutes", "biên bản.pdf", pdfBytes(), 201)
	return n
}

// pathTo lists the workflow steps from draft to status.
var pathTo = map[string][]string{
	"draft":        {},
	"submitted":    {"submit"},
	"under_review": {"submit", "start_review"},
	"returned":     {"submit", "start_review", "return"},
	"endorsed":     {"submit", "start_review", "review", "endorse"},
	"approved":     {"submit", "start_review", "review", "endorse", "approve"},
}

// drive takes n through the steps; approve uses the given decision.
func (w *wf) drive(officer, reviewer string, n nom, status string, decision map[string]string) nom {
	w.t.Helper()
	for _, step := range pathTo[status] {
		switch step {
		case "submit":
			n = w.act(officer, n, step, nil, 200)
		case "review":
			n = w.review(reviewer, n, true, 200)
		case "approve":
			n = w.act("tinh", n, step, map[string]any{"decision": decision}, 200)
		default:
			n = w.act(reviewer, n, step, map[string]any{"comment": "Ý kiến của huyện"}, 200)
		}
	}
	return n
}

func (w *wf) act(user string, n nom, action string, extra map[string]any, want int) nom {
	w.t.Helper()
	body := map[string]any{"action": action}
	for k, v := range extra {
		body[k] = v
	}
	res := w.do(user, "POST", fmt.Sprintf("/api/v1/nominations/%d/transitions", n.ID), body, ifMatch(n.Version)...)
	if res.Status != want {
		w.t.Fatalf("%s by %s on %s: %d, want %d: %s", action, user, n.Status, res.Status, want, res.Body)
	}
	if res.Status == 200 {
		return w.decode(res)
	}
	return n
}

func (w *wf) review(user string, n nom, passing bool, want int) nom {
	w.t.Helper()
	res := w.do(user, "PUT", fmt.Sprintf("/api/v1/nominations/%d/review", n.ID), gardenReview(passing), ifMatch(n.Version)...)
	if res.Status != want {
		w.t.Fatalf("review by %s: %d, want %d: %s", user, res.Status, want, res.Body)
	}
	if res.Status == 200 {
		return w.decode(res)
	}
	return n
}

func (w *wf) get(user string, id int64) nom {
	w.t.Helper()
	res := w.do(user, "GET", fmt.Sprintf("/api/v1/nominations/%d", id), nil)
	if res.Status != 200 {
		w.t.Fatalf("get %d as %s: %d %s", id, user, res.Status, res.Body)
	}
	return w.decode(res)
}

// advance brings a fresh nomination of Hải Yến to status through the workflow.
func (w *wf) advance(status string) nom {
	w.t.Helper()
	return w.drive("xa.haiyen", "caoloc", w.create("xa.haiyen", "06220"), status, nextDecision())
}

var decisionSeq atomic.Int64

func nextDecision() map[string]string {
	return map[string]string{"number": fmt.Sprintf("%d/QĐ-UBND", 1000+decisionSeq.Add(1)), "date": "2022-09-15", "signer": "Hồ Tiến Thiệu"}
}

func (w *wf) upload(user string, id int64, kind, filename string, content []byte, want int) testkit.Response {
	w.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if kind != "" {
		_ = mw.WriteField("kind", kind)
	}
	fw, _ := mw.CreateFormFile("file", filename)
	_, _ = fw.Write(content)
	_ = mw.Close()
	req, _ := http.NewRequest("POST", fmt.Sprintf("%s/api/v1/nominations/%d/attachments", w.a.URL, id), &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+w.token(user))
	res, err := w.a.Server.Client().Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if res.StatusCode != want {
		w.t.Fatalf("upload %s by %s: %d, want %d: %s", filename, user, res.StatusCode, want, raw)
	}
	return testkit.Response{Status: res.StatusCode, Header: res.Header, Body: string(raw)}
}

func pngBytes() []byte {
	var buf bytes.Buffer
	_ = png.Encode(&buf, image.NewRGBA(image.Rect(0, 0, 8, 8)))
	return buf.Bytes()
}

func pdfBytes() []byte { return []byte("%PDF-1.4\n%âãÏÓ\ntrailer << >>\n%%EOF\n") }

func historyOf(t *testing.T, w *wf, user string, id int64) []map[string]any {
	t.Helper()
	var h struct {
		Items []map[string]any `json:"items"`
	}
	res := w.do(user, "GET", fmt.Sprintf("/api/v1/nominations/%d/history", id), nil)
	if res.Status != 200 {
		t.Fatalf("history: %d %s", res.Status, res.Body)
	}
	res.JSON(t, &h)
	return h.Items
}
