package app

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/campaign"
	"github.com/ntmflow/ntmflow/internal/criteria"
	"github.com/ntmflow/ntmflow/internal/identity"
	"github.com/ntmflow/ntmflow/internal/nomination"
	"github.com/ntmflow/ntmflow/internal/units"
)

// The two-tier demo (`seed --demo --two-tier`, SPEC §12): the three-tier demo of 2022–2025
// becomes history, the 2025-07-01 units and succession are loaded for the whole country,
// and Lạng Sơn goes on with a 2026–2030 campaign whose dossiers the province reviews.

// DemoTwoTierUsers are the accounts the two-tier world adds (SPEC §12). The old accounts
// keep their grants: caoloc and vanlang now hold grants at ended districts, which give no
// rights and show a message.
var DemoTwoTierUsers = []identity.NewUser{
	{Username: "thamdinh", Email: "thamdinh@ntm.langson.example", FullName: "Đinh Thị Thẩm (Sở Nông nghiệp và Môi trường)", Roles: []identity.RoleAt{{Role: "province_reviewer", UnitCode: "20"}}},
	{Username: "xa.dongkinh", Email: "xa.dongkinh@ntm.langson.example", FullName: "Hoàng Thị Kinh (phường Đông Kinh)", Roles: []identity.RoleAt{{Role: "commune_officer", UnitCode: "05977"}}},
	{Username: "xa.chilang", Email: "xa.chilang@ntm.langson.example", FullName: "Lăng Văn Chi (xã Chi Lăng)", Roles: []identity.RoleAt{{Role: "commune_officer", UnitCode: "06463"}}},
}

// DemoTwoTierCampaignName is the province's campaign after the reform.
const DemoTwoTierCampaignName = "Lạng Sơn xây dựng nông thôn mới giai đoạn 2026–2030"

// demoTwoTierCommunes get 2026 targets: the demo users' communes and a few more.
var demoTwoTierCommunes = []string{"05977", "06463", "06220", "06211", "06154", "06541"}

// demoTwoTierNominations are the 2026 dossiers, one at each stage, reviewed by thamdinh.
// day is when each goes through the workflow (inside the campaign, before the demo is run).
var demoTwoTierNominations = []struct {
	demoNomination
	day string
}{
	{demoNomination{commune: "05977", officer: "xa.dongkinh", reviewer: "thamdinh", typ: criteria.ModelGarden, title: "Vườn hồng Bảo Lâm của ông Hoàng Văn Lâm",
		subject: garden("Hoàng Văn Lâm", "Khối 7", "Hồng không hạt, rau an toàn", 1100, 96_000_000), passing: true,
		steps: []string{"submit", "start_review", "review", "endorse", "approve"}, decision: &nomination.Decision{Number: "812/QĐ-UBND", Date: "2026-05-14", Signer: "Hồ Tiến Thiệu"}}, "2026-05-14"},
	{demoNomination{commune: "06463", officer: "xa.chilang", reviewer: "thamdinh", typ: criteria.ModelResidentialArea, title: "Khu dân cư thôn Quán Thanh",
		subject: residential("Thôn Quán Thanh", 78, 334), passing: true,
		steps: []string{"submit", "start_review", "review", "endorse"}}, "2026-09-08"},
	{demoNomination{commune: "06463", officer: "xa.chilang", reviewer: "thamdinh", typ: criteria.ModelGarden, title: "Vườn na Chi Lăng của bà Lương Thị Hằng",
		subject: garden("Lương Thị Hằng", "Thôn Đồng Bành", "Na, bưởi", 2600, 210_000_000), passing: true,
		steps: []string{"submit", "start_review"}}, "2026-10-05"},
	{demoNomination{commune: "05977", officer: "xa.dongkinh", reviewer: "thamdinh", typ: criteria.ModelResidentialArea, title: "Khu dân cư khối Phai Vệ",
		subject: residential("Khối Phai Vệ", 95, 388), passing: true, steps: []string{"submit"}}, "2026-10-20"},
	{demoNomination{commune: "06463", officer: "xa.chilang", reviewer: "thamdinh", typ: criteria.ModelGarden, title: "Vườn bưởi của ông Vi Văn Thành",
		subject: garden("Vi Văn Thành", "Thôn Làng Cháy", "Bưởi, quýt", 1500, 88_000_000), passing: true}, "2026-11-02"},
}

