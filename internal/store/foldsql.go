package store

import (
	"database/sql/driver"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	gosqlite "github.com/glebarez/go-sqlite"
	"golang.org/x/text/unicode/norm"

	"github.com/ntmflow/ntmflow/internal/textfold"
)

// FoldSQL is textfold.Fold of column in the dialect's SQL, for a migration that computes,
// for the rows already stored, a key the application computes with textfold.Fold from
// then on (repeat detection, migration 00019). Neither database folds diacritics by
// itself (SQLite has no such function; PostgreSQL's unaccent is an extension, and its
// LOWER follows the database's locale), so:
//
//   - SQLite calls ntmflow_fold, textfold.Fold itself, registered with the driver below:
//     the same fold, character for character, whatever the text.
//   - PostgreSQL decomposes the text (NFD), drops the combining marks U+0300–U+036F, maps
//     with one translate every capital and every letter NFD leaves whole (Đ, đ, Æ, Ø…) to
//     what Fold makes of it and every space Fold splits on to a plain space, then makes
//     runs of spaces one and trims the ends. The table is computed from textfold.Fold, so
//     on text in foldAlphabet (A–Z, the Latin-1 and Latin Extended-A letters, ơ ư, every
//     Vietnamese letter; composed or decomposed, any case) the two agree exactly
//     (TestFoldSQLAgreesWithFold); a capital outside it (Greek, Cyrillic…) stays a capital
//     where Fold would lower it.
//
// On this kind of machine either folds 100,000 names in about two seconds; the whole table
// spelled out as nested REPLACEs took 26 s on SQLite, and as one translate 9 s on
// PostgreSQL (a translate scans its table for every character it reads).
func (d Dialect) FoldSQL(column string) string {
	if d == SQLite {
		return foldFunc + "(" + column + ")"
	}
	from, to := make([]string, len(pgFoldPairs)), make([]string, len(pgFoldPairs))
	for i, p := range pgFoldPairs {
		from[i], to[i] = pgLiteral(p[0]), "'"+p[1]+"'"
	}
	expr := "translate(regexp_replace(normalize(" + column + ", NFD), '[\\u0300-\\u036f]', '', 'g'), " +
		strings.Join(from, " || ") + ", " + strings.Join(to, " || ") + ")"
	// Each pass halves every run of spaces: eight leave none of up to 256, more than the
	// longest text (200 characters) the application stores under a key.
	for range 8 {
		expr = "REPLACE(" + expr + ", '  ', ' ')"
	}
	return "TRIM(" + expr + ")"
}

// foldFunc is the SQLite function FoldSQL calls: textfold.Fold of a text, NULL of NULL.
const foldFunc = "ntmflow_fold"

func init() {
	// Registered with the driver, so every SQLite connection opened from now on has it (the
	// migration connection included).
	gosqlite.MustRegisterDeterministicScalarFunction(foldFunc, 1, func(_ *gosqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
		switch v := args[0].(type) {
		case nil:
			return nil, nil
		case string:
			return textfold.Fold(v), nil
		case []byte:
			return textfold.Fold(string(v)), nil
		}
		return nil, fmt.Errorf("%s: %T is not text", foldFunc, args[0])
	})
}

// pgLiteral is s as a PostgreSQL string literal; a control character is written chr(n),
// so no line break or tab stands in the SQL text.
func pgLiteral(s string) string {
	if r, _ := utf8.DecodeRuneInString(s); utf8.RuneCountInString(s) == 1 && unicode.IsControl(r) {
		return fmt.Sprintf("chr(%d)", r)
	}
	return "'" + s + "'"
}

// foldAlphabet are the letters on which the PostgreSQL fold is exactly textfold.Fold.
var foldAlphabet = [][2]rune{
	{'A', 'Z'},
	{0x00C0, 0x017F}, // Latin-1 Supplement letters and Latin Extended-A
	{0x01A0, 0x01A1}, // Ơ ơ
	{0x01AF, 0x01B0}, // Ư ư
	{0x1EA0, 0x1EF9}, // the Vietnamese letters of Latin Extended Additional
}

// pgFoldPairs are the PostgreSQL fold's translate table: what is left of a letter of
// foldAlphabet once decomposed and stripped of its marks, when Fold changes it further,
// and every space Fold splits on but the plain space.
var pgFoldPairs = func() [][2]string {
	var pairs [][2]string
	seen := map[string]string{}
	add := func(from, to string) {
		if utf8.RuneCountInString(from) != 1 || utf8.RuneCountInString(to) != 1 || strings.ContainsAny(from+to, "'\\") {
			panic(fmt.Sprintf("store: the PostgreSQL fold cannot translate %q to %q", from, to))
		}
		if prev, ok := seen[from]; ok {
			if prev != to {
				panic(fmt.Sprintf("store: the PostgreSQL fold translates %q to %q and to %q", from, prev, to))
			}
			return
		}
		seen[from] = to
		pairs = append(pairs, [2]string{from, to})
	}
	for r := rune(0); r <= 0x3000; r++ {
		if unicode.IsSpace(r) && r != ' ' {
			add(string(r), " ")
		}
	}
	for _, rg := range foldAlphabet {
		for r := rg[0]; r <= rg[1]; r++ {
			stripped := strings.Map(func(m rune) rune {
				if m >= 0x0300 && m <= 0x036F {
					return -1
				}
				return m
			}, norm.NFD.String(string(r)))
			if f := textfold.Fold(string(r)); f != stripped {
				add(stripped, f)
			}
		}
	}
	return pairs
}()
