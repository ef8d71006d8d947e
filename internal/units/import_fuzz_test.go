package units

import (
	"bufio"
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/ntmflow/ntmflow/internal/apperr"
	"github.com/ntmflow/ntmflow/internal/textcheck"
)

// FuzzParseCSV: a units file either parses into rows that each pass the row checks, with
// unique codes and names that are clean text, or fails with a validation error naming the
// file or a line; it never panics.
func FuzzParseCSV(f *testing.F) {
	head := "code,level,name,kind,parent_code\n"
	f.Add([]byte(head + "20,province,Tỉnh   Lạng  Sơn,Tỉnh,\n183,district,Huyện Cao Lộc,Huyện,20\n06220,commune,Xã  Hải Yến ,Xã,183\n"))
	f.Add([]byte("\ufeff" + head + "01,province,\"Thành phố Hà Nội\",Thành phố Trung ương,\n"))
	f.Add([]byte(head + "20,province,X,Y,\n20,province,Z,Y,\n"))
	f.Add([]byte(head + "2,province,X,Y,\n"))
	f.Add([]byte(head + "20,province,\"a\"\"b\",Y,\n"))
	f.Add([]byte(head + "20,province,\"unterminated,Y,\n"))
	f.Add([]byte(head))
	f.Add([]byte(head + "\"00000000000")) // used to panic in csv.Reader.FieldPos after the parse error
	f.Add([]byte("id,level\n"))
	// The first lines of the shipped list.
	if r, err := OpenEmbedded(); err == nil {
		var b bytes.Buffer
		sc := bufio.NewScanner(r)
		for i := 0; i < 20 && sc.Scan(); i++ {
			b.WriteString(sc.Text() + "\n")
		}
		r.Close()
		f.Add(b.Bytes())
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, err := ParseCSV(bytes.NewReader(data))
		if err != nil {
			var ve *apperr.ValidationError
			if !errors.As(err, &ve) || len(ve.Fields) != 1 {
				t.Fatalf("error %v is not a validation error on one field", err)
			}
			return
		}
		if len(rows) == 0 {
			t.Fatal("no rows and no error")
		}
		seen := map[string]bool{}
		for _, r := range rows {
			if msg := r.problem(); msg != "" {
				t.Fatalf("accepted row %+v has a problem: %s", r, msg)
			}
			if seen[r.Code] {
				t.Fatalf("code %s accepted twice", r.Code)
			}
			seen[r.Code] = true
			if r.Name != strings.TrimSpace(r.Name) || strings.Contains(r.Name, "  ") {
				t.Fatalf("name %q not collapsed", r.Name)
			}
			if !textcheck.Valid(r.Name) || !textcheck.Valid(r.Kind) {
				t.Fatalf("accepted row %+v has control characters or invalid UTF-8", r)
			}
		}
	})
}
