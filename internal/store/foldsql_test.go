package store_test

import (
	"context"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"

	"github.com/ntmflow/ntmflow/internal/testkit"
	"github.com/ntmflow/ntmflow/internal/textfold"
)

// TestFoldSQLAgreesWithFold: the SQL fold migration 00019 fills the match keys of stored
// rows with gives what textfold.Fold gives, on either database, for every letter of its
// alphabet (A–Z, Latin-1 and Latin Extended-A, ơ ư, the Vietnamese letters), composed or
// decomposed, and for names spaced any way.
func TestFoldSQLAgreesWithFold(t *testing.T) {
	st := testkit.NewDB(t)
	var alphabet strings.Builder
	for _, rg := range [][2]rune{{'A', 'Z'}, {'a', 'z'}, {0xC0, 0x17F}, {0x1A0, 0x1A1}, {0x1AF, 0x1B0}, {0x1EA0, 0x1EF9}} {
		for r := rg[0]; r <= rg[1]; r++ {
			alphabet.WriteRune(r)
			alphabet.WriteByte(' ')
		}
	}
	cases := []string{
		alphabet.String(),
		norm.NFD.String(alphabet.String()),
		"Nguyễn Văn Ấn",
		"NGUYỄN VĂN ẤN",
		norm.NFD.String("Nguyễn Văn Ấn"),
		"  Thôn\tNà  Lầu\u00a0 ",
		"Đặng Thị Thuỷ", "Đặng Thị Thủy", "Hoàng Ngọc Ánh", "Lò Văn Páo", "H'Hen Niê", "Y Ngông Niê Kdăm",
		"Thôn 3 / xóm Bản Mới (khu 2)", "Bùi  Thị\nHường\r\n",
		"a\u0301 \u0300 b", // a stray mark between spaces leaves two spaces, made one
		"100% hữu cơ_vườn", "", "   ",
	}
	for _, in := range cases {
		var got string
		if err := st.DB(context.Background()).Raw("SELECT "+st.Dialect().FoldSQL("CAST(? AS TEXT)"), in).Scan(&got).Error; err != nil {
			t.Fatal(err)
		}
		if want := textfold.Fold(in); got != want {
			t.Errorf("FoldSQL(%q) on %s = %q, want %q", in, testkit.Backend(), got, want)
		}
	}
}

// TestRepeatKeysMigration: migration 00019 gives the gardens and residential areas stored
// before it the match key the application gives new ones (owner and village folded, a
// line feed between; the village alone), none to a commune title, and each recognition
// the key of its nomination; on both databases.
func TestRepeatKeysMigration(t *testing.T) {
	ctx := context.Background()
	st := testkit.NewEmptyDB(t)
	if _, err := st.MigrateTo(ctx, 18); err != nil {
		t.Fatal(err)
	}
	exec(t, st, `INSERT INTO users (id, username, full_name, password_hash, created_at, updated_at)
		VALUES (1, 'xa', 'Xã', 'x', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)`)
	exec(t, st, `INSERT INTO criteria_sets (id, type, version, name, province_code, min_score, all_required, validity_years,
		required_attachments, criteria, published_at) VALUES (7, 'model_garden', 1, 'Bộ tiêu chí vườn mẫu', '20', 80, TRUE, 3, '[]', '[]', CURRENT_TIMESTAMP)`)
	exec(t, st, `INSERT INTO decisions (id, province_code, number, number_key, decision_date, signer, signer_title, created_at)
		VALUES (3, '20', '12/QĐ-UBND', '12/qđ-ubnd', '2024-09-15', 'Hồ Tiến Thiệu', 'Chủ tịch', CURRENT_TIMESTAMP)`)
	rows := []struct {
		id              int64
		typ             string
		owner, village  string
		want            string
		withRecognition bool
	}{
		{1, "model_garden", "Nguyễn Văn Ấn", "Thôn Nà Lầu", "nguyen van an\nthon na lau", true},
		{2, "model_garden", norm.NFD.String("NGUYỄN VĂN ẤN"), "thôn  nà lầu", "nguyen van an\nthon na lau", false},
		{3, "model_residential_area", "", "Khu Đồng Bụt", "khu dong but", true},
		{4, "ntm_commune", "", "", "", false},
	}
	for _, r := range rows {
		exec(t, st, `INSERT INTO nominations (id, type, status, version, commune_code, district_code, province_code, unit_path,
			criteria_set_id, title, owner_name, village, search_text, subject, assessment, created_by, created_at, updated_at, dossier_sha256)
			VALUES (?, ?, 'approved', 6, '06220', '183', '20', '/20/183/06220', 7, 'Vườn', ?, ?, 'vuon', '{}', '[]', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 'abc')`,
			r.id, r.typ, r.owner, r.village)
		if r.withRecognition {
			exec(t, st, `INSERT INTO recognitions (id, nomination_id, type, commune_code, district_code, province_code, unit_path,
				title, owner_name, village, decision_id, decision_number, decision_date, signer, valid_until, created_at, certificate_number)
				VALUES (?, ?, ?, '06220', '183', '20', '/20/183/06220', 'Vườn', ?, ?, 3, '12/QĐ-UBND', '2024-09-15', 'Hồ Tiến Thiệu', '2027-09-15', CURRENT_TIMESTAMP, ?)`,
				r.id+10, r.id, r.typ, r.owner, r.village, "12/QĐ-UBND-"+string(rune('0'+r.id)))
		}
	}
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	var nominations, recognitions []struct {
		ID       int64
		MatchKey string
	}
	if err := st.DB(ctx).Raw(`SELECT id, match_key FROM nominations ORDER BY id`).Scan(&nominations).Error; err != nil {
		t.Fatal(err)
	}
	if err := st.DB(ctx).Raw(`SELECT nomination_id AS id, match_key FROM recognitions ORDER BY id`).Scan(&recognitions).Error; err != nil {
		t.Fatal(err)
	}
	want := map[int64]string{}
	for _, r := range rows {
		want[r.id] = r.want
	}
	if len(nominations) != len(rows) || len(recognitions) != 2 {
		t.Fatalf("nominations %+v, recognitions %+v", nominations, recognitions)
	}
	for _, n := range nominations {
		if n.MatchKey != want[n.ID] {
			t.Errorf("nomination %d: match_key %q, want %q", n.ID, n.MatchKey, want[n.ID])
		}
	}
	for _, r := range recognitions {
		if r.MatchKey != want[r.ID] {
			t.Errorf("recognition of nomination %d: match_key %q, want %q", r.ID, r.MatchKey, want[r.ID])
		}
	}
}
