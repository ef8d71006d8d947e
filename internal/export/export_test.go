package export

import (
	"bytes"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

var table = Table{
	Title: "Tiến độ phong trào — năm 2022", Sheet: "Tiến độ",
	Headers: []string{"Đơn vị", "Chỉ tiêu tối thiểu", "Đã công nhận"},
	Rows: [][]any{
		{"Huyện Cao Lộc", 2, 3},
		{"=HYPERLINK(\"http://x\")", nil, 0},
	},
}

func TestCSV(t *testing.T) {
	var buf bytes.Buffer
	if err := CSV(&buf, table); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	// A CSV starts with its header row, right after the byte-order mark: no title line.
	if !strings.HasPrefix(out, "\ufeffĐơn vị,Chỉ tiêu tối thiểu,Đã công nhận\n") {
		t.Fatalf("no BOM and header row first: %q", out[:40])
	}
	if strings.Contains(out, "Tiến độ phong trào") {
		t.Errorf("CSV carries the title line:\n%s", out)
	}
	for _, want := range []string{"Đơn vị,Chỉ tiêu tối thiểu,Đã công nhận\n", "Huyện Cao Lộc,2,3\n", `'=HYPERLINK`} {
		if !strings.Contains(out, want) {
			t.Errorf("CSV lacks %q:\n%s", want, out)
		}
	}
}

func TestXLSXKeepsNumbersAndText(t *testing.T) {
	var buf bytes.Buffer
	if err := XLSX(&buf, table); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if v, _ := f.GetCellValue("Tiến độ", "A1"); v != "Tiến độ phong trào — năm 2022" {
		t.Fatalf("title = %q", v)
	}
	if v, _ := f.GetCellValue("Tiến độ", "A3"); v != "Huyện Cao Lộc" {
		t.Fatalf("A3 = %q", v)
	}
	typ, err := f.GetCellType("Tiến độ", "C3")
	if err != nil || (typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset) {
		t.Fatalf("C3 type = %v, %v", typ, err)
	}
	if v, _ := f.GetCellValue("Tiến độ", "C3"); v != "3" {
		t.Fatalf("C3 = %q", v)
	}
	if v, _ := f.GetCellValue("Tiến độ", "A4"); !strings.HasPrefix(v, "'=") {
		t.Fatalf("formula not neutralised: %q", v)
	}
}

// A workbook keeps each table on its own sheet, in order, with numbers as numbers and
// names Excel accepts.
func TestWorkbookWritesOneSheetPerTable(t *testing.T) {
	money := Table{Title: "Nguồn vốn huy động năm 2021", Sheet: "Nguồn vốn",
		Headers: []string{"Nguồn", "Số tiền (đồng)"},
		Rows:    [][]any{{"Ngân sách trung ương", int64(2974000000000)}, {"Tổng", nil}}}
	long := Table{Title: "x", Sheet: "Bình quân tiêu chí / các mức đạt được của xã [2021]", Headers: []string{"a"}}
	var buf bytes.Buffer
	if err := Workbook(&buf, []Table{table, money, long}); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) != 3 || sheets[0] != "Tiến độ" || sheets[1] != "Nguồn vốn" {
		t.Fatalf("sheets = %q", sheets)
	}
	if n := []rune(sheets[2]); len(n) != 31 || strings.ContainsAny(sheets[2], "/[]") {
		t.Fatalf("long sheet name = %q", sheets[2])
	}
	if v, _ := f.GetCellValue("Nguồn vốn", "B3"); v != "2974000000000" {
		t.Fatalf("B3 = %q", v)
	}
	if typ, _ := f.GetCellType("Nguồn vốn", "B3"); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
		t.Fatalf("B3 type = %v", typ)
	}
	if err := Workbook(&buf, []Table{money, money}); err == nil {
		t.Fatal("two sheets with one name were accepted")
	}
}
