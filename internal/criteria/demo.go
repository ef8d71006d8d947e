package criteria

// The demo sets' time limits in working days (SPEC §13), ntmflow's demo choices, not
// figures of a published rule: provinces set their own when they publish a set. A garden
// or residential area is verified by the district within 15 working days of submission
// and decided by the province within 10 of endorsement. A commune title follows the
// chain of Decision 18/2022/QĐ-TTg (the district verifies; the province appraises in
// council, posts the result and decides): 15 for the district, 20 for the province,
// whose stage holds the public notice as well.
const (
	gardenReviewDays   = 15
	gardenApprovalDays = 10
	titleReviewDays    = 15
	titleApprovalDays  = 20
)

// titleNoticeDays is the public notice of a commune title, in calendar days after the
// district's endorsement (SPEC §13; Decision 18/2022/QĐ-TTg has the results posted
// publicly before the province decides): ntmflow's demo choice, as above. Gardens and
// residential areas have none.
const titleNoticeDays = 15

// DemoSets are the demo criteria sets of DOMAIN.md for a province, in Vietnamese as the
// province publishes them: the movement's garden and residential-area sets, then the
// commune titles (the national 2021–2025 set and ntmflow's illustrative advanced and model
// sets). They are data: provinces publish their own versions.
func DemoSets(province string) []*Set {
	num := func(v float64) *float64 { return &v }
	sets := []*Set{
		{
			Type: ModelGarden, Name: "Bộ tiêu chí vườn mẫu", ProvinceCode: province,
			PassRule: PassRule{MinScore: 80, AllRequired: true}, ValidityYears: 3,
			RequiredAttachments: []string{"photo", "minutes"}, ReviewDays: gardenReviewDays, ApprovalDays: gardenApprovalDays,
			Criteria: []Criterion{
				{Code: "G1.1", Group: "Quy hoạch", Title: "Diện tích vườn", Kind: Number, Threshold: num(300), ThresholdOp: OpGE, Unit: "m²", MaxScore: 10, Required: true},
				{Code: "G1.2", Group: "Quy hoạch", Title: "Có sơ đồ bố trí vườn được UBND xã xác nhận", Kind: Boolean, MaxScore: 10, Required: true},
				{Code: "G2.1", Group: "Kỹ thuật", Title: "Hệ thống tưới, tiêu nước hợp lý", Kind: Boolean, MaxScore: 10},
				{Code: "G2.2", Group: "Kỹ thuật", Title: "Áp dụng ít nhất một tiến bộ kỹ thuật", Kind: Boolean, MaxScore: 10, Required: true},
				{Code: "G3.1", Group: "Sản phẩm", Title: "Sản xuất bảo đảm an toàn thực phẩm (không dùng hoá chất cấm)", Kind: Boolean, MaxScore: 15, Required: true},
				{Code: "G3.2", Group: "Sản phẩm", Title: "Tỷ lệ giá trị từ sản phẩm chủ lực", Kind: Number, Threshold: num(75), ThresholdOp: OpGE, Unit: "%", MaxScore: 10},
				{Code: "G4.1", Group: "Môi trường", Title: "Tỷ lệ hàng rào xanh trên ranh giới vườn", Kind: Number, Threshold: num(80), ThresholdOp: OpGE, Unit: "%", MaxScore: 10},
				{Code: "G4.2", Group: "Môi trường", Title: "Chất thải chăn nuôi được xử lý, vườn sạch sẽ", Kind: Boolean, MaxScore: 10, Required: true},
				{Code: "G5.1", Group: "Thu nhập", Title: "Thu nhập trên diện tích so với trồng lúa của xã", Kind: Number, Threshold: num(5), ThresholdOp: OpGE, Unit: "lần", MaxScore: 10},
				{Code: "G5.2", Group: "Tổng thể", Title: "Cảnh quan, chăm sóc vườn (chấm khi thẩm định thực tế)", Kind: Score, Unit: "điểm", MaxScore: 5},
			},
		},
		{
			Type: ModelResidentialArea, Name: "Bộ tiêu chí khu dân cư nông thôn mới kiểu mẫu", ProvinceCode: province,
			PassRule: PassRule{MinScore: 85, AllRequired: true}, ValidityYears: 5,
			RequiredAttachments: []string{"photo", "minutes", "survey"}, ReviewDays: gardenReviewDays, ApprovalDays: gardenApprovalDays,
			Criteria: []Criterion{
				{Code: "R1.1", Group: "Sản xuất, thu nhập", Title: "Thu nhập bình quân đầu người so với bình quân của xã", Kind: Number, Threshold: num(1.2), ThresholdOp: OpGE, Unit: "lần", MaxScore: 10, Required: true},
				{Code: "R1.2", Group: "Sản xuất, thu nhập", Title: "Tỷ lệ hộ nghèo đa chiều", Kind: Number, Threshold: num(2), ThresholdOp: OpLE, Unit: "%", MaxScore: 10, Required: true},
				{Code: "R2.1", Group: "Nhà ở, cảnh quan", Title: "Tỷ lệ hộ có nhà ở kiên cố", Kind: Number, Threshold: num(90), ThresholdOp: OpGE, Unit: "%", MaxScore: 10},
				{Code: "R2.2", Group: "Nhà ở, cảnh quan", Title: "Đường thôn được cứng hoá, có đèn chiếu sáng và cây xanh", Kind: Boolean, MaxScore: 10, Required: true},
				{Code: "R3.1", Group: "Văn hoá, y tế", Title: "Thôn đạt danh hiệu “Thôn văn hoá”", Kind: Boolean, MaxScore: 10, Required: true},
				{Code: "R3.2", Group: "Văn hoá, y tế", Title: "Tỷ lệ người dân tham gia bảo hiểm y tế", Kind: Number, Threshold: num(95), ThresholdOp: OpGE, Unit: "%", MaxScore: 10},
				{Code: "R4.1", Group: "Môi trường", Title: "Tỷ lệ hộ dùng nước sạch và có nhà tiêu hợp vệ sinh", Kind: Number, Threshold: num(95), ThresholdOp: OpGE, Unit: "%", MaxScore: 10},
				{Code: "R4.2", Group: "Môi trường", Title: "Rác thải được phân loại, thu gom", Kind: Boolean, MaxScore: 10},
				{Code: "R5.1", Group: "An ninh, trật tự", Title: "Không có tội phạm nghiêm trọng, tệ nạn xã hội trong năm", Kind: Boolean, MaxScore: 10, Required: true},
				{Code: "R5.2", Group: "Sự hài lòng", Title: "Tỷ lệ người dân hài lòng với kết quả xây dựng", Kind: Number, Threshold: num(90), ThresholdOp: OpGE, Unit: "%", MaxScore: 5, Required: true},
				{Code: "R5.3", Group: "Cộng đồng", Title: "Tự quản và đóng góp của cộng đồng (chấm khi thẩm định thực tế)", Kind: Score, Unit: "điểm", MaxScore: 5},
			},
		},
	}
	return append(sets, NationalNTMCommuneSet(province), demoAdvancedSet(province, num), demoModelSet(province, num))
}

