package attrimport

import (
	"bytes"
	"fmt"
	"io"
	"testing"
)

// benchRows is a CSV of n rows with every attribute type.
func benchRows(n int) []byte {
	var b bytes.Buffer
	b.WriteString("openid,vip_level,spend_90d,city,last_order_at,member\n")
	for i := range n {
		fmt.Fprintf(&b, "oBench%022d,%d,%d.%02d,上海,2026-05-%02dT10:00:00+08:00,%d\n", i, i%6, i%5000, i%100, 1+i%28, i%2)
	}
	return b.Bytes()
}

// BenchmarkCSVRowValidation measures reading and checking one CSV row
// (parse, openid check, one conversion per attribute), without Redis.
func BenchmarkCSVRowValidation(b *testing.B) {
	rs := testRules(b)
	data := benchRows(10000)
	b.SetBytes(int64(len(data) / 10000))
	b.ReportAllocs()
	var src *csvSource
	for i := 0; b.Loop(); i++ {
		if i%10000 == 0 {
			var err error
			if src, err = newCSVSource(bytes.NewReader(data), rs, "bench.csv"); err != nil {
				b.Fatal(err)
			}
		}
		if _, _, problem, err := src.next(); err != nil || problem != "" {
			if err != io.EOF {
				b.Fatal(problem, err)
			}
		}
	}
}

// BenchmarkJSONRowValidation is the same for a JSON line.
func BenchmarkJSONRowValidation(b *testing.B) {
	rs := testRules(b)
	line := []byte(`{"openid": "oBench0000000000000000000001", "vip_level": 3, "spend_90d": 199.5, "city": "上海", "last_order_at": "2026-05-01T10:00:00+08:00", "member": true}`)
	s := newJSONSource(nil, rs)
	b.SetBytes(int64(len(line)))
	b.ReportAllocs()
	for b.Loop() {
		if _, problem := s.parse(line); problem != "" {
			b.Fatal(problem)
		}
	}
}
