package configs

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
)

// applyEnv sets every key named by a WXCAST_ variable in environ
// ("KEY=value" entries, as from os.Environ) and records the variable as the
// key's origin. Variables are applied and reported in name order; when a
// name repeats, the last entry wins.
func applyEnv(cfg *Config, environ []string, origins map[string]origin) []error {
	vars := make(map[string]string)
	for _, kv := range environ {
		name, value, ok := strings.Cut(kv, "=")
		if ok && strings.HasPrefix(name, EnvPrefix) && name != EnvConfig {
			vars[name] = value
		}
	}
	if len(vars) == 0 {
		return nil
	}
	byEnv := make(map[string]leaf)
	var names []string
	for _, l := range leaves() {
		byEnv[l.env] = l
		names = append(names, l.env)
	}
	root := reflect.ValueOf(cfg).Elem()
	var errs []error
	for _, name := range slices.Sorted(maps.Keys(vars)) {
		l, ok := byEnv[name]
		if !ok {
			errs = append(errs, fmt.Errorf("%w %s: it overrides no config key%s",
				ErrUnknownEnv, name, didYouMean(name, names)))
			continue
		}
		o := origin{env: name}
		if err := setLeaf(root.FieldByIndex(l.index), vars[name]); err != nil {
			errs = append(errs, o.fieldError(l.key, err))
			continue
		}
		forgetItems(origins, l.key)
		origins[l.key] = o
	}
	return errs
}

// forgetItems drops the origins of the items of list key, which a value
// from the environment has just replaced as a whole; otherwise an error in
// an item would point at a file line that no longer applies.
func forgetItems(origins map[string]origin, key string) {
	for k := range origins {
		if strings.HasPrefix(k, key+"[") {
			delete(origins, k)
		}
	}
}
