package store_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ntmflow/ntmflow/internal/store"
	"github.com/ntmflow/ntmflow/internal/testkit"
)

// exec runs a statement on the store's pool (foreign keys on), failing the test on error.
func exec(t *testing.T, st *store.Store, sql string, args ...any) {
	t.Helper()
	if err := st.DB(context.Background()).Exec(sql, args...).Error; err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}

// A dossier in the schema of migration 00009: a user, a criteria set, a campaign, a
// nomination, its history and the recognition approving it.
func seedBeforeTitles(t *testing.T, st *store.Store) {
	exec(t, st, `INSERT INTO users (id, username, full_name, password_hash, created_at, updated_at)
		VALUES (1, 'tinh', 'Tỉnh', 'x', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)`)
	exec(t, st, `INSERT INTO criteria_sets (id, type, version, name, province_code, min_score, all_required, validity_years,
		required_attachments, criteria, published_at) VALUES (7, 'model_garden', 1, 'Bộ tiêu chí vườn mẫu', '20', 80, TRUE, 3, '[]', '[]', CURRENT_TIMESTAMP)`)
	exec(t, st, `INSERT INTO campaigns (id, name, province_code, starts_on, ends_on, created_at, updated_at)
		VALUES (3, 'Phong trào', '20', '2022-01-01', '2025-12-31', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)`)
	exec(t, st, `INSERT INTO nominations (id, type, status, version, commune_code, district_code, province_code, unit_path,
		campaign_id, criteria_set_id, title, search_text, subject, assessment, created_by, created_at, updated_at, recognition_id, dossier_sha256)
		VALUES (11, 'model_garden', 'approved', 6, '06220', '183', '20', '/20/183/06220', 3, 7, 'Vườn cam', 'vuon cam', '{}', '[]', 1,
		CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 5, 'abc')`)
	exec(t, st, `INSERT INTO nomination_history (nomination_id, at, actor_id, actor, action, from_status, to_status, dossier_sha256)
		VALUES (11, CURRENT_TIMESTAMP, 1, 'tinh', 'approve', 'endorsed', 'approved', 'abc')`)
	exec(t, st, `INSERT INTO recognitions (id, nomination_id, type, commune_code, district_code, province_code, unit_path, campaign_id,
		title, decision_number, decision_date, signer, valid_until, created_at)
		VALUES (5, 11, 'model_garden', '06220', '183', '20', '/20/183/06220', 3, 'Vườn cam', '1520/QĐ-UBND', '2022-09-15', 'Hồ Tiến Thiệu',
		'2025-09-15', CURRENT_TIMESTAMP)`)
}

