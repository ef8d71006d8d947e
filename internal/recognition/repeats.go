package recognition

import "strings"

// ActiveSQL is the condition of an active recognition on the day given as its argument
// (activeSQL: not revoked, not past valid_until unless it has none) on the recognitions
// aliased alias, for the one query of another package the scope check allows on
// recognitions: the nomination's repeat detection, which lists the active recognitions a
// new nomination repeats (SPEC §13).
func ActiveSQL(alias string) string {
	return strings.NewReplacer("revoked_at", alias+".revoked_at", "valid_until", alias+".valid_until").Replace(activeSQL)
}
