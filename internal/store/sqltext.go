package store

import (
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// SQL pieces every package writes the same way on both databases: LIKE with a literal
// text, the year of a date, and the keyset cursor of a paged list.

// likeEscaper escapes LIKE's wildcards and its escape character, so the text matches
// itself and nothing else.
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// EscapeLike makes s a literal part of a LIKE pattern (pair it with Like, whose ESCAPE
// clause names the backslash: SQLite has no default escape character). A search for
// "100%" then finds "100%", not every "100…", and a unit path can never widen a scope.
func EscapeLike(s string) string { return likeEscaper.Replace(s) }

// Like is "column LIKE ?" for a pattern built with EscapeLike.
func Like(column string) string { return column + ` LIKE ? ESCAPE '\'` }

// YearOf is the SQL for the calendar year (an integer) of a DATE column. SQLite stores
// dates as text (YYYY-MM-DD…), PostgreSQL as dates.
func (d Dialect) YearOf(column string) string {
	if d == SQLite {
		return fmt.Sprintf("CAST(substr(%s, 1, 4) AS INTEGER)", column)
	}
	return fmt.Sprintf("CAST(EXTRACT(YEAR FROM %s) AS INTEGER)", column)
}

// ErrBadCursor is a cursor that no page of a list handed out.
var ErrBadCursor = errors.New("not a cursor from a previous page")

// EncodeCursor is the opaque next-page cursor of a list ordered by id descending: the
// next page holds the ids below id. One format for every paged list.
func EncodeCursor(id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte("n" + strconv.FormatInt(id, 10)))
}

// DecodeCursor returns the id EncodeCursor was given (always positive), or ErrBadCursor.
func DecodeCursor(c string) (int64, error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil || len(b) < 2 || b[0] != 'n' {
		return 0, ErrBadCursor
	}
	id, err := strconv.ParseInt(string(b[1:]), 10, 64)
	if err != nil || id <= 0 {
		return 0, ErrBadCursor
	}
	return id, nil
}

// capitals are the capital letters CompactLower folds, Latin and Vietnamese, in the order
// CompactLowerSQL replaces them. The list is spelled out, not left to a LOWER function,
// so that the Go fold and the SQL fold agree on every database: SQLite's LOWER folds
// ASCII only, PostgreSQL's follows the database's locale.
var capitals = []rune("ABCDEFGHIJKLMNOPQRSTUVWXYZ" +
	"ÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬĐÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ")

// compactSpaces are the spaces CompactLower drops.
var compactSpaces = []rune{' ', '\t', '\u00a0'}

// CompactLower is s (composed, NFC) without spaces and with the capitals of Latin and
// Vietnamese in small letters: the form in which two spellings of one reference number
// compare equal, "12/QĐ-UBND" and " 12/qđ-ubnd ". CompactLowerSQL computes the same in SQL.
func CompactLower(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case slices.Contains(compactSpaces, r):
			return -1
		case slices.Contains(capitals, r):
			return unicode.ToLower(r)
		}
		return r
	}, norm.NFC.String(s))
}

// CompactLowerSQL is CompactLower of column in SQL both databases run (nested REPLACE),
// for text stored composed (NFC), as the application stores it.
func CompactLowerSQL(column string) string {
	expr := column
	for _, r := range slices.Concat(compactSpaces, capitals) {
		to := ""
		if !slices.Contains(compactSpaces, r) {
			to = string(unicode.ToLower(r))
		}
		expr = "REPLACE(" + expr + ", '" + string(r) + "', '" + to + "')"
	}
	return expr
}
