// Package i18n translates the interface (Vietnamese first, English second) and formats
// dates and numbers the way each language writes them.
package i18n

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"math"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

// Languages the interface speaks; the first is the default.
var Languages = []string{"vi", "en"}

// Default is the language used when nothing else is known.
const Default = "vi"

// Normalize maps anything unknown to the default language.
func Normalize(lang string) string {
	for _, l := range Languages {
		if l == lang {
			return l
		}
	}
	return Default
}

// Catalog holds the messages of every language.
type Catalog struct {
	bundle     *i18n.Bundle
	localizers map[string]*i18n.Localizer
	keys       map[string][]string
}

// Load reads the message catalogues of every language from fsys: locales/<lang>.json and
// any locales/<lang>.<part>.json beside it (one file per part of the product, so parts
// grow without editing one shared file). Each is a flat object: message id → text, with
// {{.Name}} placeholders. An id defined twice for a language is an error.
func Load(fsys fs.FS) (*Catalog, error) {
	b := i18n.NewBundle(language.Vietnamese)
	b.RegisterUnmarshalFunc("json", json.Unmarshal)
	c := &Catalog{bundle: b, localizers: map[string]*i18n.Localizer{}, keys: map[string][]string{}}
	for _, lang := range Languages {
		parts, err := fs.Glob(fsys, path.Join("locales", lang+".*.json"))
		if err != nil {
			return nil, err
		}
		defined := map[string]string{}
		for _, p := range append([]string{path.Join("locales", lang+".json")}, parts...) {
			raw, err := fs.ReadFile(fsys, p)
			if err != nil {
				return nil, fmt.Errorf("message catalogue %s: %w", p, err)
			}
			var flat map[string]string
			if err := json.Unmarshal(raw, &flat); err != nil {
				return nil, fmt.Errorf("message catalogue %s must be a flat object: %w", p, err)
			}
			for k := range flat {
				if first, dup := defined[k]; dup {
					return nil, fmt.Errorf("message catalogue %s: %q is already defined in %s", p, k, first)
				}
				defined[k] = p
				c.keys[lang] = append(c.keys[lang], k)
			}
			// go-i18n takes the language from the file name's last tag before .json.
			if _, err := b.ParseMessageFileBytes(raw, path.Join("locales", lang+".json")); err != nil {
				return nil, fmt.Errorf("message catalogue %s: %w", p, err)
			}
		}
		sort.Strings(c.keys[lang])
		c.localizers[lang] = i18n.NewLocalizer(b, lang)
	}
	return c, nil
}

// Keys lists the message ids of a language (tests compare languages).
func (c *Catalog) Keys(lang string) []string { return c.keys[lang] }

// T translates id into lang; data fills placeholders. A missing message shows its id,
// which tests catch before users do.
func (c *Catalog) T(lang, id string, data map[string]any) string {
	l := c.localizers[Normalize(lang)]
	s, err := l.Localize(&i18n.LocalizeConfig{MessageID: id, TemplateData: data})
	if err != nil {
		return id
	}
	return s
}

// Has reports whether id exists in lang.
func (c *Catalog) Has(lang, id string) bool {
	_, err := c.localizers[Normalize(lang)].Localize(&i18n.LocalizeConfig{MessageID: id})
	return err == nil
}

// Date writes a date: dd/mm/yyyy in Vietnamese, "2 Jan 2006" in English.
func Date(lang string, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	if Normalize(lang) == "en" {
		return t.Format("2 Jan 2006")
	}
	return t.Format("02/01/2006")
}

// DateTime writes a date and time in the Vietnam time zone (UTC+7).
func DateTime(lang string, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(vietnam)
	if Normalize(lang) == "en" {
		return t.Format("2 Jan 2006 15:04")
	}
	return t.Format("15:04 02/01/2006")
}

var vietnam = time.FixedZone("ICT", 7*3600)

// Number writes a number with thousands separators ("1.234,5" in Vietnamese,
// "1,234.5" in English), with at most two decimals.
func Number(lang string, v float64) string {
	thousands, decimal := ".", ","
	if Normalize(lang) == "en" {
		thousands, decimal = ",", "."
	}
	neg := v < 0
	v = math.Abs(v)
	s := strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64)
	intPart, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, r := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteString(thousands)
		}
		b.WriteRune(r)
	}
	out := b.String()
	if frac != "" {
		out += decimal + frac
	}
	if neg {
		out = "-" + out
	}
	return out
}

// VND writes an amount of money: "185.000.000 ₫" in Vietnamese, "185,000,000 VND" in English.
func VND(lang string, v int64) string {
	if Normalize(lang) == "en" {
		return Number(lang, float64(v)) + " VND"
	}
	return Number(lang, float64(v)) + " ₫"
}
