package server_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/ntmflow/ntmflow/internal/identity"
)

// TestIdempotentCreateReplay: a repeated POST with the same Idempotency-Key answers the
// first nomination only to its creator, only with the same request (whatever its spacing
// or key order), and only while she may still read it, exactly as GET would.
func TestIdempotentCreateReplay(t *testing.T) {
	t.Parallel()
	w := newWF(t)
	key := []string{"Idempotency-Key", "tao-ho-so-1"}
	body := gardenBody("06220")
	res := w.do("xa.haiyen", "POST", "/api/v1/nominations", body, key...)
	if res.Status != 201 || res.Header.Get("Idempotent-Replayed") != "" {
		t.Fatalf("first create: %d %v %s", res.Status, res.Header, res.Body)
	}
	first := w.decode(res)

	// The same request again, keys reordered and spaced differently: the first result.
	same := `{ "title": "Vườn cam của ông Hoàng Văn Thắng", "commune_code": "06220", "type": "model_garden",
		"assessment": [` + assessmentJSON() + `],
		"subject": {"village": "Thôn Pắc Cáp", "owner_name": "Hoàng Văn Thắng", "main_crops": "Cam", "annual_income_vnd": 185000000, "area_m2": 2400.0} }`
	res = w.do("xa.haiyen", "POST", "/api/v1/nominations", same, key...)
	if res.Status != 201 || res.Header.Get("Idempotent-Replayed") != "true" || w.decode(res).ID != first.ID {
		t.Fatalf("replay of the same request: %d %v %s", res.Status, res.Header, res.Body)
	}
	// The key with another request: refused, nothing created.
	other := gardenBody("06220")
	other["title"] = "Vườn quýt khác"
	res = w.do("xa.haiyen", "POST", "/api/v1/nominations", other, key...)
	if res.Status != 422 || !strings.Contains(res.Body, `"code":"idempotency_key_reused"`) {
		t.Fatalf("same key, other body: %d %s", res.Status, res.Body)
	}
	// Keys are per user: another officer's same key creates her own nomination.
	res = w.do("xa.mauson", "POST", "/api/v1/nominations", gardenBody("06238"), key...)
	if res.Status != 201 || res.Header.Get("Idempotent-Replayed") != "" || w.decode(res).ID == first.ID {
		t.Fatalf("another user's key: %d %v %s", res.Status, res.Header, res.Body)
	}
	if n := countNominations(t, w, "tinh"); n != 2 {
		t.Fatalf("%d nominations, want 2", n)
	}

	// The district reviews the dossier; then the officer is moved to another commune.
	w.upload("xa.haiyen", first.ID, "photo", "ảnh vườn.png", pngBytes(), 201)
	w.upload("xa.haiyen", first.ID, "minutes", "biên bản.pdf", pdfBytes(), 201)
	n := w.drive("xa.haiyen", "caoloc", w.get("xa.haiyen", first.ID), "under_review", nil)
	w.review("caoloc", n, true, 200)
	ctx := context.Background()
	if err := w.a.Identity.GrantRole(ctx, "xa.haiyen", identity.RoleAt{Role: "commune_officer", UnitCode: "06238"}); err != nil {
		t.Fatal(err)
	}
	if err := w.a.Identity.RevokeRole(ctx, "xa.haiyen", identity.RoleAt{Role: "commune_officer", UnitCode: "06220"}); err != nil {
		t.Fatal(err)
	}
	delete(w.tokens, "xa.haiyen")
	path := fmt.Sprintf("/api/v1/nominations/%d", first.ID)
	if res := w.do("xa.haiyen", "GET", path, nil); res.Status != 404 {
		t.Fatalf("GET after the move: %d", res.Status)
	}
	for name, b := range map[string]any{"same body": same, "other body": other} {
		res := w.do("xa.haiyen", "POST", "/api/v1/nominations", b, key...)
		if res.Status != 404 || strings.Contains(res.Body, "review") || strings.Contains(res.Body, "Hoàng Văn Thắng") {
			t.Errorf("replay (%s) after the move: %d %s", name, res.Status, res.Body)
		}
	}
	// Without any role at all: still not found.
	if err := w.a.Identity.RevokeRole(ctx, "xa.haiyen", identity.RoleAt{Role: "commune_officer", UnitCode: "06238"}); err != nil {
		t.Fatal(err)
	}
	delete(w.tokens, "xa.haiyen")
	if res := w.do("xa.haiyen", "POST", "/api/v1/nominations", same, key...); res.Status != 404 {
		t.Errorf("replay without roles: %d %s", res.Status, res.Body)
	}
	if n := countNominations(t, w, "tinh"); n != 2 {
		t.Fatalf("%d nominations after the replays, want 2", n)
	}
}

// assessmentJSON is gardenAssessment(true) written by hand, in another order.
func assessmentJSON() string {
	var parts []string
	for _, it := range gardenAssessment(true) {
		parts = append(parts, fmt.Sprintf(`{"value": %v, "criterion": %q}`, it["value"], it["criterion"]))
	}
	return strings.Join(parts, ", ")
}

func countNominations(t *testing.T, w *wf, user string) int {
	t.Helper()
	var page struct {
		Items []nom `json:"items"`
	}
	res := w.do(user, "GET", "/api/v1/nominations?limit=100", nil)
	if res.Status != 200 {
		t.Fatalf("list: %d %s", res.Status, res.Body)
	}
	res.JSON(t, &page)
	return len(page.Items)
}