// NationalCriteria are the 19 national criteria for NTM communes, 2021–2025 (Decision
// 318/QĐ-TTg of 2022), by code "1" to "19", in their four groups. The yearly criteria
// status of a commune counts how many it meets.
var NationalCriteria = []Criterion{
	{Code: "1", Group: "Quy hoạch", Title: "Quy hoạch"},
	{Code: "2", Group: "Hạ tầng kinh tế – xã hội", Title: "Giao thông"},
	{Code: "3", Group: "Hạ tầng kinh tế – xã hội", Title: "Thủy lợi và phòng, chống thiên tai"},
	{Code: "4", Group: "Hạ tầng kinh tế – xã hội", Title: "Điện"},
	{Code: "5", Group: "Hạ tầng kinh tế – xã hội", Title: "Trường học"},
	{Code: "6", Group: "Hạ tầng kinh tế – xã hội", Title: "Cơ sở vật chất văn hóa"},
	{Code: "7", Group: "Hạ tầng kinh tế – xã hội", Title: "Cơ sở hạ tầng thương mại nông thôn"},
	{Code: "8", Group: "Hạ tầng kinh tế – xã hội", Title: "Thông tin và Truyền thông"},
	{Code: "9", Group: "Hạ tầng kinh tế – xã hội", Title: "Nhà ở dân cư"},
	{Code: "10", Group: "Kinh tế và tổ chức sản xuất", Title: "Thu nhập"},
	{Code: "11", Group: "Kinh tế và tổ chức sản xuất", Title: "Nghèo đa chiều"},
	{Code: "12", Group: "Kinh tế và tổ chức sản xuất", Title: "Lao động"},
	{Code: "13", Group: "Kinh tế và tổ chức sản xuất", Title: "Tổ chức sản xuất và phát triển kinh tế nông thôn"},
	{Code: "14", Group: "Văn hóa – xã hội – môi trường", Title: "Giáo dục và Đào tạo"},
	{Code: "15", Group: "Văn hóa – xã hội – môi trường", Title: "Y tế"},
	{Code: "16", Group: "Văn hóa – xã hội – môi trường", Title: "Văn hóa"},
	{Code: "17", Group: "Văn hóa – xã hội – môi trường", Title: "Môi trường và an toàn thực phẩm"},
	{Code: "18", Group: "Văn hóa – xã hội – môi trường", Title: "Hệ thống chính trị và tiếp cận pháp luật"},
	{Code: "19", Group: "Văn hóa – xã hội – môi trường", Title: "Quốc phòng và An ninh"},
}

