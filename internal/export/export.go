// Package export writes a table as CSV or XLSX: XLSX with a title row (what, when), then
// a header row and the data with numbers kept as numbers so spreadsheets can sum them. A
// CSV starts with its header row (RFC 4180): a title line above it would be read as the
// header by every tool that imports it; the title goes into the file name instead.
package export

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// Table is a report ready to write.
type Table struct {
	Title   string
	Sheet   string
	Headers []string
	Rows    [][]any // cells: string, int, int64, float64, or nil for empty
}

// CSV writes UTF-8 CSV with a byte-order mark, so Excel opens Vietnamese text correctly.
func CSV(w io.Writer, t Table) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(t.Headers); err != nil {
		return err
	}
	for _, r := range t.Rows {
		rec := make([]string, len(r))
		for i, v := range r {
			rec[i] = cellText(v)
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func cellText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return neutralise(x)
	case int:
		return strconv.Itoa(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return neutralise(fmt.Sprint(v))
}

// neutralise stops a cell that starts like a formula from being run by a spreadsheet
// (CSV injection): stored text such as "=HYPERLINK(…)" stays text.
func neutralise(s string) string {
	if s != "" && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' || s[0] == '\r') {
		return "'" + s
	}
	return s
}

// XLSX writes a workbook with one sheet: the title in bold, the header row bold and
// frozen, numbers as numbers.
func XLSX(w io.Writer, t Table) error { return Workbook(w, []Table{t}) }

// Workbook writes one sheet per table, in order, each laid out as XLSX lays out its one
// (title, frozen bold headers, numbers as numbers). Sheet names must differ; an empty one
// becomes "SheetN". Excel allows at most 31 characters and none of :\/?*[] in a name.
func Workbook(w io.Writer, tables []Table) error {
	if len(tables) == 0 {
		return fmt.Errorf("export: a workbook needs at least one table")
	}
	f := excelize.NewFile()
	defer f.Close()
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	title, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 13}})
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	for i, t := range tables {
		sheet := sheetName(t.Sheet, i)
		if seen[sheet] {
			return fmt.Errorf("export: two sheets named %q", sheet)
		}
		seen[sheet] = true
		if i == 0 {
			err = f.SetSheetName("Sheet1", sheet)
		} else {
			_, err = f.NewSheet(sheet)
		}
		if err != nil {
			return err
		}
		if err := writeSheet(f, sheet, t, bold, title); err != nil {
			return err
		}
	}
	f.SetActiveSheet(0)
	return f.Write(w)
}

// sheetName makes a name Excel accepts: no forbidden characters, at most 31 runes.
func sheetName(name string, i int) string {
	name = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`:\/?*[]`, r) {
			return '-'
		}
		return r
	}, strings.TrimSpace(name))
	if name == "" {
		return fmt.Sprintf("Sheet%d", i+1)
	}
	if r := []rune(name); len(r) > 31 {
		name = string(r[:31])
	}
	return name
}

func writeSheet(f *excelize.File, sheet string, t Table, bold, title int) error {
	if err := f.SetCellValue(sheet, "A1", t.Title); err != nil {
		return err
	}
	if err := f.SetCellStyle(sheet, "A1", "A1", title); err != nil {
		return err
	}
	widths := make([]int, len(t.Headers))
	for i, h := range t.Headers {
		cell, _ := excelize.CoordinatesToCellName(i+1, 2)
		if err := f.SetCellValue(sheet, cell, h); err != nil {
			return err
		}
		widths[i] = utf8.RuneCountInString(h)
	}
	if len(t.Headers) > 0 {
		last, _ := excelize.CoordinatesToCellName(len(t.Headers), 2)
		if err := f.SetCellStyle(sheet, "A2", last, bold); err != nil {
			return err
		}
	}
	for r, row := range t.Rows {
		for c, v := range row {
			cell, _ := excelize.CoordinatesToCellName(c+1, r+3)
			if s, ok := v.(string); ok {
				v = neutralise(s)
				if n := utf8.RuneCountInString(s); c < len(widths) && n > widths[c] {
					widths[c] = n
				}
			}
			if v == nil {
				continue
			}
			if err := f.SetCellValue(sheet, cell, v); err != nil {
				return err
			}
		}
	}
	for i, wdt := range widths {
		col, _ := excelize.ColumnNumberToName(i + 1)
		if err := f.SetColWidth(sheet, col, col, float64(min(max(wdt+2, 8), 60))); err != nil {
			return err
		}
	}
	return f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 2, TopLeftCell: "A3", ActivePane: "bottomLeft"})
}
