package calendar_test

import (
	"testing"
	"time"

	"github.com/ntmflow/ntmflow/internal/calendar"
)

func day(s string) time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return d
}

// days builds a holiday set from dates.
func days(names map[string]string) map[time.Time]string {
	out := map[time.Time]string{}
	for d, n := range names {
		out[day(d)] = n
	}
	return out
}

// fixture holds the official days off around the cases: New Year 2022 (a Saturday, made
// up on Monday 3 January), Tết Giáp Thìn 2024 (Thursday 8 to Wednesday 14 February), New
// Year 2025 (a Wednesday) and 2026 (a Thursday).
var fixture = calendar.New(days(map[string]string{
	"2022-01-01": "Tết Dương lịch", "2022-01-03": "Nghỉ bù Tết Dương lịch",
	"2024-02-08": "Tết", "2024-02-09": "Tết", "2024-02-10": "Tết", "2024-02-11": "Tết",
	"2024-02-12": "Tết", "2024-02-13": "Tết", "2024-02-14": "Tết",
	"2025-01-01": "Tết Dương lịch", "2026-01-01": "Tết Dương lịch",
}))

func TestAddWorkingDays(t *testing.T) {
	cases := []struct {
		name  string
		cal   *calendar.Calendar
		start string
		n     int
		want  string
	}{
		{"n=0 is the start itself", fixture, "2024-03-06", 0, "2024-03-06"},
		{"n=0 on a holiday stays on it", fixture, "2024-02-12", 0, "2024-02-12"},
		{"n=0 on a Sunday stays on it", fixture, "2024-03-10", 0, "2024-03-10"},
		{"a plain week", fixture, "2024-03-04", 5, "2024-03-11"},
		{"Friday plus one is Monday", fixture, "2024-03-08", 1, "2024-03-11"},
		{"Tết: the last day before it, plus one", fixture, "2024-02-07", 1, "2024-02-15"},
		{"Tết: 15 working days across it", fixture, "2024-02-07", 15, "2024-03-06"},
		{"start on a holiday (Tết Monday)", fixture, "2024-02-12", 1, "2024-02-15"},
		{"start on a Saturday in Tết", fixture, "2024-02-10", 2, "2024-02-16"},
		{"holiday on a Saturday with its Monday made up", fixture, "2021-12-31", 1, "2022-01-04"},
		{"holiday on a Saturday alone costs nothing",
			calendar.New(days(map[string]string{"2022-01-01": "Tết Dương lịch"})), "2021-12-31", 1, "2022-01-03"},
		{"year boundary over New Year's Day", fixture, "2024-12-31", 1, "2025-01-02"},
		{"year boundary, two days", fixture, "2025-12-31", 2, "2026-01-05"},
		{"year boundary without holidays", &calendar.Calendar{}, "2025-12-31", 1, "2026-01-01"},
		{"counting back over Tết", fixture, "2024-02-15", -1, "2024-02-07"},
		{"counting back over a weekend", fixture, "2024-03-11", -2, "2024-03-07"},
	}
	for _, c := range cases {
		got := c.cal.AddWorkingDays(day(c.start), c.n)
		if got.Format(time.DateOnly) != c.want {
			t.Errorf("%s: AddWorkingDays(%s, %d) = %s, want %s", c.name, c.start, c.n, got.Format(time.DateOnly), c.want)
		}
	}
}

func TestWorkingDaysBetween(t *testing.T) {
	cases := []struct {
		name     string
		from, to string
		want     int
	}{
		{"same day", "2024-03-06", "2024-03-06", 0},
		{"Friday to Saturday", "2024-03-08", "2024-03-09", 0},
		{"Friday to Monday", "2024-03-08", "2024-03-11", 1},
		{"across Tết", "2024-02-07", "2024-02-15", 1},
		{"inside Tết", "2024-02-08", "2024-02-14", 0},
		{"15 across Tết", "2024-02-07", "2024-03-06", 15},
		{"backwards", "2024-03-06", "2024-02-07", -15},
		{"across the year", "2024-12-30", "2025-01-03", 3},
		{"holiday on a weekend with its make-up day", "2021-12-31", "2022-01-04", 1},
	}
	for _, c := range cases {
		if got := fixture.WorkingDaysBetween(day(c.from), day(c.to)); got != c.want {
			t.Errorf("%s: WorkingDaysBetween(%s, %s) = %d, want %d", c.name, c.from, c.to, got, c.want)
		}
	}
}

// TestAddAndBetweenAreInverse: for every start of 2022–2026 and n up to 30, the date n
// working days on is a working day n working days away, and counting back returns to the
// last working day at or before the start.
func TestAddAndBetweenAreInverse(t *testing.T) {
	for d := day("2022-01-01"); d.Year() < 2027; d = d.AddDate(0, 0, 1) {
		for n := 0; n <= 30; n++ {
			got := fixture.AddWorkingDays(d, n)
			if between := fixture.WorkingDaysBetween(d, got); between != n {
				t.Fatalf("WorkingDaysBetween(%s, AddWorkingDays(…, %d) = %s) = %d", d.Format(time.DateOnly), n, got.Format(time.DateOnly), between)
			}
			if n > 0 && !fixture.IsWorkingDay(got) {
				t.Fatalf("AddWorkingDays(%s, %d) = %s, not a working day", d.Format(time.DateOnly), n, got.Format(time.DateOnly))
			}
			if n > 0 && fixture.IsWorkingDay(d) && !fixture.AddWorkingDays(got, -n).Equal(d) {
				t.Fatalf("counting %d back from %s does not return to %s", n, got.Format(time.DateOnly), d.Format(time.DateOnly))
			}
		}
	}
}

// TestDatesAreDays: the time of day and the zone are ignored; results are midnight UTC.
func TestDatesAreDays(t *testing.T) {
	ict := time.FixedZone("ICT", 7*3600)
	start := time.Date(2024, 2, 7, 23, 30, 0, 0, ict) // still 7 February in Vietnam
	got := fixture.AddWorkingDays(start, 1)
	if !got.Equal(day("2024-02-15")) || got.Location() != time.UTC {
		t.Errorf("AddWorkingDays from 23:30 in Vietnam = %v", got)
	}
	if name, ok := fixture.Holiday(time.Date(2024, 2, 12, 18, 0, 0, 0, ict)); !ok || name != "Tết" {
		t.Errorf("Holiday(12/02/2024 18:00) = %q, %v", name, ok)
	}
	var none *calendar.Calendar
	if !none.IsWorkingDay(day("2024-02-12")) || none.IsWorkingDay(day("2024-02-10")) {
		t.Error("a nil calendar: weekdays work, weekends do not")
	}
}
