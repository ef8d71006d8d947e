package app

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"time"

	"github.com/ntmflow/ntmflow/internal/campaign"
	"github.com/ntmflow/ntmflow/internal/criteria"
	"github.com/ntmflow/ntmflow/internal/nomination"
)

// demoProvince is Lạng Sơn, the province of the source document.
const demoProvince = "20"

// seedCriteria publishes the demo criteria sets unless the province already has them.
func seedCriteria(ctx context.Context, s *Services, out io.Writer) error {
	for _, set := range criteria.DemoSets(demoProvince) {
		if _, err := s.Criteria.Current(ctx, set.Type, demoProvince); err == nil {
			continue
		}
		if _, err := s.Criteria.PublishAsSystem(ctx, set); err != nil {
			return fmt.Errorf("demo criteria set %s: %w", set.Type, err)
		}
		fmt.Fprintf(out, "criteria set published: %s v1\n", set.Type)
	}
	return nil
}

// demoNomination is one nomination of the demo and the steps that bring it to its status.
type demoNomination struct {
	commune, officer, reviewer string
	typ                        criteria.Type
	title                      string
	subject                    any
	passing                    bool
	steps                      []string // workflow actions after creation; "review" saves a review
	decision                   *nomination.Decision
	comment                    string
	campaignID                 int64
}

func garden(owner, village, crops string, area float64, income int64) map[string]any {
	return map[string]any{"owner_name": owner, "village": village, "area_m2": area, "main_crops": crops, "annual_income_vnd": income}
}

func residential(village string, households, population int) map[string]any {
	return map[string]any{"village": village, "households": households, "population": population}
}

var demoNominations = []demoNomination{
	{commune: "06220", officer: "xa.haiyen", reviewer: "caoloc", typ: criteria.ModelGarden, title: "Vườn cam Đường canh của ông Hoàng Văn Thắng",
		subject: garden("Hoàng Văn Thắng", "Thôn Pắc Cáp", "Cam, quýt", 2400, 185_000_000), passing: true,
		steps: []string{"submit", "start_review", "review", "endorse", "approve"}, decision: &nomination.Decision{Number: "1520/QĐ-UBND", Date: "2022-09-15", Signer: "Hồ Tiến Thiệu"}},
	{commune: "06142", officer: "xa.tantac", reviewer: "vanlang", typ: criteria.ModelResidentialArea, title: "Khu dân cư thôn Nà Slảng",
		subject: residential("Thôn Nà Slảng", 86, 372), passing: true,
		steps: []string{"submit", "start_review", "review", "endorse", "approve"}, decision: &nomination.Decision{Number: "2210/QĐ-UBND", Date: "2022-12-20", Signer: "Hồ Tiến Thiệu"}},
	{commune: "06238", officer: "xa.mauson", reviewer: "caoloc", typ: criteria.ModelGarden, title: "Vườn lê của ông Hoàng Văn Páo",
		subject: garden("Hoàng Văn Páo", "Thôn Khuổi Cấp", "Lê, mận", 1600, 98_000_000), passing: true,
		steps: []string{"submit", "start_review", "review", "endorse", "approve"}, decision: &nomination.Decision{Number: "1874/QĐ-UBND", Date: "2022-11-02", Signer: "Hồ Tiến Thiệu"}},
	{commune: "06238", officer: "xa.mauson", reviewer: "caoloc", typ: criteria.ModelResidentialArea, title: "Khu dân cư thôn Pò Đứa",
		subject: residential("Thôn Pò Đứa", 71, 305), passing: true,
		steps: []string{"submit", "start_review", "review", "endorse", "approve"}, decision: &nomination.Decision{Number: "2050/QĐ-UBND", Date: "2022-12-01", Signer: "Hồ Tiến Thiệu"}},
	{commune: "06220", officer: "xa.haiyen", reviewer: "caoloc", typ: criteria.ModelGarden, title: "Vườn quýt của bà Nông Thị Dung",
		subject: garden("Nông Thị Dung", "Thôn Nà Pàn", "Quýt, hồng", 1250, 87_000_000), passing: true,
		steps: []string{"submit", "start_review", "review", "endorse", "approve"}, decision: &nomination.Decision{Number: "1633/QĐ-UBND", Date: "2024-10-10", Signer: "Đoàn Thu Hà"}},
	{commune: "06220", officer: "xa.haiyen", reviewer: "caoloc", typ: criteria.ModelGarden, title: "Vườn hồng không hạt của bà Lý Thị Mai",
		subject: garden("Lý Thị Mai", "Thôn Nà Pàn", "Hồng không hạt", 1800, 126_000_000), passing: true,
		steps: []string{"submit", "start_review", "review", "endorse"}},
	{commune: "06220", officer: "xa.haiyen", reviewer: "caoloc", typ: criteria.ModelResidentialArea, title: "Khu dân cư thôn Nà Lầu",
		subject: residential("Thôn Nà Lầu", 64, 281), passing: true, steps: []string{"submit", "start_review"}},
	{commune: "06238", officer: "xa.mauson", reviewer: "caoloc", typ: criteria.ModelGarden, title: "Vườn đào Mẫu Sơn của ông Triệu Văn Sinh",
		subject: garden("Triệu Văn Sinh", "Thôn Khuổi Cấp", "Đào, lê", 900, 64_000_000), passing: true, steps: []string{"submit"}},
	{commune: "06238", officer: "xa.mauson", reviewer: "caoloc", typ: criteria.ModelGarden, title: "Vườn chè của bà Đặng Thị Lan",
		subject: garden("Đặng Thị Lan", "Thôn Pò Đứa", "Chè, rau an toàn", 420, 38_000_000), passing: false,
		steps: []string{"submit", "start_review", "return"}, comment: "Đề nghị bổ sung biên bản họp thôn và ảnh hàng rào xanh; tỷ lệ hàng rào xanh mới đạt khoảng 60%."},
	{commune: "06238", officer: "xa.mauson", reviewer: "caoloc", typ: criteria.ModelResidentialArea, title: "Khu dân cư thôn Khuổi Cấp",
		subject: residential("Thôn Khuổi Cấp", 52, 230), passing: true},
	{commune: "06142", officer: "xa.tantac", reviewer: "vanlang", typ: criteria.ModelGarden, title: "Vườn hồi của ông Hoàng Văn Khánh",
		subject: garden("Hoàng Văn Khánh", "Thôn Bản Chu", "Hồi, quế", 3100, 142_000_000), passing: true, steps: []string{"submit"}},
	{commune: "06142", officer: "xa.tantac", reviewer: "vanlang", typ: criteria.ModelGarden, title: "Vườn rau an toàn của bà Nông Thị Hoa",
		subject: garden("Nông Thị Hoa", "Thôn Nà Pá", "Rau an toàn", 350, 41_000_000), passing: true},
}

