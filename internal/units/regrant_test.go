package units_test

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"

	"gorm.io/gorm"

	"github.com/ntmflow/ntmflow/internal/units"
)

func regrantString(list []units.Regrant) string {
	parts := make([]string, len(list))
	for i, r := range list {
		parts[i] = fmt.Sprintf("%s %s %s %s", r.Code, r.Name, r.Level, r.Share)
	}
	return strings.Join(parts, "; ")
}

// TestRegrantAt: after the 2025 reform, a grant at Huyện Cao Lộc is granted again at the
// province (the review is the province's) and the new communes Cao Lộc's communes went
// into; a grant at Xã Hải Yến (06220) at the commune that now holds the code, Xã Công Sơn.
func TestRegrantAt(t *testing.T) {
	ctx := context.Background()
	svc, st := twoTierLangSon(t)

	last, err := svc.LastEnded(ctx, []string{"/20/183", "/20/183/06220", "/20/06220", "/20/999", "/20/183"})
	if err != nil {
		t.Fatal(err)
	}
	if len(last) != 2 || last["/20/183"].Name != "Huyện Cao Lộc" || last["/20/183/06220"].Name != "Xã Hải Yến" {
		t.Fatalf("LastEnded = %+v", last)
	}
	if to := last["/20/183"].ValidTo; to == nil || to.UTC().Format("2006-01-02") != "2025-06-30" {
		t.Fatalf("Cao Lộc's last day: %v", to)
	}

	caoLoc, haiYen := units.VersionOf(last["/20/183"]), units.VersionOf(last["/20/183/06220"])
	current, err := svc.Get(ctx, "05977")
	if err != nil {
		t.Fatal(err)
	}
	got, err := svc.RegrantAt(ctx, []units.Version{caoLoc, haiYen, units.VersionOf(current), {Code: "99999", ValidFrom: "2025-03-01"}})
	if err != nil {
		t.Fatal(err)
	}
	want := "20 Tỉnh Lạng Sơn province full; 05977 Phường Đông Kinh commune partial; 06184 Xã Đồng Đăng commune partial; " +
		"06187 Phường Kỳ Lừa commune partial; 06196 Xã Ba Sơn commune partial; 06211 Xã Cao Lộc commune partial; " +
		"06220 Xã Công Sơn commune partial; 06286 Xã Khánh Khê commune partial; 06316 Xã Tân Đoàn commune partial"
	if s := regrantString(got[caoLoc]); s != want {
		t.Errorf("Cao Lộc:\n got %s\nwant %s", s, want)
	}
	if s := regrantString(got[haiYen]); s != "06220 Xã Công Sơn commune full" {
		t.Errorf("Hải Yến: %s", s)
	}
	if len(got) != 2 {
		t.Errorf("a standing unit or an unknown one gets successors: %+v", got)
	}

	// Every unit of Lạng Sơn that ended, in as many queries as one.
	var n atomic.Int64
	if err := st.DB(ctx).Callback().Query().After("gorm:query").Register("test:count_regrant", func(*gorm.DB) { n.Add(1) }); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.RegrantAt(ctx, []units.Version{caoLoc}); err != nil {
		t.Fatal(err)
	}
	one := n.Swap(0)
	var all []units.Unit
	if err := st.DB(ctx).Where("path LIKE ? AND valid_to IS NOT NULL", "/20/%").Find(&all).Error; err != nil {
		t.Fatal(err)
	}
	n.Store(0)
	versions := make([]units.Version, len(all))
	for i, u := range all {
		versions[i] = units.VersionOf(u)
	}
	many, err := svc.RegrantAt(ctx, versions)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) < 100 || len(many) != len(all) {
		t.Errorf("%d ended units of Lạng Sơn, %d with units to grant again at", len(all), len(many))
	}
	if q := n.Load(); q != one || q > 4 {
		t.Errorf("%d queries for %d versions, %d for one", q, len(all), one)
	}
}
