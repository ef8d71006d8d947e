package store_test

import (
	"context"
	"testing"

	"github.com/ntmflow/ntmflow/internal/store"
	"github.com/ntmflow/ntmflow/internal/testkit"
)

// TestCompactLowerAgreesWithSQL: the Go fold of a reference number and the SQL one the
// decisions migration groups existing numbers by give the same key, on either database,
// for every capital Vietnamese letter as well as ASCII; spacing and case never matter.
func TestCompactLowerAgreesWithSQL(t *testing.T) {
	st := testkit.NewDB(t)
	cases := map[string]string{
		"12/QĐ-UBND":         "12/qđ-ubnd",
		" 12/qđ-ubnd ":       "12/qđ-ubnd",
		"12 / QĐ - UBND":     "12/qđ-ubnd",
		"1520/QĐ-UBND\u00a0": "1520/qđ-ubnd",
		"ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬĐÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ": "àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ",
		"Số 7/KH-SNN": "số7/kh-snn",
	}
	for in, want := range cases {
		if got := store.CompactLower(in); got != want {
			t.Errorf("CompactLower(%q) = %q, want %q", in, got, want)
		}
		var got string
		if err := st.DB(context.Background()).Raw("SELECT "+store.CompactLowerSQL("?"), in).Scan(&got).Error; err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("CompactLowerSQL(%q) = %q on %s, want %q", in, got, testkit.Backend(), want)
		}
	}
}

