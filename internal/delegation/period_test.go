package delegation

import (
	"testing"
	"time"

	"github.com/ntmflow/ntmflow/internal/apperr"
)

func TestCheckPeriod(t *testing.T) {
	today := time.Date(2026, 2, 10, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		from, until string
		bad         string // the field refused, "" when accepted
		wantFrom    string
	}{
		{"", "2026-02-10", "", "2026-02-10"}, // from defaults to today; one day
		{"2026-02-10", "2026-02-20", "", "2026-02-10"},
		{"2026-03-01", "2027-03-01", "", "2026-03-01"}, // exactly a year
		{"2026-03-01", "2027-03-02", "until", ""},      // a day more
		{"2026-02-09", "2026-02-20", "from", ""},       // yesterday
		{"2027-02-11", "2027-02-12", "from", ""},       // begins more than a year away
		{"2026-02-20", "2026-02-19", "until", ""},      // ends before it begins
		{"2026-02-10", "", "until", ""},
		{"10/02/2026", "2026-02-20", "from", ""},
		{"2026-02-10", "2026-02-30", "until", ""},
	}
	for _, c := range cases {
		val := apperr.NewValidation()
		from, _ := checkPeriod(val, c.from, c.until, today)
		_, refused := val.Fields[c.bad]
		switch {
		case c.bad == "" && len(val.Fields) > 0:
			t.Errorf("%q–%q refused: %v", c.from, c.until, val.Fields)
		case c.bad != "" && !refused:
			t.Errorf("%q–%q: want %s refused, got %v", c.from, c.until, c.bad, val.Fields)
		case c.wantFrom != "" && from.Format(time.DateOnly) != c.wantFrom:
			t.Errorf("%q–%q: from %s, want %s", c.from, c.until, from.Format(time.DateOnly), c.wantFrom)
		}
	}
}

func TestStatusOn(t *testing.T) {
	day := time.Date(2026, 2, 10, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		from, until string
		revoked     bool
		want        Status
	}{
		{"2026-02-10", "2026-02-10", false, Active},
		{"2026-02-01", "2026-02-09", false, Ended},
		{"2026-02-11", "2026-02-12", false, Scheduled},
		{"2026-02-01", "2026-02-12", true, Revoked},
	}
	for _, c := range cases {
		if got := statusOn(c.from, c.until, c.revoked, day); got != c.want {
			t.Errorf("%s–%s revoked=%v: %s, want %s", c.from, c.until, c.revoked, got, c.want)
		}
	}
}
