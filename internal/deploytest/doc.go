// Package deploytest checks the deployment files at the repository's root
// against the code: the Dockerfile's build line gives a static binary that
// knows its stamped version, and compose.yaml's configuration loads. CI
// cannot pull the base images, so these tests are what keeps the files
// from drifting. The package has tests only.
package deploytest
