package attrimport

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/wxcast/wxcast/rules"
)

// csvSource reads CSV rows; the header was checked by newCSVSource.
type csvSource struct {
	r      *csv.Reader
	limit  *recordLimit
	name   string
	line   int               // where the last record read started
	openid int               // column of the openid
	cols   []rules.AttrInput // by column; Name "" for the openid column
}

// maxRecord bounds one CSV record. encoding/csv has no limit of its own,
// and an unclosed quote makes it read the rest of the file into one cell.
const maxRecord = 1 << 20

// errRecordTooLong stops a record that passed maxRecord.
var errRecordTooLong = errors.New("record too long")

// recordLimit fails a read once more than max bytes were read since the
// last reset (each record resets it; the reader's read-ahead counts too,
// which max dwarfs).
type recordLimit struct {
	r      io.Reader
	n, max int
}

func (l *recordLimit) Read(p []byte) (int, error) {
	if l.n >= l.max {
		return 0, errRecordTooLong
	}
	if len(p) > l.max-l.n {
		p = p[:l.max-l.n]
	}
	k, err := l.r.Read(p)
	l.n += k
	return k, err
}

// newCSVSource reads and checks the header: an openid column, and only
// declared attributes, each once. Any problem refuses the whole file, since
// a misspelt column would otherwise be dropped from every row.
func newCSVSource(r io.Reader, rs *rules.Ruleset, name string) (*csvSource, error) {
	// Excel's "CSV UTF-8" starts with a BOM; it goes before parsing, so a
	// quoted first column ("openid") is still a quoted field.
	br := bufio.NewReader(r)
	if b, _ := br.Peek(3); bytes.Equal(b, []byte("\ufeff")) {
		_, _ = br.Discard(3)
	}
	limit := &recordLimit{r: br, max: maxRecord}
	cr := csv.NewReader(limit)
	cr.ReuseRecord = true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, &FileError{name, 1, "empty file: want a header row such as openid,vip_level"}
	}
	if err != nil {
		return nil, &FileError{name, 1, "header: " + csvReason(err)}
	}
	limit.n = 0
	s := &csvSource{r: cr, limit: limit, name: name, line: 1, openid: -1, cols: make([]rules.AttrInput, len(header))}
	for i, h := range header {
		if strings.EqualFold(strings.TrimSpace(h), "openid") {
			s.openid = i
		}
	}
	if s.openid < 0 {
		return nil, &FileError{name, 1, fmt.Sprintf("no openid column in the header (%s)", strings.Join(header, ","))}
	}
	seen := make(map[string]int)
	for i, h := range header {
		h = strings.TrimSpace(h)
		if j, dup := seen[h]; dup {
			return nil, &FileError{name, 1, fmt.Sprintf("column %q appears twice (columns %d and %d)", h, j+1, i+1)}
		}
		seen[h] = i
		if i == s.openid {
			continue
		}
		in, err := rs.AttrInput(h)
		if err != nil {
			if h == "" {
				return nil, &FileError{name, 1, fmt.Sprintf("column %d has no name", i+1)}
			}
			return nil, &FileError{name, 1, fmt.Sprintf("column %q: %v", h, strings.TrimPrefix(err.Error(), "attribute "+h+": "))}
		}
		s.cols[i] = in
	}
	cr.FieldsPerRecord = len(header)
	return s, nil
}

func (s *csvSource) next() (row, int, string, error) {
	rec, err := s.r.Read()
	s.limit.n = 0
	var pe *csv.ParseError
	switch {
	case errors.Is(err, io.EOF):
		return row{}, 0, "", io.EOF
	case errors.Is(err, errRecordTooLong):
		return row{}, 0, "", &FileError{s.name, s.line + 1, fmt.Sprintf(
			"a record starting after line %d runs past %d bytes: an unclosed quote? Nothing after it was read", s.line, maxRecord)}
	case errors.As(err, &pe):
		s.line = pe.Line
		return row{}, pe.StartLine, csvReason(err), nil
	case err != nil:
		return row{}, 0, "", err
	}
	line, _ := s.r.FieldPos(0)
	last, _ := s.r.FieldPos(len(rec) - 1)
	s.line = last
	for _, cell := range rec {
		if strings.ContainsAny(cell, "\r\n") {
			// No attribute value holds a line break: this is a quote
			// left open, which swallowed the lines up to the next quote.
			end := last + strings.Count(rec[len(rec)-1], "\n")
			s.line = end
			return row{}, line, fmt.Sprintf("a quoted value runs over lines %d to %d: an unclosed quote? Those lines were read as one row", line, end), nil
		}
	}
	openid := strings.TrimSpace(rec[s.openid])
	if err := rules.CheckOpenID(openid); err != nil {
		return row{}, line, err.Error(), nil
	}
	u := row{OpenID: openid}
	for i, cell := range rec {
		in := s.cols[i]
		if in.Name == "" {
			continue
		}
		v, set, err := in.FromText(cell)
		if err != nil {
			return row{}, line, err.Error(), nil
		}
		if set {
			if u.Attrs == nil {
				u.Attrs = make(map[string]string, len(rec)-1)
			}
			u.Attrs[in.Name] = v
		}
	}
	return u, line, "", nil
}

