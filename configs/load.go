package configs

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/wxcast/wxcast/internal/yamlnode"
)

// Load builds the configuration: Default, then the YAML file at path (if
// path is not ""), then the WXCAST_ variables in environ (os.Environ
// format, "KEY=value"), then Validate.
//
// On failure the Config is nil and every problem found is returned at
// once, joined with errors.Join; each names its key, and the file and line
// or the environment variable the bad value came from. Only an unreadable or syntactically broken file stops
// loading early.
func Load(path string, environ []string) (*Config, error) {
	return load(path, environ, true)
}

// load is Load; wechat says whether the wechat.* keys the callback
// endpoint cannot do without are required (see LoadWithoutWeChat).
func load(path string, environ []string, wechat bool) (*Config, error) {
	cfg := Default()
	origins := make(map[string]origin)
	var errs []error
	if path != "" {
		fileErrs, err := loadFile(&cfg, path, origins)
		if err != nil {
			return nil, err
		}
		errs = append(errs, fileErrs...)
	}
	errs = append(errs, applyEnv(&cfg, environ, origins)...)
	cfg.RulesFile = resolvePath(cfg.RulesFile, origins["rules_file"])
	cfg.WordsDir = resolvePath(cfg.WordsDir, origins["words_dir"])
	cfg.Links.VerifyFile = resolvePath(cfg.Links.VerifyFile, origins["links.verify_file"])
	if err := cfg.validate(origins, wechat); err != nil {
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return &cfg, nil
}

// MaxFileSize bounds the configuration file, read before it is parsed:
// real ones are a few KiB, and yaml.v3 holds many times a file's size in
// memory while parsing it.
const MaxFileSize = 1 << 20

// loadFile decodes the YAML file at path into cfg. The returned error is
// fatal (unreadable file, too big, bad syntax); the list holds key-level
// problems.
func loadFile(cfg *Config, path string, origins map[string]origin) ([]error, error) {
	data, err := readBounded(path, MaxFileSize)
	if err != nil {
		return nil, err
	}
	root, err := yamlnode.Parse(data)
	if err != nil {
		return nil, yamlSyntaxError(path, err)
	}
	d := &fileDecoder{file: path, origins: origins}
	d.decode(root, cfg)
	return d.errs, nil
}

// readBounded reads the file at path, refusing one over max bytes
// without reading the rest of it.
func readBounded(path string, max int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("configs: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, fmt.Errorf("configs: %w", err)
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("%s: the configuration file is over the limit of %d bytes", path, max)
	}
	return data, nil
}

// yamlSyntaxError turns yaml.v3's "yaml: line 7: msg" into "path:7: msg".
func yamlSyntaxError(path string, err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if line, m, ok := strings.Cut(rest, ": "); ok {
			if _, err := strconv.Atoi(line); err == nil {
				return fmt.Errorf("%s:%s: %s", path, line, m)
			}
		}
	}
	return fmt.Errorf("%s: %s", path, msg)
}

// resolvePath makes a relative path from the config file (rules_file,
// words_dir) relative to that file's directory, so the config works from
// any working directory; one from the environment stays relative to the
// working directory, as shell paths are.
func resolvePath(p string, o origin) string {
	if p == "" || filepath.IsAbs(p) || o.file == "" || o.env != "" {
		return p
	}
	return filepath.Join(filepath.Dir(o.file), p)
}