// TestTitlesMigrationKeepsRowsAndForeignKeys: migration 00010 rebuilds criteria_sets and
// recognitions on SQLite (on a connection without foreign keys). A database holding
// nominations before it keeps every row, accepts the commune titles afterwards, and the
// pool still enforces the foreign keys, the rebuilt tables' included.
func TestTitlesMigrationKeepsRowsAndForeignKeys(t *testing.T) {
	if testkit.PostgresURL() != "" {
		t.Skip("the table rebuild is SQLite's; PostgreSQL alters in place (every PostgreSQL test database runs it)")
	}
	ctx := context.Background()
	st, err := store.Open(ctx, store.Options{SQLitePath: filepath.Join(t.TempDir(), "old.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.MigrateTo(ctx, 9); err != nil {
		t.Fatal(err)
	}
	seedBeforeTitles(t, st)
	if err := st.DB(ctx).Exec(`INSERT INTO criteria_sets (type, version, name, province_code, min_score, all_required, validity_years,
		required_attachments, criteria, published_at) VALUES ('ntm_commune', 1, 'x', '20', 19, TRUE, 0, '[]', '[]', CURRENT_TIMESTAMP)`).Error; err == nil {
		t.Fatal("before 00010 the type check accepted ntm_commune")
	}
	applied, err := st.Migrate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(applied) == 0 || applied[len(applied)-1].Version != store.LatestMigration() {
		t.Fatalf("applied %v", applied)
	}

	var kept struct {
		Sets, Nominations, Recognitions, History int
		ValidUntil, Title                        string
	}
	if err := st.DB(ctx).Raw(`SELECT (SELECT COUNT(*) FROM criteria_sets) AS sets, (SELECT COUNT(*) FROM nominations) AS nominations,
		(SELECT COUNT(*) FROM recognitions) AS recognitions, (SELECT COUNT(*) FROM nomination_history) AS history,
		(SELECT substr(valid_until, 1, 10) FROM recognitions WHERE id = 5) AS valid_until,
		(SELECT title FROM recognitions WHERE id = 5) AS title`).Scan(&kept).Error; err != nil {
		t.Fatal(err)
	}
	if kept.Sets != 1 || kept.Nominations != 1 || kept.Recognitions != 1 || kept.History != 1 ||
		kept.ValidUntil != "2025-09-15" || kept.Title != "Vườn cam" {
		t.Fatalf("after the migration: %+v", kept)
	}

	// The widened schema: a title's set (validity 0) and a recognition without expiry.
	exec(t, st, `INSERT INTO criteria_sets (type, version, name, province_code, min_score, all_required, validity_years,
		required_attachments, criteria, published_at) VALUES ('ntm_commune', 1, 'Bộ tiêu chí quốc gia', '20', 19, TRUE, 0, '[]', '[]', CURRENT_TIMESTAMP)`)
	var newID int64
	if err := st.DB(ctx).Raw(`SELECT id FROM criteria_sets WHERE type = 'ntm_commune'`).Scan(&newID).Error; err != nil || newID <= 7 {
		t.Fatalf("new set id %d (must follow the kept ids), %v", newID, err)
	}
	exec(t, st, `UPDATE recognitions SET valid_until = NULL WHERE id = 5`)
	if err := st.DB(ctx).Exec(`INSERT INTO criteria_sets (type, version, name, province_code, min_score, all_required, validity_years,
		required_attachments, criteria, published_at) VALUES ('commune_garden', 1, 'x', '20', 1, TRUE, 0, '[]', '[]', CURRENT_TIMESTAMP)`).Error; err == nil {
		t.Fatal("the type check accepts an unknown type")
	}

	// Foreign keys are enforced on the pool: into and out of the rebuilt tables.
	for name, sql := range map[string]string{
		"nomination of a missing set": `INSERT INTO nominations (type, status, version, commune_code, district_code, province_code, unit_path,
			criteria_set_id, title, search_text, subject, assessment, created_by, created_at, updated_at, dossier_sha256)
			VALUES ('model_garden', 'draft', 1, '06220', '183', '20', '/20/183/06220', 999, 't', 't', '{}', '[]', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 'x')`,
		"a set a nomination uses": `DELETE FROM criteria_sets WHERE id = 7`,
		"recognition of a missing nomination": `INSERT INTO recognitions (nomination_id, type, commune_code, district_code, province_code, unit_path,
			title, decision_number, decision_date, signer, created_at)
			VALUES (999, 'ntm_commune', '06220', '183', '20', '/20/183/06220', 't', '9/QĐ-UBND', '2022-01-01', 's', CURRENT_TIMESTAMP)`,
		"set published by a missing user": `UPDATE criteria_sets SET published_by = 999 WHERE id = 7`,
	} {
		if err := st.DB(ctx).Exec(sql).Error; err == nil {
			t.Errorf("%s: accepted, foreign keys are not enforced", name)
		}
	}
}

// TestForeignKeysEnforcedAfterMigrate: whatever connection ran the migrations, the pool
// the application uses enforces foreign keys on both databases.
func TestForeignKeysEnforcedAfterMigrate(t *testing.T) {
	ctx := context.Background()
	st := testkit.NewDB(t)
	err := st.DB(ctx).Exec(`INSERT INTO role_grants (user_id, role, unit_code, unit_path, created_at)
		VALUES (999, 'observer', '20', '/20', CURRENT_TIMESTAMP)`).Error
	if err == nil {
		t.Fatal("a grant of a missing user was stored")
	}
	err = st.DB(ctx).Exec(`INSERT INTO recognitions (nomination_id, type, commune_code, district_code, province_code, unit_path,
		title, decision_number, decision_date, signer, created_at)
		VALUES (999, 'ntm_commune', '06220', '183', '20', '/20/183/06220', 't', '9/QĐ-UBND', '2022-01-01', 's', CURRENT_TIMESTAMP)`).Error
	if err == nil {
		t.Fatal("a recognition of a missing nomination was stored")
	}
}

// TestMigrateFailsOnBrokenForeignKeys: a row left referencing nothing (here planted with
// foreign keys off) fails Migrate with a message naming it, instead of passing silently.
func TestMigrateFailsOnBrokenForeignKeys(t *testing.T) {
	if testkit.PostgresURL() != "" {
		t.Skip("PRAGMA foreign_key_check is SQLite's")
	}
	ctx := context.Background()
	st, err := store.Open(ctx, store.Options{SQLitePath: filepath.Join(t.TempDir(), "broken.db")})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.MigrateTo(ctx, 9); err != nil {
		t.Fatal(err)
	}
	conn, err := st.SQL().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"PRAGMA foreign_keys = OFF", `INSERT INTO role_grants (user_id, role, unit_code, unit_path, created_at)
		VALUES (999, 'observer', '20', '/20', CURRENT_TIMESTAMP)`, "PRAGMA foreign_keys = ON"} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	_ = conn.Close()
	_, err = st.Migrate(ctx)
	if err == nil || !strings.Contains(err.Error(), "role_grants row 1 references a missing users") {
		t.Fatalf("Migrate = %v", err)
	}
}
