package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/wxcast/wxcast/internal/redistest"
)

// TestImportSmall runs wxload import on a few rows: every generated row
// is good, the second pass changes nothing, and the keys are cleaned.
func TestImportSmall(t *testing.T) {
	url := redistest.URL()
	if url == "" {
		t.Skip("TEST_REDIS_URL not set: wxload import needs a real Redis to clean up with SCAN")
	}
	prefix := redistest.Prefix(t)
	var out, errOut bytes.Buffer
	err := dispatch(context.Background(), []string{"import", "--redis-url", url, "--prefix", prefix, "--n", "3000", "--batch", "100"}, &out, &errOut)
	if err != nil {
		t.Fatalf("%v\n%s", err, errOut.String())
	}
	for _, want := range []string{"first import: 3000 rows", "3000 changed, 0 unchanged, 0 bad", "re-import: 3000 rows", "0 changed, 3000 unchanged, 0 bad", "peak RSS"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	s := redistest.Open(t) // any store on the same server, to look for leftovers
	if keys, _ := s.Redis().Keys(context.Background(), prefix+"*").Result(); len(keys) != 0 {
		t.Errorf("%d keys left under %s", len(keys), prefix)
	}
}