// TestDecisionsMigrationGroupsExistingRecognitions: migration 00016 turns the
// recognitions issued before decisions existed into one decision per province and folded
// number (case and spacing ignored), numbers their certificates in the order of their
// ids, and from then on a recognition needs its decision; on both databases.
func TestDecisionsMigrationGroupsExistingRecognitions(t *testing.T) {
	ctx := context.Background()
	st := testkit.NewEmptyDB(t)
	if _, err := st.MigrateTo(ctx, 14); err != nil {
		t.Fatal(err)
	}
	exec(t, st, `INSERT INTO users (id, username, full_name, password_hash, created_at, updated_at)
		VALUES (1, 'tinh', 'Tỉnh', 'x', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)`)
	exec(t, st, `INSERT INTO criteria_sets (id, type, version, name, province_code, min_score, all_required, validity_years,
		required_attachments, criteria, published_at) VALUES (7, 'model_garden', 1, 'Bộ tiêu chí vườn mẫu', '20', 80, TRUE, 3, '[]', '[]', CURRENT_TIMESTAMP)`)
	// Recognitions 5, 6 and 9 share a decision of Lạng Sơn under three spellings; 7 has one
	// of its own; 8 has the same number in Hà Nội, another province's decision.
	recs := []struct {
		id                 int64
		province, commune  string
		number, date       string
		approvedInWorkflow bool
	}{
		{5, "20", "06220", "12/QĐ-UBND", "2022-09-15", true},
		{6, "20", "06238", "12/qđ-ubnd", "2022-09-15", true},
		{7, "20", "06220", "1520/QĐ-UBND", "2022-10-01", false},
		{8, "01", "00004", "12/QĐ-UBND", "2022-09-20", false},
		{9, "20", "06142", "12 /QĐ-UBND", "2022-09-15", true},
	}
	for _, r := range recs {
		nid := r.id + 10
		exec(t, st, `INSERT INTO nominations (id, type, status, version, commune_code, district_code, province_code, unit_path,
			criteria_set_id, title, search_text, subject, assessment, created_by, created_at, updated_at, recognition_id, dossier_sha256)
			VALUES (?, 'model_garden', 'approved', 6, ?, '', ?, ?, 7, 'Vườn', 'vuon', '{}', '[]', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, ?, 'abc')`,
			nid, r.commune, r.province, "/"+r.province+"/"+r.commune, r.id)
		if r.approvedInWorkflow {
			exec(t, st, `INSERT INTO nomination_history (nomination_id, at, actor_id, actor, action, from_status, to_status, dossier_sha256)
				VALUES (?, CURRENT_TIMESTAMP, 1, 'tinh', 'approve', 'endorsed', 'approved', 'abc')`, nid)
		}
		exec(t, st, `INSERT INTO recognitions (id, nomination_id, type, commune_code, district_code, province_code, unit_path,
			title, decision_number, decision_date, signer, valid_until, created_at)
			VALUES (?, ?, 'model_garden', ?, '', ?, ?, 'Vườn', ?, ?, 'Hồ Tiến Thiệu', '2025-09-15', CURRENT_TIMESTAMP)`,
			r.id, nid, r.commune, r.province, "/"+r.province+"/"+r.commune, r.number, r.date)
	}
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}

	var got []struct {
		ID                int64
		DecisionID        int64
		CertificateNumber string
		SignerTitle       string
	}
	if err := st.DB(ctx).Raw(`SELECT id, decision_id, certificate_number, signer_title FROM recognitions ORDER BY id`).Scan(&got).Error; err != nil {
		t.Fatal(err)
	}
	want := map[int64]string{5: "12/QĐ-UBND-1", 6: "12/QĐ-UBND-2", 7: "1520/QĐ-UBND-1", 8: "12/QĐ-UBND-1", 9: "12/QĐ-UBND-3"}
	decisionOf := map[int64]int64{}
	for _, r := range got {
		decisionOf[r.ID] = r.DecisionID
		if r.CertificateNumber != want[r.ID] || r.SignerTitle != "Chủ tịch" || r.DecisionID == 0 {
			t.Errorf("recognition %d: %+v, want certificate %s", r.ID, r, want[r.ID])
		}
	}
	if len(got) != 5 || decisionOf[5] != decisionOf[6] || decisionOf[5] != decisionOf[9] || decisionOf[7] == decisionOf[5] || decisionOf[8] == decisionOf[5] {
		t.Fatalf("recognitions grouped %v", decisionOf)
	}
	var decisions []struct {
		ID           int64
		ProvinceCode string
		Number       string
		NumberKey    string
		Certificates int
		CreatedBy    *int64
		Date         string
	}
	if err := st.DB(ctx).Raw(`SELECT id, province_code, number, number_key, certificates, created_by,
		` + dateText(st, "decision_date") + ` AS date FROM decisions ORDER BY id`).Scan(&decisions).Error; err != nil {
		t.Fatal(err)
	}
	if len(decisions) != 3 {
		t.Fatalf("decisions %+v", decisions)
	}
	first := decisions[0]
	if first.ID != decisionOf[5] || first.ProvinceCode != "20" || first.Number != "12/QĐ-UBND" || first.NumberKey != "12/qđ-ubnd" ||
		first.Certificates != 3 || first.CreatedBy == nil || *first.CreatedBy != 1 || first.Date != "2022-09-15" {
		t.Errorf("the shared decision %+v", first)
	}
	if d := decisions[1]; d.Number != "1520/QĐ-UBND" || d.Certificates != 1 || d.CreatedBy != nil {
		t.Errorf("a decision without approve history %+v", d)
	}
	if d := decisions[2]; d.ProvinceCode != "01" || d.NumberKey != "12/qđ-ubnd" {
		t.Errorf("Hà Nội's decision %+v", d)
	}

	// From now on a recognition belongs to a decision, and a folded number to one decision
	// per province; recognitions may share a decision number.
	for name, sql := range map[string]string{
		"a recognition without its decision": `INSERT INTO recognitions (nomination_id, type, commune_code, district_code, province_code, unit_path,
			title, decision_number, decision_date, signer, created_at, certificate_number)
			VALUES (15, 'model_garden', '06220', '', '20', '/20/06220', 't', '99/QĐ-UBND', '2022-01-01', 's', CURRENT_TIMESTAMP, '99/QĐ-UBND-1')`,
		"a second decision under a folded number": `INSERT INTO decisions (province_code, number, number_key, decision_date, signer, signer_title, created_at)
			VALUES ('20', '12/Qđ-Ubnd', '12/qđ-ubnd', '2023-01-01', 's', 'Chủ tịch', CURRENT_TIMESTAMP)`,
		"an unknown signer title": `INSERT INTO decisions (province_code, number, number_key, decision_date, signer, signer_title, created_at)
			VALUES ('20', '5/QĐ', '5/qđ', '2023-01-01', 's', 'Giám đốc', CURRENT_TIMESTAMP)`,
	} {
		if err := st.DB(ctx).Exec(sql).Error; err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// dateText reads a DATE column as YYYY-MM-DD on either database.
func dateText(st *store.Store, column string) string {
	if st.Dialect() == store.SQLite {
		return "substr(" + column + ", 1, 10)"
	}
	return "to_char(" + column + ", 'YYYY-MM-DD')"
}