// SeedDemoTwoTier adds the two-tier world to the demo (SPEC §12), after the three-tier
// demo (SeedDemo, which leaves a reformed database alone). Run again, it adds nothing.
func SeedDemoTwoTier(ctx context.Context, s *Services, out io.Writer) error {
	if _, err := seedThreeTier(ctx, s, out); err != nil {
		return err
	}
	res, err := s.Units.ImportTwoTier(ctx)
	if err != nil {
		return fmt.Errorf("two-tier units: %w", err)
	}
	if err := reportImport(ctx, s, res, out); err != nil {
		return err
	}
	if err := seedDemoUsers(ctx, s, DemoTwoTierUsers, "two-tier demo users", out); err != nil {
		return err
	}
	campaignID, err := seedTwoTierCampaign(ctx, s, out)
	if err != nil {
		return err
	}
	if err := seedTwoTierNominations(ctx, s, campaignID, out); err != nil {
		return err
	}
	return seedNotice(ctx, s, twoTierNotice, out)
}

// twoTierLoaded reports whether the reform of 1 July 2025 is in the units: Cao Lộc, the
// demo's district, has ended.
func twoTierLoaded(ctx context.Context, s *Services) (bool, error) {
	u, err := s.Units.GetOn(ctx, "183", units.TwoTierValidFrom.AddDate(0, 0, -1))
	if errors.Is(err, apperr.ErrNotFound) {
		return false, nil
	}
	return err == nil && u.ValidTo != nil, err
}

// seedDemoUsers creates the accounts of list that are missing, as demo accounts.
func seedDemoUsers(ctx context.Context, s *Services, list []identity.NewUser, label string, out io.Writer) error {
	created := 0
	for _, u := range list {
		// IsDemo is what lets the published DemoPassword past the strength check; no
		// other account can have it.
		u.Password, u.IsDemo, u.Locale = DemoPassword, true, "vi"
		if _, err := s.Identity.UserByUsername(ctx, u.Username); err == nil {
			continue
		} else if !errors.Is(err, apperr.ErrNotFound) {
			return err
		}
		if _, err := s.Identity.CreateUser(ctx, u); err != nil {
			return fmt.Errorf("demo user %s: %w", u.Username, err)
		}
		created++
	}
	fmt.Fprintf(out, "%s: %d created, %d already present (password %q)\n", label, created, len(list)-created, DemoPassword)
	return nil
}

// seedTwoTierCampaign creates the 2026–2030 campaign with its 2026 targets, which name
// communes and the province directly (there are no districts any more); targets missing
// from an existing campaign are added.
func seedTwoTierCampaign(ctx context.Context, s *Services, out io.Writer) (int64, error) {
	var existing struct{ ID int64 }
	err := s.Store.DB(ctx).Table("campaigns").Select("id").Where("province_code = ? AND name = ?", demoProvince, DemoTwoTierCampaignName).Scan(&existing).Error
	if err != nil {
		return 0, err
	}
	id := existing.ID
	if id == 0 {
		v, err := s.Campaigns.CreateAsSystem(ctx, campaign.Input{Name: DemoTwoTierCampaignName, ProvinceCode: demoProvince,
			StartsOn: "2026-01-01", EndsOn: "2030-12-31",
			Description: "Giai đoạn đầu của chính quyền địa phương hai cấp: các xã, phường trực thuộc tỉnh; Sở Nông nghiệp và " +
				"Môi trường thẩm định hồ sơ, UBND tỉnh công nhận. Năm 2026: mỗi xã, phường có ít nhất 1 vườn mẫu và 1–2 khu dân cư " +
				"nông thôn mới kiểu mẫu; toàn tỉnh thêm 5 xã đạt chuẩn nông thôn mới và 3 xã đạt chuẩn nông thôn mới nâng cao."})
		if err != nil {
			return 0, err
		}
		id = v.ID
		fmt.Fprintln(out, "two-tier demo campaign created")
	}
	c, err := s.Campaigns.GetAsSystem(ctx, id)
	if err != nil {
		return 0, err
	}
	two := 2.0
	want := []campaign.Target{
		{Year: 2026, UnitCode: demoProvince, Type: string(criteria.NTMCommune), Min: 5},
		{Year: 2026, UnitCode: demoProvince, Type: string(criteria.AdvancedNTMCommune), Min: 3},
	}
	for _, code := range demoTwoTierCommunes {
		want = append(want,
			campaign.Target{Year: 2026, UnitCode: code, Type: string(criteria.ModelGarden), Min: 1},
			campaign.Target{Year: 2026, UnitCode: code, Type: string(criteria.ModelResidentialArea), Min: 1, Max: &two})
	}
	added, err := addMissingTargets(ctx, s, id, c.Targets, want)
	if err != nil || added == 0 {
		return id, err
	}
	fmt.Fprintf(out, "two-tier demo campaign: %d targets for 2026 added\n", added)
	return id, nil
}