// NationalNTMCommuneSet is the national set for the NTM commune title, 2021–2025, as a
// province publishes it: every criterion a required yes/no worth one point, so a commune
// passes with all 19 met. The dossier of Decision 18/2022/QĐ-TTg carries the steering
// board's minutes and the residents' opinions (the satisfaction survey).
//
// Its period starts in 2010, when the programme began (Decision 800/QĐ-TTg), not in 2021:
// the demo records the province's titles of 2012–2020 against it, and ntmflow ships no
// set of the earlier periods, so this one stands for them. It stays open until a province
// publishes the 2026–2030 set (Decision 51/2025/QĐ-TTg, 10 criteria) with its own period.
func NationalNTMCommuneSet(province string) *Set {
	crit := make([]Criterion, len(NationalCriteria))
	for i, c := range NationalCriteria {
		c.Kind, c.MaxScore, c.Required = Boolean, 1, true
		crit[i] = c
	}
	return &Set{
		Type: NTMCommune, Name: "Bộ tiêu chí quốc gia về xã nông thôn mới giai đoạn 2021–2025", ProvinceCode: province,
		PassRule: PassRule{MinScore: float64(len(crit)), AllRequired: true}, ValidityYears: 0, ValidFrom: "2010-01-01",
		RequiredAttachments: []string{"minutes", "survey"}, Criteria: crit,
		ReviewDays: titleReviewDays, ApprovalDays: titleApprovalDays, NoticeDays: titleNoticeDays,
	}
}

