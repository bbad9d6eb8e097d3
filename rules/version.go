package rules

// FileVersion names the version of the rules file at path as a server
// loading it would (Ruleset.Version, the version a refusal reports),
// whether or not the file compiles.
func FileVersion(path string, l Limits) (string, error) {
	_, version, _, err := readRules(path, l.withDefaults().MaxFileSize)
	return version, err
}
