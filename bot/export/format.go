package export

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"time"
)

// Columns are the export's fields, in the CSV header's order and as the
// JSON lines' names.
var Columns = []string{"openid", "version", "batch", "batch_outcome", "left_reason",
	"accepted_at", "first_click_at", "converted_at", "unsubscribed_24h"}

// Formats are the formats Writer knows.
var Formats = []string{"csv", "jsonl"}

// Writer writes rows in a format; Close flushes what is buffered.
type Writer interface {
	Write(rows []Row) error
	Close() error
}

// NewWriter writes rows to w in format (csv or jsonl), times in RFC 3339
// in loc. A CSV starts with its header.
func NewWriter(w io.Writer, format string, loc *time.Location) (Writer, error) {
	switch format {
	case "csv":
		c := csv.NewWriter(w)
		return &csvWriter{w: c, loc: loc}, c.Write(Columns)
	case "jsonl":
		return &jsonlWriter{w: bufio.NewWriterSize(w, 64<<10), loc: loc}, nil
	}
	return nil, fmt.Errorf("export: format %q: want csv or jsonl", format)
}

type csvWriter struct {
	w   *csv.Writer
	loc *time.Location
	rec [9]string
}

func (c *csvWriter) Write(rows []Row) error {
	for _, r := range rows {
		batch := ""
		if r.Batch >= 0 {
			batch = strconv.Itoa(r.Batch)
		}
		c.rec = [9]string{r.OpenID, r.Version, batch, r.Outcome, r.Left,
			stamp(r.Accepted, c.loc), stamp(r.FirstClick, c.loc), stamp(r.Converted, c.loc), strconv.FormatBool(r.Unsubscribed)}
		if err := c.w.Write(c.rec[:]); err != nil {
			return err
		}
	}
	return c.w.Error()
}

func (c *csvWriter) Close() error {
	c.w.Flush()
	return c.w.Error()
}

// jsonRow is a Row as a JSON line: absent times and batches are null.
type jsonRow struct {
	OpenID       string  `json:"openid"`
	Version      string  `json:"version"`
	Batch        *int    `json:"batch"`
	Outcome      string  `json:"batch_outcome"`
	Left         string  `json:"left_reason"`
	Accepted     *string `json:"accepted_at"`
	FirstClick   *string `json:"first_click_at"`
	Converted    *string `json:"converted_at"`
	Unsubscribed bool    `json:"unsubscribed_24h"`
}

type jsonlWriter struct {
	w   *bufio.Writer
	loc *time.Location
}

func (j *jsonlWriter) Write(rows []Row) error {
	enc := json.NewEncoder(j.w)
	enc.SetEscapeHTML(false)
	for _, r := range rows {
		jr := jsonRow{OpenID: r.OpenID, Version: r.Version, Outcome: r.Outcome, Left: r.Left,
			Accepted: stampPtr(r.Accepted, j.loc), FirstClick: stampPtr(r.FirstClick, j.loc),
			Converted: stampPtr(r.Converted, j.loc), Unsubscribed: r.Unsubscribed}
		if r.Batch >= 0 {
			jr.Batch = &r.Batch
		}
		if err := enc.Encode(jr); err != nil { // one line, newline-ended
			return err
		}
	}
	return nil
}

func (j *jsonlWriter) Close() error { return j.w.Flush() }

// stamp is t in RFC 3339 in loc, "" when zero.
func stamp(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	return t.In(loc).Format(time.RFC3339)
}

func stampPtr(t time.Time, loc *time.Location) *string {
	if t.IsZero() {
		return nil
	}
	s := stamp(t, loc)
	return &s
}