// demoAdvancedSet is ntmflow's own short illustration of the advanced NTM commune title
// (the real national set is as long as the NTM one); the name says so.
func demoAdvancedSet(province string, num func(float64) *float64) *Set {
	return &Set{
		Type: AdvancedNTMCommune, Name: "Bộ tiêu chí xã nông thôn mới nâng cao (bộ minh hoạ của ntmflow)", ProvinceCode: province,
		PassRule: PassRule{MinScore: 7, AllRequired: true}, ValidityYears: 0,
		RequiredAttachments: []string{"minutes", "survey"}, ReviewDays: titleReviewDays, ApprovalDays: titleApprovalDays,
		NoticeDays: titleNoticeDays,
		Criteria: []Criterion{
			{Code: "A1", Group: "Quy hoạch", Title: "Quy hoạch chung xây dựng xã được rà soát, điều chỉnh và quản lý theo quy hoạch", Kind: Boolean, MaxScore: 1, Required: true},
			{Code: "A2", Group: "Hạ tầng kinh tế – xã hội", Title: "Đường xã, đường thôn được cứng hoá, có rãnh thoát nước, cây xanh và chiếu sáng", Kind: Boolean, MaxScore: 1, Required: true},
			{Code: "A3", Group: "Kinh tế và tổ chức sản xuất", Title: "Thu nhập bình quân đầu người so với khi đạt chuẩn nông thôn mới", Kind: Number, Threshold: num(1.1), ThresholdOp: OpGE, Unit: "lần", MaxScore: 1, Required: true},
			{Code: "A4", Group: "Kinh tế và tổ chức sản xuất", Title: "Có sản phẩm OCOP đạt 3 sao trở lên hoặc sản phẩm chủ lực có mã vùng trồng", Kind: Boolean, MaxScore: 1, Required: true},
			{Code: "A5", Group: "Văn hóa – xã hội – môi trường", Title: "Tỷ lệ người dân tham gia bảo hiểm y tế", Kind: Number, Threshold: num(95), ThresholdOp: OpGE, Unit: "%", MaxScore: 1, Required: true},
			{Code: "A6", Group: "Văn hóa – xã hội – môi trường", Title: "Rác thải sinh hoạt được phân loại tại nguồn", Kind: Boolean, MaxScore: 1, Required: true},
			{Code: "A7", Group: "Văn hóa – xã hội – môi trường", Title: "Đạt chuẩn tiếp cận pháp luật; an ninh, trật tự được giữ vững", Kind: Boolean, MaxScore: 1, Required: true},
		},
	}
}

// demoModelSet is ntmflow's own short illustration of the model NTM commune title.
func demoModelSet(province string, num func(float64) *float64) *Set {
	return &Set{
		Type: ModelNTMCommune, Name: "Bộ tiêu chí xã nông thôn mới kiểu mẫu (bộ minh hoạ của ntmflow)", ProvinceCode: province,
		PassRule: PassRule{MinScore: 5, AllRequired: true}, ValidityYears: 0,
		RequiredAttachments: []string{"photo", "minutes", "survey"}, ReviewDays: titleReviewDays, ApprovalDays: titleApprovalDays,
		NoticeDays: titleNoticeDays,
		Criteria: []Criterion{
			{Code: "M1", Group: "Điều kiện", Title: "Duy trì đủ các tiêu chí xã nông thôn mới nâng cao", Kind: Boolean, MaxScore: 1, Required: true},
			{Code: "M2", Group: "Kinh tế", Title: "Thu nhập bình quân đầu người so với khi đạt chuẩn nông thôn mới nâng cao", Kind: Number, Threshold: num(1.1), ThresholdOp: OpGE, Unit: "lần", MaxScore: 1, Required: true},
			{Code: "M3", Group: "Lĩnh vực nổi trội", Title: "Có ít nhất một lĩnh vực nổi trội (sản xuất, văn hoá, du lịch, môi trường hoặc chuyển đổi số)", Kind: Boolean, MaxScore: 1, Required: true},
			{Code: "M4", Group: "Khu dân cư", Title: "Số khu dân cư nông thôn mới kiểu mẫu trong xã", Kind: Number, Threshold: num(1), ThresholdOp: OpGE, Unit: "khu", MaxScore: 1, Required: true},
			{Code: "M5", Group: "Cảnh quan, môi trường", Title: "Cảnh quan, môi trường sáng – xanh – sạch – đẹp, an toàn", Kind: Boolean, MaxScore: 1, Required: true},
		},
	}
}
