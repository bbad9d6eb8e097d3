package main

import (
	"bytes"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// clockTicks is USER_HZ, the unit of /proc CPU times; it is 100 on every
// Linux architecture Go supports.
const clockTicks = 100

// watched is a process whose CPU time a run reports (--watch name=pid).
type watched struct {
	name string
	pid  int
}

// parseWatch parses "name=pid,name=pid".
func parseWatch(s string) ([]watched, error) {
	var out []watched
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part == "" {
			continue
		}
		name, pid, ok := strings.Cut(part, "=")
		n, err := strconv.Atoi(pid)
		if !ok || name == "" || err != nil || n <= 0 {
			return nil, fmt.Errorf("--watch: %q is not name=pid", part)
		}
		out = append(out, watched{name, n})
	}
	return out, nil
}

// cpuSnapshot is the CPU time of the watched processes and of the whole
// machine at one instant.
type cpuSnapshot struct {
	at        time.Time
	procs     []int64 // utime+stime ticks per watched process, -1 when unreadable
	busy, all uint64  // machine ticks from /proc/stat
}

func snapshotCPU(ws []watched) cpuSnapshot {
	s := cpuSnapshot{at: time.Now(), procs: make([]int64, len(ws))}
	for i, w := range ws {
		s.procs[i] = -1
		if t, err := procTicks(w.pid); err == nil {
			s.procs[i] = int64(t)
		}
	}
	s.busy, s.all, _ = machineTicks()
	return s
}

// cpuUsage is one process's CPU use over a run.
type cpuUsage struct {
	Name string `json:"name"`
	PID  int    `json:"pid"`
	// Percent is of one core: 200 is both cores of a 2-core machine.
	Percent float64 `json:"percent"`
	// PerCallbackUS is CPU microseconds per answered callback.
	PerCallbackUS float64 `json:"per_callback_us"`
}

// cpuReport compares two snapshots: per-process use, and the machine's
// busy share of all its cores.
func cpuReport(ws []watched, a, b cpuSnapshot, answered int64) ([]cpuUsage, float64) {
	secs := b.at.Sub(a.at).Seconds()
	out := make([]cpuUsage, 0, len(ws))
	for i, w := range ws {
		if a.procs[i] < 0 || b.procs[i] < a.procs[i] {
			continue // gone or unreadable
		}
		used := float64(b.procs[i]-a.procs[i]) / clockTicks
		u := cpuUsage{Name: w.name, PID: w.pid, Percent: 100 * used / secs}
		if answered > 0 {
			u.PerCallbackUS = used / float64(answered) * 1e6
		}
		out = append(out, u)
	}
	busy := 0.0
	if b.all > a.all {
		busy = 100 * float64(b.busy-a.busy) / float64(b.all-a.all)
	}
	return out, busy
}

// procTicks reads utime+stime of pid from /proc/PID/stat.
func procTicks(pid int) (uint64, error) {
	raw, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, err
	}
	// The command name may hold spaces and parentheses: fields are
	// counted from the last ')'. utime and stime are fields 14 and 15,
	// i.e. the 12th and 13th after the name.
	i := bytes.LastIndexByte(raw, ')')
	if i < 0 {
		return 0, fmt.Errorf("/proc/%d/stat: malformed", pid)
	}
	f := strings.Fields(string(raw[i+1:]))
	if len(f) < 13 {
		return 0, fmt.Errorf("/proc/%d/stat: malformed", pid)
	}
	u, err1 := strconv.ParseUint(f[11], 10, 64)
	s, err2 := strconv.ParseUint(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("/proc/%d/stat: malformed", pid)
	}
	return u + s, nil
}

// machineTicks reads the busy and total ticks of all cores from /proc/stat.
func machineTicks() (busy, all uint64, err error) {
	raw, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, 0, err
	}
	line, _, _ := strings.Cut(string(raw), "\n")
	f := strings.Fields(line)
	if len(f) < 5 || f[0] != "cpu" {
		return 0, 0, fmt.Errorf("/proc/stat: malformed")
	}
	for i, v := range f[1:] {
		n, _ := strconv.ParseUint(v, 10, 64)
		if i == 8 || i == 9 { // guest time is already counted in user
			continue
		}
		all += n
		if i != 3 && i != 4 { // idle, iowait
			busy += n
		}
	}
	return busy, all, nil
}

// cores is the number of CPUs Go may use, for reports.
func cores() int { return runtime.NumCPU() }
