package nomination

import (
	"slices"
	"testing"

	"golang.org/x/text/unicode/norm"

	"github.com/ntmflow/ntmflow/internal/criteria"
)

// TestMatchKey: the key ignores diacritics, case and spacing, in either normalisation
// form; a garden's owner and village are kept apart (no two pairs share a key), a
// residential area has its village alone, a commune title none. The keys are those
// migration 00019 gives stored rows (internal/store TestRepeatKeysMigration).
func TestMatchKey(t *testing.T) {
	cases := []struct {
		typ            criteria.Type
		owner, village string
		want           string
	}{
		{criteria.ModelGarden, "Nguyễn Văn Ấn", "Thôn Nà Lầu", "nguyen van an\nthon na lau"},
		{criteria.ModelGarden, norm.NFD.String("NGUYỄN VĂN ẤN"), "thôn  nà lầu", "nguyen van an\nthon na lau"},
		{criteria.ModelGarden, "Nguyen Van", "An Thon Na Lau", "nguyen van\nan thon na lau"},
		{criteria.ModelResidentialArea, "", "Khu Đồng Bụt", "khu dong but"},
		{criteria.NTMCommune, "", "", ""},
		{criteria.AdvancedNTMCommune, "x", "y", ""},
	}
	for _, tc := range cases {
		if got := matchKey(tc.typ, tc.owner, tc.village); got != tc.want {
			t.Errorf("matchKey(%s, %q, %q) = %q, want %q", tc.typ, tc.owner, tc.village, got, tc.want)
		}
	}
}

// TestOpenStatuses: open is a draft or on its way to a decision; a decided nomination
// (approved, rejected, withdrawn, revoked) is closed.
func TestOpenStatuses(t *testing.T) {
	want := []Status{Draft, Submitted, UnderReview, Returned, Endorsed}
	if !slices.Equal(openStatuses, want) {
		t.Fatalf("open statuses %v, want %v", openStatuses, want)
	}
	for _, s := range []Status{Approved, Rejected, Withdrawn, Revoked} {
		if s.Open() {
			t.Errorf("%s is open", s)
		}
	}
}
