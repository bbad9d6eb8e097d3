// Package attrimport applies a file of business attributes (CSV or JSON
// lines) to follower profiles: each row is checked against the rules
// file's declarations, good rows are written in pipelined batches by a few
// workers, and bad rows are reported by line and skipped. Memory stays
// bounded whatever the file size. It is the engine of `wxcast users
// import` and of the load tool that measures it. It builds on rules and
// store and must not import handlers.
package attrimport

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"

	botattrs "github.com/wxcast/wxcast/bot/attrs"
	"github.com/wxcast/wxcast/rules"
	"github.com/wxcast/wxcast/store"
)

// Format is how a file is written.
type Format string

const (
	// CSV is a header row naming the openid column and one column per
	// attribute, then one follower per row.
	CSV Format = "csv"
	// JSONLines is one JSON object per line: {"openid": "...", "vip_level": 3}.
	JSONLines Format = "jsonl"
)

// FormatOf picks the format: flag when given ("csv" or "jsonl"), else from
// the file's extension.
func FormatOf(path, flag string) (Format, error) {
	switch strings.ToLower(flag) {
	case "csv":
		return CSV, nil
	case "jsonl", "ndjson", "json":
		return JSONLines, nil
	case "":
	default:
		return "", fmt.Errorf("unknown format %q: use csv or jsonl", flag)
	}
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv":
		return CSV, nil
	case ".jsonl", ".ndjson", ".json":
		return JSONLines, nil
	}
	return "", fmt.Errorf("%s: cannot tell the format from the extension: name it .csv or .jsonl, or give --format csv|jsonl", path)
}

// Store is where the rows go.
type Store interface {
	SetAttributesBatch(ctx context.Context, ups []store.AttrUpdate) (int, error)
	CountAttrChanges(ctx context.Context, ups []store.AttrUpdate) (int, error)
	// SetAttributesBatchNamed names, per update, the attributes it
	// changed; an import with conversion attributes takes it.
	SetAttributesBatchNamed(ctx context.Context, ups []store.AttrUpdate) ([][]string, error)
}

// Options configures Run.
type Options struct {
	Rules  *rules.Ruleset
	Store  Store
	Format Format
	// Name is the file's name in messages.
	Name string
	// DryRun checks every row and counts what would change, writing nothing.
	DryRun bool
	// BatchSize is the rows per pipeline (default 1000); Workers how many
	// pipelines are in flight (default 4).
	BatchSize, Workers int
	// OnBad hears about every bad row, in file order.
	OnBad func(Problem)
	// Conversions makes the rows that change a conversion attribute
	// (results.conversion_attributes) behaviour and conversions, as the
	// attributes API does; nil makes none. A dry run records none.
	Conversions *botattrs.Converter
}

// Problem is a bad row, skipped.
type Problem struct {
	Line   int
	Reason string
}

// Summary counts the rows of a file. Applied rows are the good ones:
// written, or for a dry run checked; of those, Changed altered (or would
// alter) a profile and Unchanged already held these values.
type Summary struct {
	Read, Applied, Changed, Unchanged, Bad int
	// Conversions counts the rows that changed a conversion attribute;
	// ConversionErrors those of them whose event or conversion could not
	// be recorded (the values are stored all the same).
	Conversions, ConversionErrors int
}

// FileError refuses a whole file (a CSV header naming an undeclared
// attribute); it names the file and line.
type FileError struct {
	Name string
	Line int
	Msg  string
}

func (e *FileError) Error() string { return fmt.Sprintf("%s:%d: %s", e.Name, e.Line, e.Msg) }

// row is a good row on its way to a worker.
type row = store.AttrUpdate

// Run reads r to the end and applies its rows. It returns an error only
// when the file is refused or the store fails; bad rows are counted and
// reported through OnBad. A follower listed twice gets the later row's
// values (rows of one follower are applied in file order).
func Run(ctx context.Context, r io.Reader, o Options) (Summary, error) {
	if o.BatchSize <= 0 {
		o.BatchSize = 1000
	}
	if o.Workers <= 0 {
		o.Workers = 4
	}
	if o.OnBad == nil {
		o.OnBad = func(Problem) {}
	}
	var src rowSource
	switch o.Format {
	case CSV:
		s, err := newCSVSource(r, o.Rules, o.Name)
		if err != nil {
			return Summary{}, err
		}
		src = s
	case JSONLines:
		src = newJSONSource(r, o.Rules)
	default:
		return Summary{}, fmt.Errorf("attrimport: unknown format %q", o.Format)
	}
	p := newPool(ctx, o)
	sum, readErr := feed(p.ctx, src, p, o.OnBad)
	changed, storeErr := p.wait()
	sum.Conversions, sum.ConversionErrors = int(p.conversions.Load()), int(p.conversionErrs.Load())
	if storeErr != nil {
		return sum, storeErr
	}
	if readErr != nil {
		return sum, readErr
	}
	sum.Changed = changed
	sum.Unchanged = sum.Applied - changed
	return sum, nil
}

