package store

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
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