// seedTwoTierNominations runs the 2026 dossiers through the workflow, each on its day.
// It does nothing when the campaign already has nominations.
func seedTwoTierNominations(ctx context.Context, s *Services, campaignID int64, out io.Writer) error {
	var n int64
	if err := s.Store.DB(ctx).Table("nominations").Where("campaign_id = ?", campaignID).Count(&n).Error; err != nil || n > 0 {
		return err
	}
	for _, d := range demoTwoTierNominations {
		d.campaignID = campaignID
		day, err := time.Parse(time.DateOnly, d.day)
		if err != nil {
			return err
		}
		if err := runDemoOn(ctx, s, d.demoNomination, day.Add(2*time.Hour)); err != nil { // 09:00 in Vietnam
			return fmt.Errorf("two-tier demo nomination %q: %w", d.title, err)
		}
	}
	fmt.Fprintf(out, "two-tier demo nominations: %d created\n", len(demoTwoTierNominations))
	return nil
}

// runDemoOn takes a demo dossier through the workflow on the day at, as it would have
// happened then, against the criteria set valid that day (the sets of 2026–2030 may differ
// from those of 2022–2025). runDemo is it on the dossier's own day.
func runDemoOn(ctx context.Context, s *Services, d demoNomination, at time.Time) error {
	officer, err := s.Identity.PrincipalFor(ctx, d.officer)
	if err != nil {
		return err
	}
	set, err := s.Criteria.CurrentOn(ctx, d.typ, demoProvince, units.Today(at))
	if err != nil {
		return err
	}
	subject, _ := json.Marshal(d.subject)
	title := d.title
	assessment := demoAssessment(set, d.passing)
	in := nomination.Input{Type: string(d.typ), CommuneCode: d.commune, Title: &title, Subject: subject, Assessment: &assessment}
	if d.campaignID != 0 {
		in.CampaignID = &d.campaignID
	}
	nominations := s.Nominations.AsOf(at)
	v, _, err := nominations.Create(ctx, officer, in, "")
	if err != nil {
		return err
	}
	for _, kind := range set.RequiredAttachments {
		name, body := demoFile(kind)
		if _, err := nominations.AddAttachment(ctx, officer, v.ID, kind, name, bytes.NewReader(body)); err != nil {
			return err
		}
	}
	reviewer, err := s.Identity.PrincipalFor(ctx, d.reviewer)
	if err != nil {
		return err
	}
	province, err := s.Identity.PrincipalFor(ctx, "tinh")
	if err != nil {
		return err
	}
	review := demoReview(set)
	review.VisitedOn = units.Today(at).Format(time.DateOnly)
	for _, step := range d.steps {
		switch step {
		case "review":
			v, err = nominations.SaveReview(ctx, reviewer, v.ID, v.Version, review)
		case "submit", "withdraw":
			v, err = nominations.Transition(ctx, officer, v.ID, v.Version, nomination.TransitionInput{Action: step})
		case "approve", "send_back", "revoke":
			v, err = nominations.Transition(ctx, province, v.ID, v.Version, nomination.TransitionInput{Action: step, Comment: d.comment, Decision: d.decision})
		default:
			v, err = nominations.Transition(ctx, reviewer, v.ID, v.Version, nomination.TransitionInput{Action: step, Comment: d.comment})
		}
		if err != nil {
			return fmt.Errorf("%s: %w", step, err)
		}
	}
	return nil
}
