package criteria

// DemoSets are the demo criteria sets of DOMAIN.md for a province, in Vietnamese as the
// province publishes them. They are data: provinces publish their own versions.
func DemoSets(province string) []*Set {
	num := func(v float64) *float64 { return &v }
	return []*Set{
		{
			Type: ModelGarden, Name: "Bộ tiêu chí vườn mẫu", ProvinceCode: province,
			PassRule: PassRule{MinScore: 80, AllRequired: true}, ValidityYears: 3,
			RequiredAttachments: []string{"photo", "minutes"},
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
			RequiredAttachments: []string{"photo", "minutes", "survey"},
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
}