// DemoCampaignName is the emulation movement of the source document.
const DemoCampaignName = "Lạng Sơn cùng cả nước xây dựng nông thôn mới giai đoạn 2022–2025"

// seedCampaign creates the demo campaign with the 2022 targets of the source document:
// for every district 2–3 model residential areas and at least 2 model gardens; for the
// province 10 more NTM communes, 5 more advanced ones and an average of at least 14.5
// criteria per Xã (SPEC §11). Targets missing from an existing demo campaign are added.
func seedCampaign(ctx context.Context, s *Services, out io.Writer) (int64, error) {
	var existing struct{ ID int64 }
	err := s.Store.DB(ctx).Table("campaigns").Select("id").Where("province_code = ? AND name = ?", demoProvince, DemoCampaignName).Scan(&existing).Error
	if err != nil {
		return 0, err
	}
	id := existing.ID
	if id == 0 {
		v, err := s.Campaigns.CreateAsSystem(ctx, campaign.Input{Name: DemoCampaignName, ProvinceCode: demoProvince,
			StartsOn: "2022-01-01", EndsOn: "2025-12-31",
			Description: "Phát động tại hội nghị trực tuyến ba cấp triển khai Kế hoạch số 23/KH-UBND ngày 29/01/2022. " +
				"Năm 2022: thêm 10 xã đạt chuẩn nông thôn mới, 5 xã đạt chuẩn nông thôn mới nâng cao, bình quân mỗi xã đạt " +
				"ít nhất 14,5 tiêu chí; mỗi huyện, thành phố công nhận 2–3 khu dân cư nông thôn mới kiểu mẫu và ít nhất 2 vườn mẫu."})
		if err != nil {
			return 0, err
		}
		id = v.ID
		fmt.Fprintln(out, "demo campaign created")
	}
	c, err := s.Campaigns.GetAsSystem(ctx, id)
	if err != nil {
		return 0, err
	}
	want, err := demoTargets(ctx, s)
	if err != nil {
		return 0, err
	}
	added, err := addMissingTargets(ctx, s, id, c.Targets, want)
	if err != nil || added == 0 {
		return id, err
	}
	fmt.Fprintf(out, "demo campaign: %d targets for 2022 added\n", added)
	return id, nil
}

// addMissingTargets adds to a demo campaign the targets of want it does not have yet (by
// year, unit and type), keeping the others, and says how many it added.
func addMissingTargets(ctx context.Context, s *Services, id int64, have, want []campaign.Target) (int, error) {
	key := func(t campaign.Target) string { return fmt.Sprintf("%d/%s/%s", t.Year, t.UnitCode, t.Type) }
	present := map[string]bool{}
	for _, t := range have {
		present[key(t)] = true
	}
	targets, added := have, 0
	for _, t := range want {
		if !present[key(t)] {
			targets = append(targets, t)
			added++
		}
	}
	if added == 0 {
		return 0, nil
	}
	_, err := s.Campaigns.SetTargetsAsSystem(ctx, id, targets)
	return added, err
}

