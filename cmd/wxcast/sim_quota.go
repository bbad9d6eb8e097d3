package main

import (
	"fmt"
	"strconv"
	"strings"
)

// quotaFlag collects `wxcast sim --quota PATH=N` flags: daily API quotas
// that replace the simulator's defaults (N -1: no quota).
type quotaFlag map[string]int

func (q quotaFlag) String() string {
	parts := make([]string, 0, len(q))
	for path, n := range q {
		parts = append(parts, path+"="+strconv.Itoa(n))
	}
	return strings.Join(parts, ",")
}

// Set parses one PATH=N; the flag package names the flag and the value in
// front of the error.
func (q quotaFlag) Set(v string) error {
	path, num, ok := strings.Cut(v, "=")
	if !ok || !strings.HasPrefix(path, "/cgi-bin/") || len(path) == len("/cgi-bin/") {
		return fmt.Errorf("want PATH=N with PATH an API path like /cgi-bin/message/mass/send")
	}
	n, err := strconv.Atoi(num)
	if err != nil || n < -1 {
		return fmt.Errorf("quota %q of %s: want a whole number of calls a day, or -1 for no quota", num, path)
	}
	q[path] = n
	return nil
}

// Type names the value in help (pflag.Value).
func (q quotaFlag) Type() string { return "PATH=N" }
