package units_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/testkit"
	"github.com/ntmflow/ntmflow/internal/units"
)

// TestStandsOnAgreesWithValidOnSQL: the rule "standing on a day" in memory answers as the
// query does, on the first and last days of a version, the days around them, a one-day
// version, dates stored with a time after them and days given in other time zones.
func TestStandsOnAgreesWithValidOnSQL(t *testing.T) {
	ctx := context.Background()
	st := testkit.NewDB(t)
	date := func(s string) time.Time {
		d, err := time.Parse(time.DateTime, s)
		if err != nil {
			d, err = time.Parse(time.DateOnly, s)
		}
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	to := func(s string) *time.Time { d := date(s); return &d }
	now := time.Now().UTC()
	rows := []units.Unit{
		{Code: "90001", ValidFrom: date("2025-03-01"), ValidTo: to("2025-06-30")},
		{Code: "90001", ValidFrom: date("2025-07-01")},
		{Code: "90002", ValidFrom: date("2025-07-01 12:30:00"), ValidTo: to("2026-01-15 18:00:00")},
		{Code: "90003", ValidFrom: date("2024-12-31"), ValidTo: to("2024-12-31")},
	}
	for i := range rows {
		rows[i].Level, rows[i].Name, rows[i].Kind, rows[i].Path = units.Commune, "Xã "+rows[i].Code, "Xã", "/90/"+rows[i].Code
		rows[i].CreatedAt, rows[i].UpdatedAt = now, now
	}
	if err := st.DB(ctx).Create(&rows).Error; err != nil {
		t.Fatal(err)
	}
	var stored []units.Unit
	if err := st.DB(ctx).Where("code LIKE ?", "900%").Find(&stored).Error; err != nil {
		t.Fatal(err)
	}
	days := []time.Time{
		date("2024-12-30"), date("2024-12-31"), date("2025-01-01"), date("2025-02-28"), date("2025-03-01"),
		date("2025-06-30"), date("2025-07-01"), date("2025-07-02"), date("2026-01-14"), date("2026-01-15"),
		date("2026-01-16"), date("2030-01-01"),
		time.Date(2025, 7, 1, 0, 0, 0, 0, time.FixedZone("ICT", 7*3600)),    // 30 June 17:00 UTC
		time.Date(2025, 6, 30, 20, 0, 0, 0, time.FixedZone("EST", -5*3600)), // 1 July 01:00 UTC
		time.Date(2026, 1, 15, 23, 59, 0, 0, time.UTC),
	}
	for _, d := range days {
		cond, args := units.ValidOnSQL("", d)
		var ids []int64
		if err := st.DB(ctx).Model(&units.Unit{}).Where("code LIKE ?", "900%").Where(cond, args...).Order("id").Pluck("id", &ids).Error; err != nil {
			t.Fatal(err)
		}
		var mem []int64
		for _, u := range stored {
			if u.StandsOn(d) {
				mem = append(mem, u.ID)
			}
		}
		slices.Sort(mem)
		if !slices.Equal(ids, mem) {
			t.Errorf("on %s: the query finds %v, StandsOn %v", d, ids, mem)
		}
	}
}

func linksString(l []units.Link) string {
	parts := make([]string, len(l))
	for i, x := range l {
		parts[i] = x.Code + " " + x.Name + " " + string(x.Share)
	}
	return strings.Join(parts, "; ")
}

// TestHistoryAgreesWithQueries: the history read in bulk answers as the queries one unit at
// a time do (GetOn, Successors, Predecessors), forward and backward, on days before, at and
// after the reform.
func TestHistoryAgreesWithQueries(t *testing.T) {
	ctx := context.Background()
	svc, st := twoTierLangSon(t)
	var all []string
	if err := st.DB(ctx).Model(&units.Unit{}).Where("path LIKE ?", "/20%").Distinct().Order("code").Pluck("code", &all).Error; err != nil {
		t.Fatal(err)
	}
	var codes []string
	for i, c := range all { // a sample, and the units the other tests speak of
		if i%4 == 0 || slices.Contains([]string{"20", "178", "183", "05977", "06220", "06247", "06622", "06613", "06625"}, c) {
			codes = append(codes, c)
		}
	}
	forward, err := svc.LoadHistory(ctx, codes, units.Forward)
	if err != nil {
		t.Fatal(err)
	}
	backward, err := svc.LoadHistory(ctx, codes, units.Backward)
	if err != nil {
		t.Fatal(err)
	}
	days := []time.Time{june30.AddDate(-1, 0, 0), june30.AddDate(0, -4, -1), june30, july1, july1.AddDate(1, 0, 0)}
	for _, code := range codes {
		for _, d := range days {
			want, err := svc.GetOn(ctx, code, d)
			if err != nil && !errors.Is(err, apperr.ErrNotFound) {
				t.Fatal(err)
			}
			for name, h := range map[string]*units.History{"forward": forward, "backward": backward} {
				if got, _ := h.On(code, d); got.ID != want.ID {
					t.Errorf("%s on %s (%s): %d, want %d", code, day(d), name, got.ID, want.ID)
				}
			}
			if err != nil {
				continue
			}
			succ, err := svc.Successors(ctx, code, d)
			if err != nil {
				t.Fatal(err)
			}
			if got := linksString(forward.Successors(want, d)); got != linksString(succ) {
				t.Errorf("successors of %s on %s: %s, want %s", code, day(d), got, linksString(succ))
			}
			pred, err := svc.Predecessors(ctx, code, d)
			if err != nil {
				t.Fatal(err)
			}
			if got := linksString(backward.Predecessors(want, d)); got != linksString(pred) {
				t.Errorf("predecessors of %s on %s: %s, want %s", code, day(d), got, linksString(pred))
			}
		}
	}
}

func day(d time.Time) string { return d.Format(time.DateOnly) }

func stepsString(steps []units.Step) string {
	parts := make([]string, len(steps))
	for i, s := range steps {
		parts[i] = fmt.Sprintf("%s %s %s", s.Unit.Code, s.Unit.Name, s.Share)
	}
	return strings.Join(parts, "; ")
}

// TestHistoryWentInto: an ended version goes into the versions standing on the reform's
// day (Hải Yến whole into Xã Công Sơn under its own code; Bính Xá in parts); a current one
// goes nowhere. Reading the history of every unit of Lạng Sơn costs as many queries as one.
func TestHistoryWentInto(t *testing.T) {
	ctx := context.Background()
	svc, st := twoTierLangSon(t)
	var n atomic.Int64
	if err := st.DB(ctx).Callback().Query().After("gorm:query").Register("test:count_history", func(*gorm.DB) { n.Add(1) }); err != nil {
		t.Fatal(err)
	}
	n.Store(0)
	h, err := svc.LoadHistory(ctx, []string{"06220", "06622"}, units.Forward)
	if err != nil {
		t.Fatal(err)
	}
	few := n.Swap(0)
	haiYen, ok := h.On("06220", june30)
	if !ok || haiYen.Name != "Xã Hải Yến" {
		t.Fatalf("06220 on 30 June 2025: %+v", haiYen)
	}
	if s := stepsString(h.WentInto(haiYen)); s != "06220 Xã Công Sơn full" {
		t.Errorf("Hải Yến went into %s", s)
	}
	congSon, _ := h.Current("06220")
	if congSon.Name != "Xã Công Sơn" || len(h.WentInto(congSon)) != 0 {
		t.Errorf("Công Sơn: %+v went into %v", congSon, h.WentInto(congSon))
	}
	binhXa, _ := h.On("06622", june30)
	if s := stepsString(h.WentInto(binhXa)); !strings.Contains(s, "06613 Xã Đình Lập partial") || !strings.Contains(s, "06625 ") {
		t.Errorf("Bính Xá went into %s", s)
	}

	var all []string
	if err := st.DB(ctx).Model(&units.Unit{}).Where("path LIKE ?", "/20%").Distinct().Pluck("code", &all).Error; err != nil {
		t.Fatal(err)
	}
	for _, follow := range []units.Follow{units.Forward, units.Backward} {
		n.Store(0)
		if _, err := svc.LoadHistory(ctx, []string{"06220"}, follow); err != nil {
			t.Fatal(err)
		}
		one := n.Swap(0)
		if _, err := svc.LoadHistory(ctx, all, follow); err != nil {
			t.Fatal(err)
		}
		if many := n.Load(); len(all) < 200 || many > one || many > 3 {
			t.Errorf("follow %d: %d queries for %d codes, %d for one", follow, many, len(all), one)
		}
	}
	if few > 2 {
		t.Errorf("%d queries for two communes", few)
	}
}
