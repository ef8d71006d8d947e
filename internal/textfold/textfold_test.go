package textfold

import "testing"

func TestFold(t *testing.T) {
	cases := map[string]string{
		"Xã Hải Yến":        "xa hai yen",
		"  ĐỒNG   Đăng ":    "dong dang",
		"Vườn cây ăn quả":   "vuon cay an qua",
		"Khu dân cư Nà Lầu": "khu dan cu na lau",
		"ABC 123":           "abc 123",
	}
	for in, want := range cases {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}
