package movement_test

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/authz"
	"github.com/ntmflow/ntmflow/internal/campaign"
	"github.com/ntmflow/ntmflow/internal/criteria"
	"github.com/ntmflow/ntmflow/internal/identity"
	"github.com/ntmflow/ntmflow/internal/movement"
	"github.com/ntmflow/ntmflow/internal/recognition"
	"github.com/ntmflow/ntmflow/internal/store"
	"github.com/ntmflow/ntmflow/internal/testkit"
	"github.com/ntmflow/ntmflow/internal/units"
)

// env is a database with the units of Lạng Sơn (20) and Hà Nội (01), the 2022–2025
// campaign of Lạng Sơn (reporting window 2020–2025), the national ntm_commune set of
// Lạng Sơn, and users at every level. The clock stands on 1 March 2026.
type env struct {
	t     *testing.T
	ctx   context.Context
	st    *store.Store
	units *units.Service
	crit  *criteria.Service
	m     *movement.Service
	set   *criteria.Set
	users map[string]*authz.Principal
	seq   int
}

var testHash = sync.OnceValue(func() string {
	h, err := identity.HashPassword("movement-test-password-2026")
	if err != nil {
		panic(err)
	}
	return h
})

// testUsers: the demo accounts of SPEC §9 plus the officer of a ward (Phường Đông Kinh),
// of a Thị trấn and an observer of Cao Lộc.
var testUsers = map[string][2]string{
	"tinh":      {"province_approver", "20"},
	"quansat":   {"observer", "20"},
	"admin":     {"admin", "20"},
	"caoloc":    {"district_reviewer", "183"},
	"vanlang":   {"district_reviewer", "182"},
	"thanhpho":  {"district_reviewer", "178"},
	"xa.haiyen": {"commune_officer", "06220"},
	"xa.mauson": {"commune_officer", "06238"},
	"xa.tantac": {"commune_officer", "06142"},
	"phuong.dk": {"commune_officer", "05980"},
	"qs.caoloc": {"observer", "183"},
	"hanoi":     {"province_approver", "01"},
}

var clock = time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)

func newEnv(t *testing.T) *env {
	t.Helper()
	ctx := context.Background()
	st := testkit.NewDB(t)
	us := units.NewService(st)
	testkit.ImportUnits(t, us, "20", "01")
	az, err := authz.New()
	if err != nil {
		t.Fatal(err)
	}
	cs := criteria.NewService(st, az, us)
	camps := campaign.NewService(st, az, us)
	m := movement.NewService(st, az, us, cs, recognition.NewService(st, az), camps)
	m.SetClock(func() time.Time { return clock })
	if _, err := camps.CreateAsSystem(ctx, campaign.Input{Name: "Lạng Sơn cùng cả nước xây dựng nông thôn mới giai đoạn 2022–2025",
		ProvinceCode: "20", StartsOn: "2022-01-01", EndsOn: "2025-12-31"}); err != nil {
		t.Fatal(err)
	}
	set, err := cs.PublishAsSystem(ctx, criteria.NationalNTMCommuneSet("20"))
	if err != nil {
		t.Fatal(err)
	}
	ids := identity.NewService(st, us, az, identity.Config{Secret: testkit.TestSecret})
	e := &env{t: t, ctx: ctx, st: st, units: us, crit: cs, m: m, set: set, users: map[string]*authz.Principal{}}
	for name, ru := range testUsers {
		if _, err := ids.CreateUser(ctx, identity.NewUser{Username: name, FullName: "Người dùng " + name, PasswordHash: testHash(),
			Roles: []identity.RoleAt{{Role: ru[0], UnitCode: ru[1]}}}); err != nil {
			t.Fatalf("user %s: %v", name, err)
		}
		p, err := ids.PrincipalFor(ctx, name)
		if err != nil {
			t.Fatal(err)
		}
		e.users[name] = p
	}
	return e
}

func (e *env) p(name string) *authz.Principal {
	p, ok := e.users[name]
	if !ok {
		e.t.Fatalf("no user %s", name)
	}
	return p
}

