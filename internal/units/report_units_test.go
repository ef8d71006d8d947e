package units_test

import (
	"context"
	"testing"
)

// The units of a year's records (report_units.go): Cao Lộc stood in 2025 until 30 June,
// so a 2025 target may name it, but not a 2026 one; reports name it as it last stood. A
// reused code is named as it stood by the year (06220: Xã Hải Yến until the reform, Xã
// Công Sơn after it). Unknown codes are left out.
func TestUnitsOfAYearsRecords(t *testing.T) {
	ctx := context.Background()
	svc, _ := twoTierLangSon(t)

	stood, err := svc.StoodInYear(ctx, []string{"183", "05977", "99999", "183"}, 2025)
	if err != nil {
		t.Fatal(err)
	}
	if len(stood) != 2 || stood["183"].Name != "Huyện Cao Lộc" || stood["05977"].Name != "Phường Đông Kinh" {
		t.Errorf("stood in 2025: %+v", stood)
	}
	if stood, err := svc.StoodInYear(ctx, []string{"183"}, 2026); err != nil || len(stood) != 0 {
		t.Errorf("Cao Lộc stood in 2026: %+v, %v", stood, err)
	}
	if stood, err := svc.StoodInYear(ctx, []string{"183"}, 2021); err != nil || stood["183"].Name != "Huyện Cao Lộc" {
		t.Errorf("the earliest list stands for 2021: %+v, %v", stood, err)
	}

	last, err := svc.LastStoodInYear(ctx, []string{"183", "06220", "99999"}, 2026)
	if err != nil {
		t.Fatal(err)
	}
	if len(last) != 2 || last["183"].Name != "Huyện Cao Lộc" || last["183"].ValidTo == nil || last["06220"].Name != "Xã Công Sơn" {
		t.Errorf("as they last stood by 2026: %+v", last)
	}
	if last, err := svc.LastStoodInYear(ctx, []string{"06220"}, 2024); err != nil || last["06220"].Name != "Xã Hải Yến" {
		t.Errorf("06220 by 2024: %+v, %v", last, err)
	}
	if none, err := svc.LastStoodInYear(ctx, nil, 2024); err != nil || len(none) != 0 {
		t.Errorf("no codes: %+v, %v", none, err)
	}
}
