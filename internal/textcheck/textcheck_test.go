package textcheck

import "testing"

func TestInvalid(t *testing.T) {
	cases := []struct {
		in   string
		want int
	}{
		{"", -1},
		{"Vườn cam của ông Hoàng Văn Thắng", -1},
		{"dòng 1\ndòng 2\r\n\tthụt lề", -1},
		{"\uFFFD typed by a user", -1},
		{"a\x00b", 1},
		{"\x01", 0},
		{"\x1b[31m", 0},
		{"del\x7f", 3},
		{"c1 \u0085", 3},
		{"c1 \u009f", 3},
		{"ok \u00a0 nbsp", -1},
		{"bad \xff utf8", 4},
		{"cut \xe1\xbb", 4},
		{"overlong \xc0\x80", 9},
		{"surrogate \xed\xa0\x80", 10},
	}
	for _, c := range cases {
		if got := Invalid(c.in); got != c.want {
			t.Errorf("Invalid(%q) = %d, want %d", c.in, got, c.want)
		}
		if Valid(c.in) != (c.want < 0) {
			t.Errorf("Valid(%q) disagrees with Invalid", c.in)
		}
	}
}
