package i18n_test

import (
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/ntmflow/ntmflow/internal/i18n"
	"github.com/ntmflow/ntmflow/web"
)

func TestCataloguesHaveTheSameKeys(t *testing.T) {
	c, err := i18n.Load(web.Locales)
	if err != nil {
		t.Fatal(err)
	}
	vi, en := map[string]bool{}, map[string]bool{}
	for _, k := range c.Keys("vi") {
		vi[k] = true
	}
	for _, k := range c.Keys("en") {
		en[k] = true
	}
	for k := range vi {
		if !en[k] {
			t.Errorf("%s is in vi.json but not en.json", k)
		}
	}
	for k := range en {
		if !vi[k] {
			t.Errorf("%s is in en.json but not vi.json", k)
		}
	}
	if len(vi) < 50 {
		t.Fatalf("only %d messages", len(vi))
	}
}

func TestFormatting(t *testing.T) {
	d := time.Date(2022, 9, 5, 10, 0, 0, 0, time.UTC)
	cases := []struct{ got, want string }{
		{i18n.Date("vi", d), "05/09/2022"},
		{i18n.Date("en", d), "5 Sep 2022"},
		{i18n.DateTime("vi", d), "17:00 05/09/2022"},
		{i18n.Number("vi", 1234567.5), "1.234.567,5"},
		{i18n.Number("en", 1234567.5), "1,234,567.5"},
		{i18n.Number("vi", 99), "99"},
		{i18n.Number("vi", -1000), "-1.000"},
		{i18n.VND("vi", 185000000), "185.000.000 ₫"},
		{i18n.VND("en", 185000000), "185,000,000 VND"},
		{i18n.Normalize("fr"), "vi"},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

func TestTranslateWithData(t *testing.T) {
	c, err := i18n.Load(web.Locales)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.T("vi", "nav.signout", nil); got != "Đăng xuất" {
		t.Errorf("vi nav.signout = %q", got)
	}
	if got := c.T("en", "nav.signout", nil); got != "Sign out" {
		t.Errorf("en nav.signout = %q", got)
	}
	if got := c.T("en", "no.such.key", nil); got != "no.such.key" {
		t.Errorf("missing key = %q", got)
	}
}

// A part of the product may keep its messages in locales/<lang>.<part>.json; an id defined
// in two files of one language is refused, not silently overridden.
func TestCataloguePartsLoadAndMayNotRedefine(t *testing.T) {
	fsys := fstest.MapFS{
		"locales/vi.json":       {Data: []byte(`{"a": "Một"}`)},
		"locales/vi.extra.json": {Data: []byte(`{"b": "Hai"}`)},
		"locales/en.json":       {Data: []byte(`{"a": "One"}`)},
		"locales/en.extra.json": {Data: []byte(`{"b": "Two"}`)},
	}
	c, err := i18n.Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.T("vi", "b", nil); got != "Hai" {
		t.Fatalf("vi b = %q", got)
	}
	if got := c.T("en", "b", nil); got != "Two" {
		t.Fatalf("en b = %q", got)
	}
	fsys["locales/en.extra.json"] = &fstest.MapFile{Data: []byte(`{"a": "Again"}`)}
	if _, err := i18n.Load(fsys); err == nil || !strings.Contains(err.Error(), "already defined") {
		t.Fatalf("redefinition: %v", err)
	}
}