// rowSource yields the rows of a file: a good one (problem empty), a bad
// one (problem set), or io.EOF. A row with nothing to set has no Attrs.
type rowSource interface {
	next() (u row, line int, problem string, err error)
}

// feed reads every row and hands good ones to the pool.
func feed(ctx context.Context, src rowSource, p *pool, onBad func(Problem)) (Summary, error) {
	var sum Summary
	for ctx.Err() == nil {
		u, line, problem, err := src.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return sum, err
		}
		sum.Read++
		if problem != "" {
			sum.Bad++
			onBad(Problem{line, problem})
			continue
		}
		sum.Applied++
		if len(u.Attrs) > 0 {
			p.add(u)
		}
	}
	return sum, nil
}

// pool spreads rows over workers by openid, so that the rows of one
// follower go through one worker, in order.
type pool struct {
	ctx     context.Context
	cancel  context.CancelFunc
	o       Options
	batches [][]row
	queues  []chan []row
	wg      sync.WaitGroup
	changed atomic.Int64
	// conversions and conversionErrs count Options.Conversions' rows.
	conversions, conversionErrs atomic.Int64
	errOnce                     sync.Once
	err                         error
}

func newPool(ctx context.Context, o Options) *pool {
	ctx, cancel := context.WithCancel(ctx)
	p := &pool{ctx: ctx, cancel: cancel, o: o, batches: make([][]row, o.Workers), queues: make([]chan []row, o.Workers)}
	for i := range p.queues {
		p.queues[i] = make(chan []row, 1)
		p.wg.Go(func() { p.work(p.queues[i]) })
	}
	return p
}

func (p *pool) add(u row) {
	h := fnv.New32a()
	_, _ = h.Write([]byte(u.OpenID))
	w := int(h.Sum32() % uint32(len(p.queues)))
	p.batches[w] = append(p.batches[w], u)
	if len(p.batches[w]) >= p.o.BatchSize {
		p.send(w)
	}
}

func (p *pool) send(w int) {
	select {
	case p.queues[w] <- p.batches[w]:
	case <-p.ctx.Done():
	}
	p.batches[w] = make([]row, 0, p.o.BatchSize)
}

func (p *pool) work(q <-chan []row) {
	for b := range q {
		if p.ctx.Err() != nil {
			continue // drain: the run is failing
		}
		var n int
		var err error
		switch {
		case p.o.DryRun:
			n, err = p.o.Store.CountAttrChanges(p.ctx, b)
		case p.o.Conversions != nil:
			n, err = p.writeNamed(b)
		default:
			n, err = p.o.Store.SetAttributesBatch(p.ctx, b)
		}
		if err != nil {
			p.errOnce.Do(func() { p.err = err; p.cancel() })
			continue
		}
		p.changed.Add(int64(n))
	}
}

// wait flushes the last batches and waits for the workers.
func (p *pool) wait() (int, error) {
	for w := range p.batches {
		if len(p.batches[w]) > 0 {
			p.send(w)
		}
		close(p.queues[w])
	}
	p.wg.Wait()
	defer p.cancel()
	if p.err == nil && p.ctx.Err() != nil {
		return 0, p.ctx.Err()
	}
	return int(p.changed.Load()), p.err
}

// writeNamed writes a batch and hands the rows that changed a conversion
// attribute to Options.Conversions, in row order. It returns how many rows
// changed a profile.
func (p *pool) writeNamed(b []row) (int, error) {
	names, err := p.o.Store.SetAttributesBatchNamed(p.ctx, b)
	if err != nil {
		return 0, err
	}
	n := 0
	for i, changed := range names {
		if len(changed) == 0 {
			continue
		}
		n++
		conv, err := p.o.Conversions.Note(p.ctx, b[i].OpenID, changed, b[i].Attrs)
		if len(conv) > 0 {
			p.conversions.Add(1)
		}
		if err != nil {
			p.conversionErrs.Add(1)
		}
	}
	return n, nil
}