// demoTargets are the 2022 targets of the source document.
func demoTargets(ctx context.Context, s *Services) ([]campaign.Target, error) {
	districts, err := s.Units.Children(ctx, demoProvince)
	if err != nil {
		return nil, err
	}
	three := 3.0
	targets := []campaign.Target{
		{Year: 2022, UnitCode: demoProvince, Type: string(criteria.NTMCommune), Min: 10},
		{Year: 2022, UnitCode: demoProvince, Type: string(criteria.AdvancedNTMCommune), Min: 5},
		{Year: 2022, UnitCode: demoProvince, Type: campaign.AverageCriteria, Min: 14.5},
	}
	for _, d := range districts {
		targets = append(targets,
			campaign.Target{Year: 2022, UnitCode: d.Code, Type: string(criteria.ModelResidentialArea), Min: 2, Max: &three},
			campaign.Target{Year: 2022, UnitCode: d.Code, Type: string(criteria.ModelGarden), Min: 2})
	}
	return targets, nil
}

// seedNominations creates the demo nominations through the workflow itself, so their
// history and hashes are real. It does nothing when nominations already exist.
func seedNominations(ctx context.Context, s *Services, campaignID int64, out io.Writer) error {
	// Only the gardens and residential areas: the commune titles the seed records are
	// nominations too.
	var n int64
	if err := s.Store.DB(ctx).Table("nominations").Where("type IN ?", []string{string(criteria.ModelGarden), string(criteria.ModelResidentialArea)}).
		Count(&n).Error; err != nil || n > 0 {
		return err
	}
	for _, d := range demoNominations {
		d.campaignID = campaignID
		if err := runDemo(ctx, s, d); err != nil {
			return fmt.Errorf("demo nomination %q: %w", d.title, err)
		}
	}
	fmt.Fprintf(out, "demo nominations: %d created\n", len(demoNominations))
	return nil
}

func runDemo(ctx context.Context, s *Services, d demoNomination) error {
	return runDemoOn(ctx, s, d, demoDay(d))
}

// demoDay is when a demo dossier goes through the workflow: on its decision day, or in
// June 2025 for one still open. The demo is the 2022–2025 campaign's history, and a
// nomination can only join a campaign while it runs; June 2025 is before the reform, so in
// the two-tier world the open ones are the districts' pending dossiers of 1 July 2025 that
// the province reviewer finishes.
func demoDay(d demoNomination) time.Time {
	day := "2025-06-16"
	if d.decision != nil {
		day = d.decision.Date
	}
	t, _ := time.Parse(time.DateOnly, day)
	return t.Add(2 * time.Hour) // 09:00 in Vietnam
}

// demoAssessment answers every criterion: all met when passing, otherwise the hedge and
// key-commodity figures fall short.
func demoAssessment(set *criteria.Set, passing bool) []nomination.AssessmentItem {
	var items []nomination.AssessmentItem
	for _, c := range set.Criteria {
		var v any
		switch c.Kind {
		case criteria.Boolean:
			v = true
		case criteria.Score:
			v = c.MaxScore - 1
		case criteria.Number:
			t := *c.Threshold
			if c.ThresholdOp == criteria.OpLE {
				v = t / 2
			} else {
				v = t * 1.2
			}
			if !passing && (c.Code == "G4.1" || c.Code == "G3.2") {
				v = t * 0.75
			}
		}
		items = append(items, nomination.AssessmentItem{Criterion: c.Code, Value: v})
	}
	return items
}

func demoReview(set *criteria.Set) nomination.ReviewInput {
	var scores []nomination.ReviewScore
	for _, c := range set.Criteria {
		scores = append(scores, nomination.ReviewScore{Criterion: c.Code, Met: true, Score: c.MaxScore - 1})
	}
	return nomination.ReviewInput{Scores: scores, Summary: "Đã thẩm định thực tế; hồ sơ đầy đủ, các tiêu chí đạt yêu cầu.", VisitedOn: "2022-08-20"}
}

// demoFile makes a small real file of the kind: a photo is a PNG, minutes and surveys PDFs.
func demoFile(kind string) (string, []byte) {
	if kind == "photo" {
		img := image.NewRGBA(image.Rect(0, 0, 64, 48))
		for x := 0; x < 64; x++ {
			for y := 0; y < 48; y++ {
				img.Set(x, y, color.RGBA{R: uint8(40 + x), G: uint8(120 + y*2), B: 60, A: 255})
			}
		}
		var buf bytes.Buffer
		_ = png.Encode(&buf, img)
		return "anh-vuon.png", buf.Bytes()
	}
	return kind + ".pdf", []byte("%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
}

// ApproveDemoGarden takes the first demo garden (Hải Yến, Cao Lộc) through the whole
// workflow in the campaign with the given decision; tests use it for real recognitions.
func ApproveDemoGarden(ctx context.Context, s *Services, campaignID int64, number, date string) error {
	d := demoNominations[0]
	d.campaignID = campaignID
	d.decision = &nomination.Decision{Number: number, Date: date, Signer: "Hồ Tiến Thiệu"}
	return runDemo(ctx, s, d)
}