// codes returns the criterion codes "1".."n".
func codes(n int) []string {
	out := make([]string, 0, n)
	for i := 1; i <= n; i++ {
		out = append(out, strconv.Itoa(i))
	}
	return out
}

// rawStatus writes a status row directly, as no service would (a ward or a town with a
// status must still never count).
func (e *env) rawStatus(code, path string, year, met int) {
	e.t.Helper()
	err := e.st.DB(e.ctx).Exec(`INSERT INTO criteria_status (unit_code, unit_path, year, criteria_set_id, met, met_count, status, note, version, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, 'confirmed', '', 1, ?)`, code, path, year, e.set.ID, `[]`, met, clock).Error
	if err != nil {
		e.t.Fatal(err)
	}
}

// recognize writes an issued recognition of typ for a commune of Lạng Sơn with a nomination
// behind it (rows as the approve transition leaves them).
func (e *env) recognize(typ criteria.Type, commune, district, decided string, revoked bool) {
	e.t.Helper()
	e.seq++
	db := e.st.DB(e.ctx)
	path := "/20/" + district + "/" + commune
	var setID int64 = e.set.ID
	if typ != criteria.NTMCommune {
		var s criteria.Set
		s.Type, s.Name, s.ProvinceCode, s.Criteria = typ, "Bộ thử "+string(typ), "20",
			[]criteria.Criterion{{Code: "1", Group: "Chung", Title: "Tiêu chí", Kind: criteria.Boolean, MaxScore: 1, Required: true}}
		s.PassRule = criteria.PassRule{MinScore: 1, AllRequired: true}
		if typ == criteria.ModelGarden {
			s.ValidityYears = 3
		}
		pub, err := e.crit.PublishAsSystem(e.ctx, &s)
		if err != nil {
			e.t.Fatal(err)
		}
		setID = pub.ID
	}
	var nid int64
	err := db.Raw(`INSERT INTO nominations (type, status, version, commune_code, district_code, province_code, unit_path,
		criteria_set_id, title, search_text, subject, assessment, created_by, created_at, updated_at, dossier_sha256)
		VALUES (?, 'approved', 3, ?, ?, '20', ?, ?, ?, '', '{}', '[]', ?, ?, ?, '') RETURNING id`,
		string(typ), commune, district, path, setID, "Hồ sơ "+commune, e.p("tinh").UserID, clock, clock).Scan(&nid).Error
	if err != nil {
		e.t.Fatal(err)
	}
	var revokedAt any
	if revoked {
		revokedAt = clock
	}
	var validUntil any
	if typ == criteria.ModelGarden {
		validUntil = "2030-12-31"
	}
	number := fmt.Sprintf("%d/QĐ-UBND", e.seq)
	var did int64
	err = db.Raw(`INSERT INTO decisions (province_code, number, number_key, decision_date, signer, signer_title, certificates, created_at)
		VALUES ('20', ?, ?, ?, 'Chủ tịch UBND tỉnh', 'Chủ tịch', 1, ?) RETURNING id`,
		number, store.CompactLower(number), decided, clock).Scan(&did).Error
	if err != nil {
		e.t.Fatal(err)
	}
	err = db.Exec(`INSERT INTO recognitions (nomination_id, type, commune_code, district_code, province_code, unit_path, title,
		decision_number, decision_date, signer, valid_until, revoked_at, created_at, decision_id, certificate_number)
		VALUES (?, ?, ?, ?, '20', ?, ?, ?, ?, 'Chủ tịch UBND tỉnh', ?, ?, ?, ?, ?)`,
		nid, string(typ), commune, district, path, "Danh hiệu "+commune, number, decided,
		validUntil, revokedAt, clock, did, number+"-1").Error
	if err != nil {
		e.t.Fatal(err)
	}
}

// wantField fails unless err is a validation error naming field.
func wantField(t *testing.T, err error, field string) {
	t.Helper()
	var ve *apperr.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("want a validation error on %s, got %v", field, err)
	}
	if _, ok := ve.Fields[field]; !ok {
		t.Fatalf("validation error does not name %s: %v", field, ve.Fields)
	}
}

func wantErr(t *testing.T, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("want %v, got %v", want, err)
	}
}

func ptr[T any](v T) *T { return &v }
