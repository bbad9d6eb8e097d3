package deploytest

import (
	"bytes"
	"debug/buildinfo"
	"debug/elf"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/wxcast/wxcast/configs"
)

// repoRoot is where the Dockerfile and compose.yaml live, seen from this
// package's folder (go test runs in it).
const repoRoot = "../.."

// dockerBuildLine returns the Dockerfile's RUN line that builds wxcast,
// without "RUN ".
func dockerBuildLine(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	var found []string
	for i, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "RUN ") && strings.Contains(line, "go build") {
			if strings.HasSuffix(line, `\`) {
				t.Fatalf("Dockerfile:%d: keep the go build line on one line, the test runs it as it is", i+1)
			}
			found = append(found, strings.TrimPrefix(line, "RUN "))
		}
	}
	if len(found) != 1 {
		t.Fatalf("Dockerfile: want one RUN line with go build, found %d", len(found))
	}
	return found[0]
}

// TestContainerBuild runs the Dockerfile's own build line (the image cannot
// be built without pulling base images) and checks that what it makes can
// run on distroless/static: a static ELF with no interpreter, built without
// cgo, that prints the version passed as the VERSION build argument.
func TestContainerBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("builds wxcast from scratch with -trimpath; not in -short")
	}
	line := dockerBuildLine(t)
	for _, want := range []string{"CGO_ENABLED=0 ", " -trimpath ", "-X main.version=${VERSION}", " -o /out/wxcast ", "./cmd/wxcast"} {
		if !strings.Contains(line, want) {
			t.Fatalf("Dockerfile: the build line lacks %q: %s", want, line)
		}
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is needed to build as the Dockerfile does: %v", err)
	}
	out := filepath.Join(t.TempDir(), "wxcast")
	cmdLine := strings.Replace(line, " -o /out/wxcast ", " -o "+out+" ", 1)

	const stamped = "v9.8.7-container-test"
	build := exec.Command("sh", "-c", cmdLine)
	build.Dir = repoRoot
	// The go command of this test run, first on PATH, as the builder
	// image's is.
	build.Env = append(os.Environ(), "VERSION="+stamped, "PATH="+filepath.Dir(goBin)+string(os.PathListSeparator)+os.Getenv("PATH"))
	if msg, err := build.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", cmdLine, err, msg)
	}

	f, err := elf.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP || p.Type == elf.PT_DYNAMIC {
			t.Errorf("the binary has a %v program header: it is dynamically linked and would not start on distroless/static", p.Type)
		}
	}
	if libs, _ := f.ImportedLibraries(); len(libs) > 0 {
		t.Errorf("the binary needs shared libraries %v", libs)
	}

	info, err := buildinfo.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	settings := map[string]string{}
	for _, s := range info.Settings {
		settings[s.Key] = s.Value
	}
	if settings["CGO_ENABLED"] != "0" || settings["-trimpath"] != "true" {
		t.Errorf("build settings CGO_ENABLED=%q -trimpath=%q, want 0 and true", settings["CGO_ENABLED"], settings["-trimpath"])
	}

	var stdout bytes.Buffer
	ver := exec.Command(out, "version")
	ver.Stdout, ver.Stderr = &stdout, &stdout
	if err := ver.Run(); err != nil {
		t.Fatalf("wxcast version: %v\n%s", err, stdout.String())
	}
	if !strings.HasPrefix(stdout.String(), "wxcast "+stamped+" ") {
		t.Errorf("wxcast version printed %q, want the stamped %s", stdout.String(), stamped)
	}
}

// composeFile is the part of compose.yaml the test reads.
type composeFile struct {
	Services map[string]struct {
		Command     []string          `yaml:"command"`
		Environment map[string]string `yaml:"environment"`
		Volumes     []string          `yaml:"volumes"`
		Ports       []string          `yaml:"ports"`
	} `yaml:"services"`
}

// TestComposeConfigLoads loads the configuration the compose file gives
// wxcast: its WXCAST_ variables over the config file it mounts. wxcast
// refuses unknown WXCAST_ variables at start, so a misspelt one fails here
// rather than in a container.
func TestComposeConfigLoads(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(repoRoot, "compose.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var cf composeFile
	if err := yaml.Unmarshal(b, &cf); err != nil {
		t.Fatalf("compose.yaml: %v", err)
	}
	wx, ok := cf.Services["wxcast"]
	if !ok {
		t.Fatal("compose.yaml: no wxcast service")
	}
	redis, ok := cf.Services["redis"]
	if !ok {
		t.Fatal("compose.yaml: no redis service")
	}
	if cmd := strings.Join(redis.Command, " "); !strings.Contains(cmd, "--appendonly yes") {
		t.Errorf("compose.yaml: redis runs %q, want --appendonly yes (redis.url's data must survive a restart)", cmd)
	}

	// The config file's path inside the container, mapped back onto the
	// repository through the wxcast service's bind mounts.
	inContainer := wx.Environment["WXCAST_CONFIG"]
	path := ""
	for _, v := range wx.Volumes {
		parts := strings.Split(v, ":")
		if len(parts) < 2 || !strings.HasPrefix(parts[0], "./") {
			continue
		}
		if rel, err := filepath.Rel(parts[1], inContainer); err == nil && !strings.HasPrefix(rel, "..") {
			path = filepath.Join(repoRoot, parts[0], rel)
		}
	}
	if path == "" {
		t.Fatalf("compose.yaml: WXCAST_CONFIG=%q is not inside a mounted folder of the repository (volumes %v)", inContainer, wx.Volumes)
	}
	var environ []string
	for k, v := range wx.Environment {
		environ = append(environ, k+"="+v)
	}
	cfg, err := configs.Load(path, environ)
	if err != nil {
		t.Fatalf("compose.yaml's wxcast configuration does not load: %v", err)
	}
	if got := cfg.Redis.URL.Value(); got != "redis://redis:6379/0" {
		t.Errorf("redis.url = %q, want the compose redis service", got)
	}
	if !strings.HasPrefix(cfg.Listen, ":") {
		t.Errorf("listen = %q: inside a container wxcast must listen on every interface for the published port to reach it", cfg.Listen)
	}
	if _, err := os.Stat(cfg.RulesFile); err != nil {
		t.Errorf("rules_file: %v", err)
	}
	port := strings.TrimPrefix(cfg.Listen, ":")
	published := false
	for _, p := range wx.Ports {
		published = published || strings.HasSuffix(p, ":"+port)
	}
	if !published {
		t.Errorf("compose.yaml publishes %v, not wxcast's port %s", wx.Ports, port)
	}
}