// csvReason says what is wrong with a CSV record without the position,
// which the caller gives.
func csvReason(err error) string {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		if errors.Is(pe.Err, csv.ErrFieldCount) {
			return "wrong number of fields: every row needs one cell per header column"
		}
		return pe.Err.Error()
	}
	return err.Error()
}

// maxLine is the longest JSON line read; a longer one is a bad row.
const maxLine = 1 << 20

// jsonSource reads JSON lines.
type jsonSource struct {
	br   *bufio.Reader
	rs   *rules.Ruleset
	line int
	buf  []byte
}

func newJSONSource(r io.Reader, rs *rules.Ruleset) *jsonSource {
	return &jsonSource{br: bufio.NewReaderSize(r, 64<<10), rs: rs}
}

func (s *jsonSource) next() (row, int, string, error) {
	for {
		data, long, err := s.readLine()
		if err != nil {
			return row{}, 0, "", err
		}
		s.line++
		if long {
			return row{}, s.line, fmt.Sprintf("line longer than %d bytes", maxLine), nil
		}
		data = bytes.TrimSpace(data)
		if s.line == 1 {
			data = bytes.TrimPrefix(data, []byte("\ufeff"))
		}
		if len(data) == 0 {
			continue // blank lines are allowed, e.g. at the end
		}
		u, problem := s.parse(data)
		return u, s.line, problem, nil
	}
}

// readLine returns the next line without its newline; long is true when
// it was cut at maxLine (the rest is skipped). io.EOF after the last line.
func (s *jsonSource) readLine() (data []byte, long bool, err error) {
	s.buf = s.buf[:0]
	for {
		chunk, err := s.br.ReadSlice('\n')
		if len(s.buf)+len(chunk) <= maxLine {
			s.buf = append(s.buf, chunk...)
		} else {
			long = true
		}
		switch {
		case err == nil:
			return s.buf, long, nil
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case errors.Is(err, io.EOF) && (len(s.buf) > 0 || long):
			return s.buf, long, nil
		}
		return nil, false, err
	}
}

func (s *jsonSource) parse(data []byte) (row, string) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var obj map[string]any
	if err := dec.Decode(&obj); err != nil || dec.More() {
		if err == nil {
			return row{}, "more than one JSON value on the line"
		}
		var ute *json.UnmarshalTypeError
		if errors.As(err, &ute) && ute.Field == "" {
			return row{}, "want a JSON object such as {\"openid\": \"o...\", \"vip_level\": 3}, got " + ute.Value
		}
		return row{}, "malformed JSON: " + err.Error()
	}
	if obj == nil {
		return row{}, "want a JSON object, got null"
	}
	// The decoder has replaced what is not UTF-8 with U+FFFD; the line
	// still tells.
	if err := rules.CheckJSONText(data); err != nil {
		return row{}, err.Error()
	}
	raw, ok := obj["openid"]
	if !ok {
		return row{}, "no openid"
	}
	openid, ok := raw.(string)
	if !ok {
		return row{}, "openid must be a string"
	}
	if err := rules.CheckOpenID(openid); err != nil {
		return row{}, err.Error()
	}
	delete(obj, "openid")
	attrs, err := s.rs.AttrsFromJSON(obj)
	if err != nil {
		return row{}, err.Error()
	}
	return row{OpenID: openid, Attrs: attrs}, ""
}
