package server_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// TestCriteriaSetPeriodsAPI: POST /criteria-sets takes valid_from/valid_to, the set shows
// them (valid_to null while open), and a bad date or a valid_to before valid_from is a 422
// naming the field. A nomination created today takes the set valid today.
func TestCriteriaSetPeriodsAPI(t *testing.T) {
	t.Parallel()
	w := newWF(t)
	body := func(from, to any) map[string]any {
		b := map[string]any{
			"type": "model_garden", "name": "Bộ tiêu chí vườn mẫu giai đoạn 2026–2030", "province_code": "20",
			"pass_rule": map[string]any{"min_score": 10, "all_required": true}, "validity_years": 3,
			"required_attachments": []string{"photo"},
			"criteria":             []map[string]any{{"code": "V1", "group": "Quy hoạch", "title": "Diện tích", "kind": "number", "threshold": 500, "threshold_op": "ge", "unit": "m²", "max_score": 10, "required": true}},
		}
		if from != nil {
			b["valid_from"] = from
		}
		if to != nil {
			b["valid_to"] = to
		}
		return b
	}
	for _, c := range []struct {
		from, to any
		field    string
	}{
		{"2026-02-30", nil, "valid_from"},
		{"15/02/2026", nil, "valid_from"},
		{"2026-02-15", "2030-12-32", "valid_to"},
		{"2026-02-15", "2026-02-14", "valid_to"},
	} {
		res := w.do("admin", "POST", "/api/v1/criteria-sets", body(c.from, c.to))
		if res.Status != 422 || !strings.Contains(res.Body, `"`+c.field+`"`) {
			t.Errorf("%v..%v: %d %s", c.from, c.to, res.Status, res.Body)
		}
	}
	// A set for a period that ended: shown, but a nomination created today keeps the demo set.
	res := w.do("admin", "POST", "/api/v1/criteria-sets", body("2021-01-01", "2025-12-31"))
	if res.Status != 201 || !strings.Contains(res.Body, `"valid_from":"2021-01-01","valid_to":"2025-12-31"`) {
		t.Fatalf("publish 2021–2025: %d %s", res.Status, res.Body)
	}
	var ended struct {
		ID int64 `json:"id"`
	}
	_ = json.Unmarshal([]byte(res.Body), &ended)
	if got := w.do("xa.haiyen", "GET", fmt.Sprintf("/api/v1/criteria-sets/%d", ended.ID), nil); !strings.Contains(got.Body, `"valid_to":"2025-12-31"`) {
		t.Fatalf("get: %s", got.Body)
	}
	n := w.decode(w.do("xa.haiyen", "POST", "/api/v1/nominations", gardenBody("06220")))
	if n.CriteriaSetID == ended.ID || n.CriteriaSetID == 0 {
		t.Fatalf("a nomination of today took the set of 2021–2025: %+v", n)
	}
	// An open set from 2026 on: the one a nomination of today takes.
	res = w.do("admin", "POST", "/api/v1/criteria-sets", body("2026-01-01", nil))
	if res.Status != 201 || !strings.Contains(res.Body, `"valid_from":"2026-01-01","valid_to":null`) {
		t.Fatalf("publish 2026–: %d %s", res.Status, res.Body)
	}
	var open struct {
		ID int64 `json:"id"`
	}
	_ = json.Unmarshal([]byte(res.Body), &open)
	b := gardenBody("06220")
	b["assessment"] = []map[string]any{{"criterion": "V1", "value": 500}}
	if n := w.decode(w.do("xa.haiyen", "POST", "/api/v1/nominations", b)); n.CriteriaSetID != open.ID {
		t.Fatalf("a nomination of today took set %d, want %d", n.CriteriaSetID, open.ID)
	}
	if res := w.do("xa.haiyen", "GET", "/api/v1/criteria-sets?type=model_garden", nil); !strings.Contains(res.Body, `"valid_from":"2000-01-01","valid_to":null`) {
		t.Fatalf("the demo set has no period shown: %s", res.Body)
	}
}
