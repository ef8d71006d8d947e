package store_test

import (
	"testing"

	"github.com/ntmflow/ntmflow/internal/store"
	"github.com/ntmflow/ntmflow/internal/testkit"
)

// TestLikeMatchesTextLiterally: a pattern built with EscapeLike and matched with Like finds
// the text itself, wildcards and backslashes included, and nothing else, on either
// database (SQLite has no default escape character; PostgreSQL's is the backslash).
func TestLikeMatchesTextLiterally(t *testing.T) {
	st := testkit.NewDB(t)
	cases := []struct {
		value, term string
		want        bool
	}{
		{"vườn 100% hữu cơ", "100%", true},
		{"vườn 1000 cây", "100%", false},
		{"nguyen_van", "n_v", true},
		{"nguyen van", "n_v", false},
		{"nguyenXvan", "n_v", false},
		{`a\b`, `a\b`, true},
		{"ab", `a\b`, false},
		{"/20/183/06220", "/20/183/", true},
		{"/20/1830/06220", "/20/183/", false},
	}
	for _, tc := range cases {
		var n int
		err := st.DB(t.Context()).Raw("SELECT COUNT(*) FROM (SELECT CAST(? AS TEXT) AS v) AS x WHERE "+store.Like("v"),
			tc.value, "%"+store.EscapeLike(tc.term)+"%").Scan(&n).Error
		if err != nil {
			t.Fatal(err)
		}
		if got := n == 1; got != tc.want {
			t.Errorf("%q contains %q = %v, want %v", tc.value, tc.term, got, tc.want)
		}
	}
}

// TestYearOf: the one year-of-date expression reads the year of a DATE column on either
// database.
func TestYearOf(t *testing.T) {
	st := testkit.NewDB(t)
	db := st.DB(t.Context())
	if err := db.Exec("CREATE TABLE year_probe (d DATE NOT NULL)").Error; err != nil {
		t.Fatal(err)
	}
	if err := db.Exec("INSERT INTO year_probe (d) VALUES ('2024-12-31'), ('2025-01-01')").Error; err != nil {
		t.Fatal(err)
	}
	var years []int
	if err := db.Raw("SELECT " + st.Dialect().YearOf("d") + " FROM year_probe ORDER BY d").Scan(&years).Error; err != nil {
		t.Fatal(err)
	}
	if len(years) != 2 || years[0] != 2024 || years[1] != 2025 {
		t.Fatalf("years = %v", years)
	}
}
